/* The quote builder's catalog search (quotes/form.html, [data-product-search], the search itself
   in catalog-suggestions.js): choosing a product posts the builder's "Add to the quote" with
   it, exactly what the select does without JavaScript. The select, listing the whole catalog,
   is then hidden (unless it shows an error). */
(function () {
  function setUp(search) {
    var input = search.querySelector("input[type=search]");
    var fallback = document.querySelector("[data-product-select]");
    var add = fallback.querySelector("button[value=add_product]");
    // (.quote-picker is a flex box: its hidden attribute would not hide it)
    if (!fallback.querySelector(".field--error")) { fallback.style.display = "none"; }
    window.catalogSuggestions(search, fallback.querySelector("select"), function () {
      input.form.requestSubmit(add);
    });
  }
  function start() { document.querySelectorAll("[data-product-search]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
