// rDrive's viewer, one step ahead: the previous and next items' previews
// (img[data-rdrive-preload="prev"|"next"], out of sight) are decoded as soon as their URLs
// arrive, and pressing Previous / Next (a click, ← →, a swipe) shows the decoded neighbour
// in the picture at once, before the server's answer names it (the same URL: the state keeps
// its signature, so React's update changes nothing the eye sees).
(function () {
  "use strict";
  if (window.rdrivePreload) return;
  window.rdrivePreload = true;

  const STEP = { Next: "next", Previous: "prev" };
  const decoded = new Map(); // src → the Image holding its decoded bitmap (the last few)
  const KEEP = 6;

  function decode(src) {
    if (!src || decoded.has(src)) return;
    const image = new Image();
    image.decoding = "async";
    image.src = src;
    decoded.set(src, image);
    while (decoded.size > KEEP) decoded.delete(decoded.keys().next().value);
    image.decode().catch(() => decoded.delete(src));
  }

  function ahead(root) {
    for (const img of root.querySelectorAll("img[data-rdrive-preload]")) decode(img.src);
  }

  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "attributes") {
        if (change.target.matches("img[data-rdrive-preload]")) decode(change.target.src);
      } else {
        for (const node of change.addedNodes) if (node.querySelectorAll) ahead(node);
      }
    }
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["src"],
  });

  document.addEventListener(
    "click",
    (event) => {
      const button = event.target.closest ? event.target.closest("button[aria-label]") : null;
      const viewer = button ? button.closest("[data-rdrive-viewer]") : null;
      const which = button ? STEP[button.getAttribute("aria-label")] : null;
      if (!viewer || !which) return;
      const next = viewer.querySelector(`img[data-rdrive-preload="${which}"]`);
      const picture = viewer.querySelector("img[data-rdrive-picture]");
      if (!next || !picture || !next.complete || !next.naturalWidth) return;
      picture.src = next.src;
      picture.alt = next.dataset.rdriveName || "";
    },
    true,
  );
})();
