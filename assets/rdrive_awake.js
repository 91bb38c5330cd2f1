// Keeps a phone's screen on while files upload (the Screen Wake Lock API): a phone that locks
// its screen suspends the page, and the upload with it (it resumes, but later). The lock is
// asked for when uploads start (rdrive_upload.js says "rdrive-upload-start"), let go when the
// last one ends ("rdrive-upload-end" with nothing pending), and asked for again when the page
// comes back into view while uploads are still going (the browser drops it when hidden).
(function () {
  "use strict";
  if (window.rdriveAwake) return;
  let lock = null;

  const uploading = () => Boolean(window.rdriveUpload && window.rdriveUpload.pending() > 0);

  async function hold() {
    if (lock || !navigator.wakeLock || document.visibilityState !== "visible") return;
    try {
      lock = await navigator.wakeLock.request("screen");
      lock.addEventListener("release", () => {
        lock = null;
      });
      letGo(); // the uploads may have ended while the browser was granting it
    } catch (error) {
      lock = null; // not allowed here (battery saver, a frame): uploads go on regardless
    }
  }

  function letGo() {
    if (lock && !uploading()) {
      lock.release();
      lock = null;
    }
  }

  window.addEventListener("rdrive-upload-start", hold);
  window.addEventListener("rdrive-upload-end", letGo);
  document.addEventListener("visibilitychange", () => {
    if (uploading()) hold();
  });
  window.rdriveAwake = { held: () => lock !== null };
})();
