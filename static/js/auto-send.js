// Auto-send invoices settings: show only the day field of the chosen cycle (the weekday for a
// weekly cycle, the day of the month for a monthly one). Without JavaScript both stay shown,
// and the one the cycle does not use is ignored when saving.
(function () {
  const form = document.querySelector("[data-auto-send]");
  if (!form) return;
  function show() {
    const chosen = form.querySelector("input[name=cycle]:checked");
    form.querySelectorAll("[data-cycle]").forEach(function (part) {
      part.hidden = !chosen || part.dataset.cycle !== chosen.value;
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "cycle") show();
    if (event.target.name === "enabled") {
      // The next run shown is the saved settings' one: say so until they are saved.
      const note = form.querySelector("[data-next-run]");
      note.textContent = note.dataset.unsaved;
    }
  });
  show();
})();
