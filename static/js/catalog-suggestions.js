/* The catalog searched as the user types, shared by the quote builder (product-search.js) and
   the add-a-charge form (charge-form.js): products come from the server (search's data-url,
   products:suggestions, a few at a time) into the listbox inside search, data-none saying when
   none matches. Choosing one sets select (the page's whole-catalog select, the way without
   JavaScript) to it, adding the option if that select lacks it, then calls onChoose(product);
   emptying the search calls onClear, when given. Enter picks a lone suggestion. Needs
   client-picker.js (window.suggestionList) loaded first. */
window.catalogSuggestions = function (search, select, onChoose, onClear) {
  var input = search.querySelector("input[type=search]");
  var list = search.querySelector("[role=listbox]");
  var timer = null;
  var asked = 0;
  var close = window.suggestionList(search, input, list, function (all) {
    if (all.length === 1) { choose(all[0]); }
  });
  search.hidden = false;

  function show(products) {
    list.innerHTML = "";
    products.forEach(function (product) {
      var item = document.createElement("li");
      item.setAttribute("role", "option");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "client-picker__option";
      button.dataset.product = product.id;
      button.product = product;
      button.textContent = product.name;
      var price = document.createElement("span");
      price.className = "client-picker__email muted";
      price.textContent = product.unit_price_display + (product.unit_label ? " · " + product.unit_label : "");
      button.appendChild(price);
      item.appendChild(button);
      list.appendChild(item);
    });
    if (!products.length) {
      var none = document.createElement("li");
      none.className = "client-picker__none muted";
      none.textContent = search.dataset.none;
      list.appendChild(none);
    }
    input.setAttribute("aria-expanded", "true");
  }
  function ask() {
    var number = ++asked;
    var url = search.dataset.url + "?q=" + encodeURIComponent(input.value.trim());
    fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : {products: []}; })
      .then(function (answer) { if (number === asked) { show(answer.products || []); } })
      .catch(function () { /* offline: the list stays as it was */ });
  }
  function choose(button) {
    var product = button.product;
    var pk = String(product.id);
    if (!select.querySelector('option[value="' + pk + '"]')) { select.appendChild(new Option(product.name, pk)); }
    select.value = pk;
    close();
    onChoose(product);
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    if (!input.value.trim()) {
      if (onClear) { onClear(); }
      close();
      return;
    }
    timer = setTimeout(ask, 200);
  });
  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-product]");
    if (button) { choose(button); }
  });
};
