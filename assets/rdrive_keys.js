// rDrive's viewer keys: ← and → press the open viewer's Previous / Next buttons
// ([data-rdrive-viewer] button[aria-label=...]), F its Favourite button (found by its
// aria-keyshortcuts); Esc is the dialog's own.
(function () {
  "use strict";
  if (window.rdriveKeys) return;
  window.rdriveKeys = true;

  const BUTTON_FOR_KEY = { ArrowRight: "Next", ArrowLeft: "Previous" };

  document.addEventListener("keydown", (event) => {
    const viewer = document.querySelector("[data-rdrive-viewer]");
    if (!viewer) return;
    const target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const label = BUTTON_FOR_KEY[event.key];
    const shortcut = event.key.length === 1 ? event.key.toUpperCase() : "";
    const button = label
      ? viewer.querySelector(`button[aria-label="${label}"]`)
      : shortcut && /^[A-Z]$/.test(shortcut)
        ? viewer.querySelector(`button[aria-keyshortcuts="${shortcut}"]`)
        : null;
    if (button) {
      event.preventDefault();
      button.click();
    }
  });
})();
