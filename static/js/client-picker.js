/* Client pickers (clients.widgets.ClientPicker): suggestions come from the server
   as the user types; picking one sets the hidden client id (and applies a filter that asks
   for it), and no suggestions are asked for until typing again forgets the picked client; arrows move through the suggestions and
   Escape closes them. */
(function () {
  /* The keys and clicks every suggestion list answers (this picker's, and the catalog's in
     catalog-suggestions.js): arrows move through the buttons of the listbox, Escape or a click
     outside box closes it. onEnter(buttons), when given, takes an Enter typed in the search
     input, which would otherwise post the form. Returns close(). */
  window.suggestionList = function (box, input, list, onEnter) {
    function close() { list.innerHTML = ""; input.setAttribute("aria-expanded", "false"); }
    box.addEventListener("keydown", function (event) {
      var all = Array.prototype.slice.call(list.querySelectorAll("button"));
      var at = all.indexOf(document.activeElement);
      if (event.key === "Enter" && onEnter && event.target === input) {
        event.preventDefault();
        onEnter(all);
      } else if (event.key === "Escape" && list.children.length) {
        event.preventDefault(); event.stopPropagation(); close(); input.focus();
      } else if (event.key === "ArrowDown" && all.length) {
        event.preventDefault(); all[Math.min(at + 1, all.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault(); (at === 0 ? input : all[at - 1]).focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!box.contains(event.target)) { close(); }
    });
    return close;
  };

  function setUp(picker) {
    var input = picker.querySelector("input[type=search]");
    var chosen = picker.querySelector("input[type=hidden]");
    var list = picker.querySelector("[role=listbox]");
    var close = window.suggestionList(picker, input, list);
    input.addEventListener("input", function () {
      chosen.value = "";
      chosen.dispatchEvent(new Event("change", {bubbles: true}));
    });
    // A request still waiting when a client is picked (typed just before) would answer for
    // the picked client's label, which matches no one: once picked, nothing is asked.
    input.addEventListener("htmx:beforeRequest", function (event) {
      if (chosen.value) { event.preventDefault(); }
    });
    list.addEventListener("htmx:afterSwap", function () {
      input.setAttribute("aria-expanded", list.children.length ? "true" : "false");
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("button[data-client]");
      if (!option) { return; }
      chosen.value = option.dataset.client;
      chosen.dispatchEvent(new Event("change", {bubbles: true}));
      input.value = option.dataset.label;
      close();
      if (picker.hasAttribute("data-submit-on-pick")) { input.form.requestSubmit(); } else { input.focus(); }
    });
  }
  function start() { document.querySelectorAll("[data-client-picker]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
