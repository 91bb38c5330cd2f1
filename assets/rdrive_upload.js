// rDrive's browser side of uploads: send files straight to storage through signed URLs.
// (Its siblings: rdrive_pick.js hands it the files dropped or picked, through
// window.rdriveUpload.choose; rdrive_scroll.js does infinite scroll; rdrive_keys.js the
// viewer's keys.)
//
// Why a small script instead of an upload library: the bytes must go to a signed URL that the
// server hands out per file (S3 presigned PUT or the local store's signed route), with progress
// and cancel, and the page state lives in Python. XMLHttpRequest gives upload progress events;
// fetch() does not. The script talks to the Reflex state through one hidden input
// (#rdrive-bridge): it writes a JSON message there and the state's handler reads it; the state
// answers with page commands that rdrive_page.js turns into calls of window.rdriveUpload.*
// (never through eval, which the deployed Content-Security-Policy refuses).
//
// The protocol -- every message this script sends, with its fields, and every function of
// window.rdriveUpload the state calls, with its arguments -- is written down once, in
// rdrive_app/ui/state/upload_protocol.py; tests/state/test_upload_protocol.py checks this file
// against it. Change both together.
(function () {
  "use strict";
  if (window.rdriveUpload) return;

  // The upload fingerprint: how the server recognises the same file added again, to resume it.
  // The one Python definition is rdrive_app/core/fingerprint.py (upload_fingerprint); a test
  // runs this function in Node and compares. Lengths count code points, as Python does.
  const MAX_FINGERPRINT_CHARS = 600;
  function uploadFingerprint(name, size, lastModified) {
    const text = `${name}|${size}|${lastModified}`;
    return Array.from(text).slice(0, MAX_FINGERPRINT_CHARS).join("");
  }

  const files = new Map(); // cid -> upload record (see startTicket)
  const tasks = []; // {cid, part} waiting for a free slot; part 0 = a single PUT
  const MAX_SLOTS = 4; // transfers in flight: whole small files or parts of a big one
  const MAX_TRIES = 8;
  const URL_BATCH = 16;
  const PROGRESS_EVERY_MS = 400;
  const ACK_CHOSEN = "chosen:"; // + the batch's first cid (upload_protocol.ACK_CHOSEN)
  const ACK_SENT = "sent:"; // + the cid (upload_protocol.ACK_SENT)
  let active = 0;
  let seq = 0;
  let progressTimer = null;
  const dirty = new Set();

  const BRIDGE_ID = "rdrive-bridge"; // upload_protocol.BRIDGE_ID

  function send(message) {
    const el = document.getElementById(BRIDGE_ID);
    if (!el) return false;
    message.seq = ++seq;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(el, JSON.stringify(message));
    el.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  // Messages that must arrive ("chosen", "sent") are sent again until the state answers:
  // an event can be lost while the page reconnects or navigates; the state ignores repeats.
  // The resend timer runs only while some message waits for its answer.
  const unacked = new Map(); // key -> {message, tries}
  const RESEND_MS = 4000;
  const MAX_RESENDS = 10;
  let resendTimer = null;

  function sendUntilAcked(key, message) {
    unacked.set(key, { message, tries: 0 });
    send(message);
    scheduleResend();
  }

  function ack(key) {
    unacked.delete(key);
  }

  function scheduleResend() {
    if (!resendTimer && unacked.size) resendTimer = setTimeout(resendUnacked, RESEND_MS);
  }

  function resendUnacked() {
    resendTimer = null;
    for (const [key, pending] of unacked) {
      if (pending.tries >= MAX_RESENDS) {
        unacked.delete(key);
        continue;
      }
      pending.tries += 1;
      send(pending.message);
    }
    scheduleResend();
  }

  function newCid() {
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  }

  // One file of a "chosen" message (upload_protocol.CHOSEN_FILE).
  function fileMeta(cid, file, dir) {
    const lastModified = file.lastModified || 0;
    return {
      cid,
      name: file.name,
      size: file.size,
      type: file.type || "",
      lastModified,
      dir: dir || "",
      fingerprint: uploadFingerprint(file.name, file.size, lastModified),
    };
  }

  function choose(entries) {
    // entries: [{file, dir}]
    const metas = [];
    for (const { file, dir } of entries) {
      const cid = newCid();
      files.set(cid, { file, xhrs: new Set(), loaded: 0, ticket: null, cancelled: false });
      metas.push(fileMeta(cid, file, dir));
    }
    if (metas.length) sendUntilAcked(ACK_CHOSEN + metas[0].cid, { type: "chosen", files: metas });
    return metas.map((meta) => meta.cid); // in the order given (rdrive_share.js follows them)
  }

  // A file's part here is over: every byte arrived (ok), or it failed, was refused or cancelled.
  // Said as a window event, for scripts that hand files in and must know when to let go of them
  // (rdrive_share.js drops a shared file once it is sent).
  function ended(cid, ok) {
    window.dispatchEvent(new CustomEvent("rdrive-upload-end", { detail: { cid, ok } }));
  }

  function loadedOf(entry) {
    if (!entry.ticket || !entry.ticket.multipart) return entry.loaded;
    let total = 0;
    for (const bytes of entry.partLoaded.values()) total += bytes;
    return total;
  }

  function flushProgress() {
    progressTimer = null;
    if (!dirty.size) return;
    const loaded = {};
    for (const cid of dirty) {
      const entry = files.get(cid);
      if (entry) loaded[cid] = loadedOf(entry);
    }
    dirty.clear();
    send({ type: "progress", loaded });
  }

  function markProgress(cid) {
    dirty.add(cid);
    if (!progressTimer) progressTimer = setTimeout(flushProgress, PROGRESS_EVERY_MS);
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  function waitOnline() {
    if (navigator.onLine) return Promise.resolve();
    return new Promise((resolve) => window.addEventListener("online", resolve, { once: true }));
  }

  // One PUT with upload progress; resolves to the response ETag, rejects with {retry, reason}.
  function putOnce(entry, url, headers, body, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      entry.xhrs.add(xhr);
      xhr.open("PUT", url, true);
      for (const [name, value] of Object.entries(headers || {})) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => onProgress(event.loaded);
      xhr.onload = () => {
        entry.xhrs.delete(xhr);
        if (xhr.status >= 200 && xhr.status < 300) {
          resolve(xhr.getResponseHeader("ETag") || "");
          return;
        }
        if (xhr.status === 412 && (headers || {})["If-None-Match"] === "*") {
          // Storage holds this file already (an earlier try arrived, its answer did not) and
          // refuses to replace it: what is left is the completion, which checks the bytes.
          resolve("");
          return;
        }
        let reason = "upload failed (HTTP " + xhr.status + ")";
        try {
          const body = JSON.parse(xhr.responseText);
          if (body && body.detail) reason = body.detail;
        } catch (e) {
          /* not JSON (S3 answers XML): keep the status line */
        }
        // 5xx and 429 are worth another try; 4xx means the request itself is wrong.
        reject({ retry: xhr.status >= 500 || xhr.status === 429, reason, status: xhr.status });
      };
      xhr.onerror = () => {
        entry.xhrs.delete(xhr);
        reject({ retry: true, reason: "the connection was lost" });
      };
      xhr.onabort = () => {
        entry.xhrs.delete(xhr);
        reject({ retry: false, reason: "cancelled", aborted: true });
      };
      xhr.send(body);
    });
  }

  // Retries with exponential backoff; waits for the network to come back when offline.
  // getUrl(refresh) gives the URL to send to; with refresh, a freshly signed one.
  async function putWithRetries(entry, getUrl, headers, body, onProgress, refreshable) {
    let lastError = null;
    let refreshed = false;
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      if (entry.cancelled) throw { retry: false, reason: "cancelled", aborted: true };
      await waitOnline();
      const url = await getUrl(Boolean(lastError && lastError.status === 403));
      try {
        return await putOnce(entry, url, headers, body, onProgress);
      } catch (error) {
        lastError = error;
        onProgress(0);
        // Storage refuses an expired URL with 403: a part gets one fresh URL and tries again.
        const expired = error.status === 403 && refreshable && !refreshed;
        if (expired) {
          refreshed = true;
          continue;
        }
        if (!error.retry || entry.cancelled) throw error;
        await sleep(Math.min(30000, 500 * 2 ** attempt) * (0.75 + Math.random() / 2));
      }
    }
    throw lastError || { reason: "upload failed" };
  }

  function fail(cid, entry, reason) {
    if (entry.failed) return;
    entry.failed = true;
    entry.cancelled = true;
    for (const xhr of entry.xhrs) xhr.abort();
    files.delete(cid);
    flushProgress();
    send({ type: "failed", cid, item_id: entry.ticket.item_id, reason });
    ended(cid, false);
  }

  function succeed(cid, entry) {
    files.delete(cid);
    flushProgress();
    sendUntilAcked(ACK_SENT + cid, { type: "sent", cid, item_id: entry.ticket.item_id });
    ended(cid, true);
  }

  // Part URLs are signed by the server in small batches, so none expires while waiting.
  function partUrl(cid, entry, part, refresh) {
    if (!refresh && entry.urls.has(part)) return Promise.resolve(entry.urls.get(part));
    if (refresh) entry.urls.delete(part);
    return new Promise((resolve) => {
      const waiters = entry.urlWaiters.get(part) || [];
      waiters.push(resolve);
      entry.urlWaiters.set(part, waiters);
      if (!entry.asked.has(part)) {
        const numbers = [];
        for (const n of entry.missing) {
          if (n >= part && !entry.asked.has(n) && (!entry.urls.has(n) || n === part)) {
            numbers.push(n);
          }
          if (numbers.length >= URL_BATCH) break;
        }
        if (!numbers.includes(part)) numbers.unshift(part);
        numbers.forEach((n) => entry.asked.add(n));
        send({ type: "parts", cid, item_id: entry.ticket.item_id, numbers });
      }
    });
  }

  function addUrls(cid, urls) {
    const entry = files.get(cid);
    if (!entry) return;
    for (const [key, url] of Object.entries(urls)) {
      const part = Number(key);
      entry.asked.delete(part);
      entry.urls.set(part, url);
      const waiters = entry.urlWaiters.get(part) || [];
      entry.urlWaiters.delete(part);
      waiters.forEach((resolve) => resolve(url));
    }
  }

  async function runTask(task) {
    const entry = files.get(task.cid);
    if (!entry || entry.cancelled) return;
    const ticket = entry.ticket;
    if (!ticket.multipart) {
      try {
        await putWithRetries(
          entry,
          () => Promise.resolve(ticket.url),
          ticket.headers,
          entry.file,
          (loaded) => {
            entry.loaded = loaded;
            markProgress(task.cid);
          },
          false // one URL for the whole file, signed with the ticket
        );
        entry.loaded = entry.file.size;
        succeed(task.cid, entry);
      } catch (error) {
        if (!error.aborted) fail(task.cid, entry, error.reason);
      }
      return;
    }
    const part = task.part;
    const start = (part - 1) * ticket.part_size;
    const blob = entry.file.slice(start, Math.min(start + ticket.part_size, entry.file.size));
    try {
      await putWithRetries(
        entry,
        (refresh) => partUrl(task.cid, entry, part, refresh),
        {},
        blob,
        (loaded) => {
          entry.partLoaded.set(part, loaded);
          markProgress(task.cid);
        },
        true
      );
      entry.partLoaded.set(part, blob.size);
      entry.missing.delete(part);
      markProgress(task.cid);
      if (entry.missing.size === 0 && files.has(task.cid)) succeed(task.cid, entry);
    } catch (error) {
      if (!error.aborted) fail(task.cid, entry, error.reason);
    }
  }

  function pump() {
    while (active < MAX_SLOTS && tasks.length) {
      const task = tasks.shift();
      active += 1;
      runTask(task).finally(() => {
        active -= 1;
        pump();
      });
    }
  }

  function startTicket(ticket) {
    const entry = files.get(ticket.cid);
    if (!entry) return;
    entry.ticket = ticket;
    if (!ticket.multipart) {
      if ((ticket.done_parts || []).includes(1)) {
        // A resumed file whose bytes had all arrived: only the completion is left.
        entry.loaded = entry.file.size;
        succeed(ticket.cid, entry);
        return;
      }
      tasks.push({ cid: ticket.cid, part: 0 });
      return;
    }
    const done = new Set(ticket.done_parts || []);
    entry.missing = new Set();
    entry.partLoaded = new Map();
    entry.urls = new Map();
    entry.urlWaiters = new Map();
    entry.asked = new Set();
    for (let part = 1; part <= ticket.part_count; part++) {
      if (done.has(part)) {
        const start = (part - 1) * ticket.part_size;
        entry.partLoaded.set(part, Math.min(ticket.part_size, entry.file.size - start));
      } else {
        entry.missing.add(part);
      }
    }
    addUrls(ticket.cid, ticket.urls || {});
    markProgress(ticket.cid);
    if (entry.missing.size === 0) {
      succeed(ticket.cid, entry);
      return;
    }
    for (const part of entry.missing) tasks.push({ cid: ticket.cid, part });
  }

  // Called by the state (a page command) with the tickets for the accepted files.
  function start(tickets, dropped, batch) {
    if (batch) ack(batch);
    for (const cid of dropped || []) {
      if (files.delete(cid)) ended(cid, false);
    }
    for (const ticket of tickets) {
      const entry = files.get(ticket.cid);
      if (entry && entry.ticket) continue; // a repeated answer to a repeated "chosen"
      startTicket(ticket);
    }
    if (files.size) window.dispatchEvent(new CustomEvent("rdrive-upload-start")); // rdrive_awake.js
    pump();
  }

  function cancel(cid) {
    for (let i = tasks.length - 1; i >= 0; i--) if (tasks[i].cid === cid) tasks.splice(i, 1);
    const entry = files.get(cid);
    if (entry) {
      entry.cancelled = true;
      for (const xhr of entry.xhrs) xhr.abort();
    }
    if (files.delete(cid)) ended(cid, false);
  }

  // After a page load, tell the state which uploads this page is still sending (none, on a
  // fresh load), so rows of uploads the reload cut off can say how to resume them. Said once
  // for each bridge element React mounts, noticed by a MutationObserver (the script sees the
  // bridge mounted without any code of the state's to run).
  let greeted = null;
  // A bridge in the page's first HTML exists before React has hydrated it: an event written
  // there then reaches no handler. React marks the elements it owns (__reactProps$…), so hello
  // waits for that mark, looking again shortly while it is missing.
  const ownedByReact = (el) => Object.keys(el).some((k) => k.startsWith("__reactProps$"));
  let helloTries = 0;
  function hello() {
    const el = document.getElementById(BRIDGE_ID);
    if (!el || el === greeted) return;
    if (!ownedByReact(el) && helloTries++ < 100) {
      setTimeout(hello, 100); // for at most 10 s, then hello goes out anyway
      return;
    }
    greeted = el;
    send({ type: "hello", active: Array.from(files.keys()) });
  }

  window.rdriveUpload = {
    start,
    cancel,
    choose,
    addUrls,
    ack,
    pending: () => files.size,
  };
  hello();
  new MutationObserver(hello).observe(document.documentElement, { childList: true, subtree: true });
})();
