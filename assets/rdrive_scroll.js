// rDrive's infinite scroll: when a "Load more" button ([data-rdrive-load-more]) comes into view
// (or within 600 px of it), press it. An IntersectionObserver watches each such button; a
// MutationObserver notices the buttons the page adds (a folder opened, a new page of tiles).
(function () {
  "use strict";
  if (window.rdriveScroll) return;

  const SELECTOR = "[data-rdrive-load-more]";
  const observed = new WeakSet();
  const visible = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting && !entry.target.disabled) entry.target.click();
      }
    },
    { rootMargin: "600px" }
  );

  function watchButtons() {
    for (const button of document.querySelectorAll(SELECTOR)) {
      if (observed.has(button)) continue;
      observed.add(button);
      visible.observe(button);
    }
  }

  function start() {
    watchButtons();
    new MutationObserver(watchButtons).observe(document.body, { childList: true, subtree: true });
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
  window.rdriveScroll = { watchButtons };
})();
