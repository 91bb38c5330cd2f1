// rDrive's Live Photos: a still's motion ([data-rdrive-live] video) plays while a mouse is
// over it or a finger holds it, and hides again when it ends or the pointer leaves; the
// viewer's Live toggle sets data-rdrive-live to "off" to keep the still still.
(function () {
  "use strict";
  if (window.rdriveLive) return;
  window.rdriveLive = true;

  const liveBox = (node) => (node && node.closest ? node.closest("[data-rdrive-live]") : null);
  const motionOf = (box) => box.querySelector("video[data-rdrive-motion]");

  function play(box) {
    const video = box && box.dataset.rdriveLive === "on" ? motionOf(box) : null;
    if (!video) return;
    video.currentTime = 0;
    video.style.opacity = "1";
    const started = video.play();
    if (started && started.catch) started.catch(() => {});
  }

  function stop(box) {
    const video = box ? motionOf(box) : null;
    if (!video) return;
    video.pause();
    video.style.opacity = "0";
  }

  document.addEventListener("pointerover", (event) => {
    const box = liveBox(event.target);
    if (box && event.pointerType === "mouse" && !box.contains(event.relatedTarget)) play(box);
  });
  document.addEventListener("pointerout", (event) => {
    const box = liveBox(event.target);
    if (box && !box.contains(event.relatedTarget)) stop(box);
  });
  document.addEventListener("pointerdown", (event) => {
    const box = liveBox(event.target);
    if (box && event.pointerType !== "mouse") play(box);
  });
  for (const name of ["pointerup", "pointercancel"]) {
    document.addEventListener(name, (event) => {
      const box = liveBox(event.target);
      if (box && event.pointerType !== "mouse") stop(box);
    });
  }
  document.addEventListener("ended", (event) => stop(liveBox(event.target)), true);
  document.addEventListener("contextmenu", (event) => {
    if (liveBox(event.target)) event.preventDefault(); // a long press plays, not a menu
  });
})();
