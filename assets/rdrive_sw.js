// rDrive's service worker: the app shell kept on the device so the installed app opens at once
// (and offline), and the Web Share Target's POST. Registered by rdrive_install.js, scope "/".
//
// What it caches (CACHE_SHELL): the shell only -- HTML documents, the JS/CSS bundles, fonts, the
// manifest and the app's own icons, from this origin. Never media (thumbnails, originals, signed
// URLs: private, large, signed for an hour -- caching them would keep a user's photos on the
// device after signing out and hand out expired URLs), never API answers (/api/, /dav/, the
// Reflex backend's /_event socket, /ping, /_health) and nothing from another origin. Those
// requests are not answered here at all (no respondWith): the browser sends them as if there
// were no worker.
//
// How (shellKind):
// - documents: network-first. A document names the bundles of the version deployed; served
//   from the cache while online it would pin the app to an old version. The cache answers only
//   when the network fails (offline: the page itself, else the SPA shell, else "/").
// - assets whose URL carries their content's hash (the export's /assets/name-HASH.js, the dev
//   server's ?v=HASH): cache-first. That URL never changes content, so the cached copy is
//   always right and the start costs no request.
// - the shell's other files (assets/'s scripts, icons, the manifest keep their names across
//   deploys; the development server's hundreds of modules): network-first like documents, but
//   only once the network is known to be down (the last document could not be fetched, or the
//   browser says it is offline). Online they are not answered at all: the browser fetches them
//   with its own HTTP cache, and passing a development build's ~100 modules through the worker
//   made a direct visit of a folder half again as slow (bench/first_paint.py). The worker
//   notes each one it saw and, once the page has settled (SETTLE_MS), refreshes the cached
//   copies itself (keepFresh: a 304 from the HTTP cache, mostly; kept only where it changed).
//
// The share target: a gallery's "Share -> rDrive" POSTs multipart/form-data to SHARE_ACTION
// (the manifest's share_target). The static site (S3 + CloudFront) cannot take a POST, and the
// API needs a bearer token a share does not carry, so the worker keeps the files, one entry per
// file in CACHE_SHARED under SHARED_PREFIX<id> (name, type and date in headers), and answers
// 303 -> /share, where the signed-in user picks a folder and presses Upload (rdrive_share.js
// lists, uploads and discards them). CACHE_SHARED has no version: an update of this worker
// never drops files waiting to be uploaded.
"use strict";

const VERSION = "1";
const CACHE_SHELL = "rdrive-shell-v" + VERSION;
const CACHE_SHARED = "rdrive-shared"; // rdrive_share.js reads it
const SHARE_ACTION = "/share"; // manifest.webmanifest share_target.action; ui/routes.SHARE_ROUTE
const SHARE_FIELD = "media"; // share_target.params.files[0].name
const SHARED_PREFIX = "/__shared/";
const SPA_SHELL = "/404.html"; // the export's client-side router (ui/routes.SPA_SHELL)
const NEVER = ["/api/", "/dav/", "/_event", "/_upload", "/ping", "/_health", SHARED_PREFIX];
const SHELL_DESTINATIONS = new Set(["script", "style", "font", "manifest"]);
const APP_IMAGES = /^\/(icons\/[\w.-]+\.png|favicon\.ico)$/;
const HASHED = /^\/assets\/.+-[\w-]{8,}\.\w+$/;
const VERSIONED = /[?&]v=[\w-]+/;
const PRECACHE = [
  "/",
  "/manifest.webmanifest",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-512.png",
];
const SETTLE_MS = 1500; // after a burst of plain files, when the worker refreshes its copies
const REFRESH_MS = 10 * 60 * 1000;
// A warmed URL's destination, from its extension (rdrive_install.js sends the page's resources).
const EXTENSION_DESTINATION = {
  js: "script", mjs: "script", jsx: "script", ts: "script", tsx: "script", css: "style",
  woff: "font", woff2: "font", ttf: "font", otf: "font", webmanifest: "manifest",
  png: "image", ico: "image",
};

// "document", "immutable", "static" or null (not the shell's: left to the browser).
function shellKind(method, href, destination, navigate) {
  if (method !== "GET") return null;
  const url = new URL(href);
  if (url.origin !== self.location.origin) return null;
  const path = url.pathname;
  if (path === "/dav" || NEVER.some((prefix) => path.startsWith(prefix))) return null;
  if (navigate || destination === "document") return "document";
  if (destination === "image") return APP_IMAGES.test(path) ? "static" : null;
  if (!SHELL_DESTINATIONS.has(destination)) return null; // video, audio, fetch() and XHR...
  return HASHED.test(path) || VERSIONED.test(url.search) ? "immutable" : "static";
}

const kindOf = (request) =>
  request.headers.has("range")
    ? null
    : shellKind(request.method, request.url, request.destination, request.mode === "navigate");

// A document is kept under its path (the query is the page's own: ?item=..., ?q=...).
const documentKey = (href) => new URL(href).origin + new URL(href).pathname;

function keepable(response) {
  const control = response.headers.get("cache-control") || "";
  return response.ok && response.type === "basic" && !response.redirected && !/no-store/.test(control);
}

async function remember(key, response) {
  if (!keepable(response)) return;
  const cache = await caches.open(CACHE_SHELL);
  await cache.put(key, response);
}

// True from a document that could not be fetched until the next one that could: the page
// loading now is served from the cache, its scripts included.
let networkDown = false;

const offline = () => networkDown || self.navigator?.onLine === false;

async function networkFirst(event, isDocument) {
  const request = event.request;
  const key = isDocument ? documentKey(request.url) : request;
  try {
    const response = await fetch(request);
    if (isDocument) networkDown = false;
    event.waitUntil(remember(key, response.clone()));
    return response;
  } catch (error) {
    if (isDocument) networkDown = true;
    const cache = await caches.open(CACHE_SHELL);
    const hit =
      (await cache.match(key, { ignoreVary: true })) ||
      (isDocument && ((await cache.match(SPA_SHELL)) || (await cache.match("/"))));
    if (hit) return hit;
    throw error;
  }
}

async function cacheFirst(event) {
  const cache = await caches.open(CACHE_SHELL);
  const hit = await cache.match(event.request, { ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(event.request);
  event.waitUntil(remember(event.request, response.clone()));
  return response;
}

// The shared files, each its own entry; then the page where the user chooses their folder.
async function receiveShare(request) {
  try {
    const form = await request.formData();
    const cache = await caches.open(CACHE_SHARED);
    const now = Date.now();
    const files = form.getAll(SHARE_FIELD).filter((value) => value instanceof File);
    let n = 0;
    for (const file of files) {
      const id = now.toString(36) + "-" + String(n++).padStart(3, "0") + "-" +
        Math.random().toString(36).slice(2, 8);
      const headers = {
        "content-type": file.type || "application/octet-stream",
        "x-rdrive-name": encodeURIComponent(file.name || "shared"),
        "x-rdrive-size": String(file.size),
        // Kept once: the upload fingerprint (name|size|lastModified) must not change between
        // tries, so an interrupted upload of a shared file resumes.
        "x-rdrive-modified": String(file.lastModified || now),
      };
      await cache.put(new Request(SHARED_PREFIX + id), new Response(file, { headers }));
    }
    const open = await self.clients.matchAll({ type: "window" });
    for (const client of open) client.postMessage({ type: "rdrive-shared" });
  } catch (error) {
    console.warn("rDrive: the shared files could not be kept", error);
  }
  return Response.redirect(new URL(SHARE_ACTION, self.location.origin).href, 303);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE_SHELL);
      // Each on its own: a missing one (a dev server's "/" can fail) must not stop the install.
      await Promise.all(PRECACHE.map((path) => cache.add(path).catch(() => undefined)));
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("rdrive-shell-") && name !== CACHE_SHELL) await caches.delete(name);
      }
      await self.clients.claim(); // the page that registered it is served from now on
    })()
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (
    request.method === "POST" &&
    url.origin === self.location.origin &&
    url.pathname === SHARE_ACTION
  ) {
    event.respondWith(receiveShare(request));
    return;
  }
  const kind = kindOf(request);
  if (kind === null) return; // media, API answers, other origins: not the worker's business
  if (kind === "static" && !offline()) {
    event.waitUntil(refreshLater(request)); // the browser's own fetch, the copy later
    return;
  }
  event.respondWith(kind === "immutable" ? cacheFirst(event) : networkFirst(event, kind === "document"));
});

// The same version of a file: the same validator (ETag, else Last-Modified and length).
function sameVersion(kept, fresh) {
  const header = (response, name) => response.headers.get(name) || "";
  const etag = header(fresh, "etag");
  if (etag) return etag === header(kept, "etag");
  const modified = header(fresh, "last-modified");
  return (
    modified !== "" &&
    modified === header(kept, "last-modified") &&
    header(fresh, "content-length") === header(kept, "content-length")
  );
}

// The shell's files (requests) fetched into the cache. One already kept is left alone, unless
// ``refresh``: then it is fetched again (a 304 from the HTTP cache, mostly) and kept only if it
// changed. The request keeps what the browser asked for: a development server answers a
// stylesheet's URL with CSS only when asked for CSS (else with a script that injects it).
async function keepFresh(requests, refresh) {
  const cache = await caches.open(CACHE_SHELL);
  await Promise.all(
    requests.map(async (request) => {
      const kept = await cache.match(request, { ignoreVary: true });
      if (kept && !refresh) return;
      try {
        const response = await fetch(request);
        if (keepable(response) && !(kept && sameVersion(kept, response))) {
          await cache.put(request, response);
        }
      } catch (error) {
        /* offline again: the next start caches it */
      }
    })
  );
}

// The plain files the browser fetched itself, refreshed in one batch once the page settled.
// A file is refreshed once per REFRESH_MS at most (while this worker runs): a page load after
// another would otherwise re-read all of them each time.
const toRefresh = new Map(); // URL -> the browser's request
const refreshedAt = new Map(); // URL -> when it was last queued
let refreshing = null;

function refreshLater(request) {
  const now = Date.now();
  if (now - (refreshedAt.get(request.url) ?? -Infinity) < REFRESH_MS) return Promise.resolve();
  refreshedAt.set(request.url, now);
  toRefresh.set(request.url, request);
  if (refreshing === null) {
    refreshing = new Promise((resolve) => setTimeout(resolve, SETTLE_MS)).then(() => {
      const requests = [...toRefresh.values()];
      toRefresh.clear();
      refreshing = null;
      return keepFresh(requests, true);
    });
  }
  return refreshing;
}

// What a browser's own request for a file of that destination asks for.
const ACCEPT = { style: "text/css,*/*;q=0.1" };

const shellRequest = (href, destination) =>
  new Request(href, {
    credentials: "same-origin",
    headers: ACCEPT[destination] ? { accept: ACCEPT[destination] } : {},
  });

// Each page, once loaded and idle, sends what it loaded ({href, initiator} each;
// rdrive_install.js): the page that registered the worker loaded before the worker ran, so its
// shell is cached now and the very next start works offline.
async function warm(documentHref, resources) {
  const wanted = [];
  if (shellKind("GET", documentHref, "document", true)) {
    wanted.push(shellRequest(documentKey(documentHref), "document"));
  }
  for (const { href, initiator } of resources) {
    if (typeof href !== "string") continue;
    const extension = new URL(href).pathname.split(".").pop();
    const destination =
      EXTENSION_DESTINATION[extension] || (initiator === "script" ? "script" : "");
    if (shellKind("GET", href, destination, false) !== null) {
      wanted.push(shellRequest(href, destination));
    }
  }
  await keepFresh(wanted, false);
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "rdrive-warm" && typeof data.document === "string") {
    event.waitUntil(warm(data.document, Array.isArray(data.resources) ? data.resources : []));
  }
});
