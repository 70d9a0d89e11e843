/* The add-a-charge form (charges/form.html, [data-charge-product-search]): products come from
   the server as the user types (products:suggestions, a few at a time); choosing one sets the
   product and fills in the description, unit price and currency, which stay editable. The
   select listing the whole catalog (the way without JavaScript) is then hidden, unless it
   shows an error. Arrows move through the suggestions, Escape closes them. */
(function () {
  function setUp(search) {
    var form = search.closest("form");
    var input = search.querySelector("input[type=search]");
    var list = search.querySelector("[role=listbox]");
    var fallback = form.querySelector("[data-charge-product-select]");
    var select = fallback.querySelector("select");
    var timer = null;
    var asked = 0;
    search.hidden = false;
    if (!fallback.querySelector(".field--error")) { fallback.hidden = true; }
    if (select.value) { input.value = select.options[select.selectedIndex].text; }

    function field(name) { return form.querySelector("[name=" + name + "]"); }
    function options() { return Array.prototype.slice.call(list.querySelectorAll("button")); }
    function close() { list.innerHTML = ""; input.setAttribute("aria-expanded", "false"); }
    function show(products) {
      list.innerHTML = "";
      products.forEach(function (product) {
        var item = document.createElement("li");
        item.setAttribute("role", "option");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "client-picker__option";
        button.textContent = product.name;
        button.product = product;
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
      input.value = product.name;
      field("description").value = product.name;
      // "12.50": a single point before two digits reads the same in every locale.
      field("unit_price").value = product.unit_price;
      field("currency").value = product.currency;
      close();
      field("quantity").focus();
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (!input.value.trim()) { select.value = ""; close(); return; }
      timer = setTimeout(ask, 200);
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (button && button.product) { choose(button); }
    });
    search.addEventListener("keydown", function (event) {
      var all = options();
      var at = all.indexOf(document.activeElement);
      if (event.key === "Enter" && event.target === input) {
        event.preventDefault();  // would post the form half filled in
        if (all.length === 1) { choose(all[0]); }
      } else if (event.key === "Escape" && list.children.length) {
        event.preventDefault(); event.stopPropagation(); close(); input.focus();
      } else if (event.key === "ArrowDown" && all.length) {
        event.preventDefault(); all[Math.min(at + 1, all.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault(); (at === 0 ? input : all[at - 1]).focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!search.contains(event.target)) { close(); }
    });
  }
  function start() { document.querySelectorAll("[data-charge-product-search]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
