// rDrive's browser side of uploads: send files straight to storage through signed URLs.
//
// Why a small script instead of an upload library: the bytes must go to a signed URL that the
// server hands out per file (S3 presigned PUT or the local store's signed route), with progress
// and cancel, and the page state lives in Python. XMLHttpRequest gives upload progress events;
// fetch() does not. The script talks to the Reflex state through one hidden input
// (#rdrive-bridge): it writes a JSON message there and the state's handler reads it; the state
// answers by calling window.rdriveUpload.* through rx.call_script.
(function () {
  "use strict";
  if (window.rdriveUpload) return;

  const files = new Map(); // cid -> {file, xhr, loaded}
  const queue = []; // tickets waiting for a free slot
  const MAX_PARALLEL = 3;
  const PROGRESS_EVERY_MS = 400;
  let active = 0;
  let seq = 0;
  let progressTimer = null;
  const dirty = new Set();

  function send(message) {
    const el = document.getElementById("rdrive-bridge");
    if (!el) return false;
    message.seq = ++seq;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(el, JSON.stringify(message));
    el.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  function newCid() {
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  }

  function choose(entries) {
    // entries: [{file, dir}]
    const metas = [];
    for (const { file, dir } of entries) {
      const cid = newCid();
      files.set(cid, { file, xhr: null, loaded: 0 });
      metas.push({
        cid,
        name: file.name,
        size: file.size,
        type: file.type || "",
        lastModified: file.lastModified || 0,
        dir: dir || "",
      });
    }
    if (metas.length) send({ type: "chosen", files: metas });
  }

  function flushProgress() {
    progressTimer = null;
    if (!dirty.size) return;
    const loaded = {};
    for (const cid of dirty) {
      const entry = files.get(cid);
      if (entry) loaded[cid] = entry.loaded;
    }
    dirty.clear();
    send({ type: "progress", loaded });
  }

  function markProgress(cid) {
    dirty.add(cid);
    if (!progressTimer) progressTimer = setTimeout(flushProgress, PROGRESS_EVERY_MS);
  }

  function pump() {
    while (active < MAX_PARALLEL && queue.length) {
      const ticket = queue.shift();
      const entry = files.get(ticket.cid);
      if (!entry) continue;
      active += 1;
      put(ticket, entry);
    }
  }

  function finish(cid, message) {
    active -= 1;
    const entry = files.get(cid);
    if (entry) entry.xhr = null;
    files.delete(cid);
    flushProgress();
    send(message);
    pump();
  }

  function put(ticket, entry) {
    const xhr = new XMLHttpRequest();
    entry.xhr = xhr;
    xhr.open("PUT", ticket.url, true);
    for (const [name, value] of Object.entries(ticket.headers || {})) {
      xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => {
      entry.loaded = event.loaded;
      markProgress(ticket.cid);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        entry.loaded = entry.file.size;
        finish(ticket.cid, { type: "sent", cid: ticket.cid, item_id: ticket.item_id });
      } else {
        let reason = "upload failed (HTTP " + xhr.status + ")";
        try {
          const body = JSON.parse(xhr.responseText);
          if (body && body.detail) reason = body.detail;
        } catch (e) {
          /* not JSON: keep the status line */
        }
        finish(ticket.cid, { type: "failed", cid: ticket.cid, item_id: ticket.item_id, reason });
      }
    };
    xhr.onerror = () =>
      finish(ticket.cid, {
        type: "failed",
        cid: ticket.cid,
        item_id: ticket.item_id,
        reason: "the connection was lost",
      });
    xhr.onabort = () => {
      active -= 1;
      files.delete(ticket.cid);
      pump();
    };
    xhr.send(entry.file);
  }

  // Called by the state (rx.call_script) with the signed URLs for the accepted files.
  function start(tickets, dropped) {
    for (const cid of dropped || []) files.delete(cid);
    for (const ticket of tickets) queue.push(ticket);
    pump();
  }

  function cancel(cid) {
    const index = queue.findIndex((t) => t.cid === cid);
    if (index >= 0) queue.splice(index, 1);
    const entry = files.get(cid);
    if (entry && entry.xhr) entry.xhr.abort();
    files.delete(cid);
  }

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

  async function onDrop(event) {
    if (!document.getElementById("rdrive-bridge")) return;
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
    choose(out);
  }

  document.addEventListener("dragover", (event) => {
    if (!document.getElementById("rdrive-bridge")) return;
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
    choose(picked);
    input.value = "";
  });

  // Infinite scroll: when the "Load more" button comes into view, press it.
  const observed = new WeakSet();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting && !entry.target.disabled) entry.target.click();
      }
    },
    { rootMargin: "600px" }
  );
  setInterval(() => {
    const button = document.querySelector("[data-rdrive-load-more]");
    if (button && !observed.has(button)) {
      observed.add(button);
      observer.observe(button);
    }
  }, 500);

  // The viewer: ← and → press its Previous / Next buttons (Esc is the dialog's own).
  document.addEventListener("keydown", (event) => {
    const viewer = document.querySelector("[data-rdrive-viewer]");
    if (!viewer) return;
    const target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
    const label = { ArrowRight: "Next", ArrowLeft: "Previous" }[event.key];
    const button = label && viewer.querySelector(`button[aria-label="${label}"]`);
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  window.rdriveUpload = { start, cancel, choose, pending: () => files.size + queue.length };
})();
