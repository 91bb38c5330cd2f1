// rDrive's viewer keys: each presses a button of the open viewer ([data-rdrive-viewer]),
// so a key does exactly what its button does — ← → Previous / Next, + − Zoom in / out
// (found by their names), and F, I, Del, ? the buttons that name that key in
// aria-keyshortcuts (Favourite, Info, Delete, Keyboard shortcuts). Esc is the dialog's own.
// Keys typed into a field, or meant for a dialog opened over the viewer, are left alone.
(function () {
  "use strict";
  if (window.rdriveKeys) return;
  window.rdriveKeys = true;

  const BUTTON_FOR_KEY = {
    ArrowRight: "Next",
    ArrowLeft: "Previous",
    "+": "Zoom in",
    "=": "Zoom in",
    "-": "Zoom out",
  };
  const SHORTCUT_FOR_KEY = { f: "F", F: "F", i: "I", I: "I", Delete: "Delete", "?": "?" };

  function typing(target) {
    if (!target || !target.tagName) return false;
    return /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable;
  }

  function overViewer(target, viewer) {
    // A dialog over the viewer (Rename, Date taken, the shortcuts) takes its own keys.
    const dialog = target && target.closest ? target.closest('[role="dialog"]') : null;
    return !dialog || dialog.contains(viewer);
  }

  document.addEventListener("keydown", (event) => {
    const viewer = document.querySelector("[data-rdrive-viewer]");
    if (!viewer || event.defaultPrevented) return;
    if (typing(event.target) || !overViewer(event.target, viewer)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const label = BUTTON_FOR_KEY[event.key];
    const shortcut = SHORTCUT_FOR_KEY[event.key];
    const button = label
      ? viewer.querySelector(`button[aria-label="${label}"]`)
      : shortcut
        ? viewer.querySelector(`button[aria-keyshortcuts="${shortcut}"]`)
        : null;
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });
})();
