// rDrive's share page (/share): the files a gallery's "Share -> rDrive" left in the service
// worker's CACHE_SHARED (rdrive_sw.js keeps them there when it takes the share's POST).
//
// It lists them to ShareState (ui/state/share.py) through the hidden #rdrive-share-bridge
// input, one JSON message {type: "listed", files: [{id, name, size, type, preview, sending}]};
// when the state says so (page commands shareSend and shareDiscard, run by rdrive_page.js) it
// hands them to the normal upload path, window.rdriveUpload.choose (rdrive_upload.js: resumable,
// with progress in the upload panel), or discards them. A shared file stays in the cache until
// its upload script says every byte arrived ("rdrive-upload-end"), so nothing shared is lost
// when the user leaves the page (or the page reloads) before it is sent.
//
// Event-driven only: a MutationObserver notices the bridge mounted, the upload script's
// "rdrive-upload-end" events end a file's sending, the worker's "rdrive-shared" message (a new
// share while the page is open) lists again.
(function () {
  "use strict";
  if (typeof window === "undefined" || window.rdriveShare) return;

  const CACHE_SHARED = "rdrive-shared"; // rdrive_sw.js
  const BRIDGE_ID = "rdrive-share-bridge"; // ui/state/share.py SHARE_BRIDGE_ID
  const sending = new Map(); // upload cid -> shared id
  const previews = new Map(); // shared id -> blob: URL of its bytes (an <img> or <video> src)
  let seq = 0;

  const ownedByReact = (el) => Object.keys(el).some((k) => k.startsWith("__reactProps$"));

  function send(message) {
    const el = document.getElementById(BRIDGE_ID);
    if (!el) return;
    message.seq = ++seq;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(el, JSON.stringify(message));
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Every shared file: {id, request, response}, oldest share first.
  async function shared() {
    if (!("caches" in window)) return [];
    const cache = await caches.open(CACHE_SHARED);
    const out = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      if (response) out.push({ id: new URL(request.url).pathname.split("/").pop(), request, response });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  function described(id, response) {
    const headers = response.headers;
    let name = "shared";
    try {
      name = decodeURIComponent(headers.get("x-rdrive-name") || "shared");
    } catch (error) {
      /* not what the worker wrote: keep the plain name */
    }
    return {
      id,
      name,
      size: Number(headers.get("x-rdrive-size") || 0),
      type: headers.get("content-type") || "",
      lastModified: Number(headers.get("x-rdrive-modified") || 0),
    };
  }

  async function fileOf(id, response) {
    const meta = described(id, response);
    const blob = await response.blob();
    return new File([blob], meta.name, { type: meta.type, lastModified: meta.lastModified });
  }

  const inFlight = () => new Set(sending.values());

  // One listing at a time, in order: each reads the cache after the changes before it.
  let listing = Promise.resolve();
  function list() {
    listing = listing.then(listOnce, listOnce);
    return listing;
  }

  async function listOnce() {
    const flying = inFlight();
    const files = [];
    const present = new Set();
    for (const { id, response } of await shared()) {
      const meta = described(id, response);
      present.add(id);
      if (!previews.has(id) && /^(image|video)\//.test(meta.type)) {
        previews.set(id, URL.createObjectURL(await response.blob()));
      }
      files.push({
        id,
        name: meta.name,
        size: meta.size,
        type: meta.type,
        preview: previews.get(id) || "",
        sending: flying.has(id),
      });
    }
    for (const [id, url] of previews) {
      if (!present.has(id)) {
        URL.revokeObjectURL(url);
        previews.delete(id);
      }
    }
    send({ type: "listed", files });
  }

  // The state chose the folder (it opened it for the upload state): upload these files.
  async function shareSend(ids) {
    const wanted = new Set(ids);
    const flying = inFlight();
    const picked = [];
    for (const { id, response } of await shared()) {
      if (wanted.has(id) && !flying.has(id)) picked.push({ id, file: await fileOf(id, response) });
    }
    if (picked.length && window.rdriveUpload) {
      const cids = window.rdriveUpload.choose(picked.map(({ file }) => ({ file, dir: "" })));
      (cids || []).forEach((cid, i) => sending.set(cid, picked[i].id));
    }
    await list();
  }

  async function shareDiscard(ids) {
    const flying = inFlight();
    const cache = await caches.open(CACHE_SHARED);
    for (const { id, request } of await shared()) {
      if (ids.includes(id) && !flying.has(id)) await cache.delete(request);
    }
    await list();
  }

  window.addEventListener("rdrive-upload-end", async (event) => {
    const { cid, ok } = event.detail || {};
    const id = sending.get(cid);
    if (id === undefined) return;
    sending.delete(cid);
    if (ok) {
      const cache = await caches.open(CACHE_SHARED);
      for (const { id: other, request } of await shared()) {
        if (other === id) await cache.delete(request);
      }
    }
    await list();
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "rdrive-shared") list();
    });
  }

  // List once for each bridge element React mounts (the share page opened or reloaded), after
  // React owns it (an event written into the server's HTML reaches no handler).
  let listedTo = null;
  let tries = 0;
  function mounted() {
    const el = document.getElementById(BRIDGE_ID);
    if (!el || el === listedTo) return;
    if (!ownedByReact(el) && tries++ < 100) {
      setTimeout(mounted, 100);
      return;
    }
    listedTo = el;
    tries = 0;
    list();
  }

  window.rdriveShare = { send: shareSend, discard: shareDiscard, list };
  mounted();
  new MutationObserver(mounted).observe(document.documentElement, { childList: true, subtree: true });
})();
