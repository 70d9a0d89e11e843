/* "Add a line" without a reload, on every document form with lines (requests, quotes): a copy
   of the empty line, numbered; without JavaScript the button asks the server for the same. */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-add-line]");
  if (!button) return;
  var total = document.querySelector("[name=lines-TOTAL_FORMS]");
  var template = document.querySelector("[data-line-template]");
  var index = parseInt(total.value, 10);
  if (!template || isNaN(index) || index >= parseInt(document.querySelector("[name=lines-MAX_NUM_FORMS]").value, 10)) return;
  event.preventDefault();
  var holder = document.createElement("div");
  holder.innerHTML = template.innerHTML.replace(/__prefix__/g, index);
  var line = holder.firstElementChild;
  line.querySelector("[data-line-number]").textContent = index + 1;
  document.querySelector("[data-lines]").appendChild(line);
  total.value = index + 1;
  line.querySelector("input:not([type=hidden])").focus();
});
