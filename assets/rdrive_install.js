// rDrive as an installable app: registers the service worker (rdrive_sw.js, which keeps the
// app shell and receives "Share -> rDrive"), then hands it the shell this page already loaded
// so the next start works offline. The manifest and icons are linked from every page's head
// (ui/components/install.py). Runs once per page load, after "load": registering never
// competes with the first paint.
(function () {
  "use strict";
  if (typeof window === "undefined" || window.rdriveInstall) return;
  window.rdriveInstall = true;
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;

  const WORKER = "/rdrive_sw.js";
  // Enough room for a dev server's hundreds of modules (the default keeps 250 entries).
  try {
    performance.setResourceTimingBufferSize(2000);
  } catch (error) {
    /* an old browser: fewer resources warmed */
  }

  function warm(worker) {
    const resources = performance
      .getEntriesByType("resource")
      .map((entry) => ({ href: entry.name, initiator: entry.initiatorType }));
    worker.postMessage({ type: "rdrive-warm", document: window.location.href, resources });
  }

  // The worker's refresh of the cached shell re-reads what the page loaded: after the page has
  // painted and settled, so it never competes with what the user does first.
  function whenIdle(task) {
    if ("requestIdleCallback" in window) requestIdleCallback(task, { timeout: 5000 });
    else setTimeout(task, 2000);
  }

  function register() {
    const registered = navigator.serviceWorker.register(WORKER, { scope: "/" });
    registered
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        if (registration.active) whenIdle(() => warm(registration.active));
      })
      .catch((error) => console.warn("rDrive: no service worker", error));
  }

  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
})();
