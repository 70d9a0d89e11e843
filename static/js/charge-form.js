/* The add-a-charge form (charges/form.html, [data-charge-product-search], the search itself in
   catalog-suggestions.js): choosing a product sets the product and fills in the description,
   unit price and currency, which stay editable. The select listing the whole catalog (the way
   without JavaScript) is then hidden, unless it shows an error. */
(function () {
  function setUp(search) {
    var form = search.closest("form");
    var input = search.querySelector("input[type=search]");
    var fallback = form.querySelector("[data-charge-product-select]");
    var select = fallback.querySelector("select");
    if (!fallback.querySelector(".field--error")) { fallback.hidden = true; }
    if (select.value) { input.value = select.options[select.selectedIndex].text; }

    function field(name) { return form.querySelector("[name=" + name + "]"); }
    window.catalogSuggestions(search, select, function (product) {
      input.value = product.name;
      field("description").value = product.name;
      // "12.50": a single point before two digits reads the same in every locale.
      field("unit_price").value = product.unit_price;
      field("currency").value = product.currency;
      field("quantity").focus();
    }, function () { select.value = ""; });
  }
  function start() { document.querySelectorAll("[data-charge-product-search]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
