// rDrive's file picking: files and folders dropped on the folder page, and the "Upload" file
// input, go to the upload script (rdrive_upload.js) as [{file, dir}] through
// window.rdriveUpload.choose. Only event listeners: drop, dragover, dragleave, change.
(function () {
  "use strict";
  if (window.rdrivePick) return;
  window.rdrivePick = true;

  // Folders dropped on the page keep their structure: walk them with the entries API.
  function readEntry(entry, dir, out) {
    return new Promise((resolve) => {
      if (entry.isFile) {
        entry.file(
          (file) => {
            out.push({ file, dir });
            resolve();
          },
          () => resolve()
        );
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        const sub = dir ? dir + "/" + entry.name : entry.name;
        const all = [];
        const readBatch = () =>
          reader.readEntries(
            (batch) => {
              if (!batch.length) {
                Promise.all(all.map((e) => readEntry(e, sub, out))).then(() => resolve());
              } else {
                all.push(...batch);
                readBatch();
              }
            },
            () => resolve()
          );
        readBatch();
      } else {
        resolve();
      }
    });
  }

  const onFolderPage = () => document.querySelector("[data-rdrive-folder-page]") !== null;

  async function onDrop(event) {
    if (!onFolderPage()) return;
    event.preventDefault();
    document.body.classList.remove("rdrive-dragging");
    const items = event.dataTransfer && event.dataTransfer.items;
    const out = [];
    if (items && items.length && items[0].webkitGetAsEntry) {
      const entries = [];
      for (const item of items) {
        const entry = item.webkitGetAsEntry && item.webkitGetAsEntry();
        if (entry) entries.push(entry);
      }
      await Promise.all(entries.map((e) => readEntry(e, "", out)));
    } else if (event.dataTransfer) {
      for (const file of event.dataTransfer.files) out.push({ file, dir: "" });
    }
    window.rdriveUpload.choose(out);
  }

  document.addEventListener("dragover", (event) => {
    if (!onFolderPage()) return;
    if (event.dataTransfer && Array.from(event.dataTransfer.types || []).includes("Files")) {
      event.preventDefault();
      document.body.classList.add("rdrive-dragging");
    }
  });
  document.addEventListener("dragleave", (event) => {
    if (event.relatedTarget === null) document.body.classList.remove("rdrive-dragging");
  });
  document.addEventListener("drop", onDrop);

  // The "Upload" file input: any input[data-rdrive-upload] on the page.
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-rdrive-upload")) return;
    const picked = Array.from(input.files || []).map((file) => ({
      file,
      dir: "",
    }));
    window.rdriveUpload.choose(picked);
    input.value = "";
  });
})();
