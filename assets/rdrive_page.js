// rDrive's page commands: what the state asks the page to do, run without eval.
//
// Reflex runs rx.call_script (and rx.toast or rx.call_function sent by the backend) through
// eval, which the deployed Content-Security-Policy ("script-src 'self' 'unsafe-inline'", no
// 'unsafe-eval') refuses. So the state sends a command instead, {fn, args}, as Reflex's
// _set_value event on refs["ref_rdrive_page"]: an object compiled into the bundle
// (rdrive_app/ui/components/page_commands.py) whose value setter queues it in
// window.rdrivePageInbox and calls drain() here. This script runs the function named fn from
// its table COMMANDS, and nothing else: the upload script's functions (window.rdriveUpload),
// the page's own (download, setQuery, toast), the passkey ceremonies (rdrive_passkeys.js) and
// the share page's (rdrive_share.js).
//
// The commands and their arguments are written down once, in
// rdrive_app/ui/state/upload_protocol.py (TO_SCRIPT, TO_PAGE); tests/state/test_upload_protocol.py
// checks this file against it. Change both together.
(function () {
  "use strict";
  // Imported by the bundle, so also evaluated where the page is rendered ahead (no window).
  if (typeof window === "undefined" || window.rdrivePage) return;

  const TOAST_LEVELS = ["success", "error", "info", "warning"]; // upload_protocol.TOAST_LEVELS
  let toaster = null; // Reflex's toast function, handed over with each command

  // A download's click fires "beforeunload" at once (the browser cannot yet know the
  // response is an attachment), and Reflex closes its socket on that. The next event then
  // reconnects, and the reconnect's hydrate runs the page's on_load again with the address
  // of that moment: a viewer just closed with Esc opened again. So that one beforeunload
  // stops here. This listener is added as the bundle loads (page_commands.py imports this
  // file), before the app's socket adds its own at its first connect (listeners on the window
  // run in the order they were added, capturing or not); a real navigation away still
  // closes the socket, on pagehide.
  let downloading = false;
  window.addEventListener("beforeunload", (event) => {
    if (downloading) event.stopImmediatePropagation();
  });

  // A signed URL whose response says "attachment": the browser saves it, the page stays.
  function download(url) {
    const a = document.createElement("a");
    a.href = url;
    a.rel = "noopener";
    a.hidden = true;
    document.body.appendChild(a);
    downloading = true;
    try {
      a.click();
    } finally {
      downloading = false;
      a.remove();
    }
  }

  // The address bar's query ("?item=<id>", or "" for none), without a navigation.
  function setQuery(query) {
    window.history.replaceState(window.history.state, "", window.location.pathname + query);
  }

  // A notice; without a duration (an error) it stays until dismissed.
  function toast(level, message, duration) {
    if (!TOAST_LEVELS.includes(level) || !toaster || !toaster[level]) return;
    toaster[level](String(message), { duration: duration == null ? Infinity : duration });
  }

  // A passkey ceremony (rdrive_passkeys.js): the browser's answer goes back to the state.
  function passkeyCreate(options) {
    window.rdrivePasskeys.create(options);
  }

  function passkeyGet(options) {
    window.rdrivePasskeys.get(options);
  }

  // The share page (rdrive_share.js): upload the shared files chosen, or discard them.
  function shareSend(ids) {
    window.rdriveShare.send(ids);
  }

  function shareDiscard(ids) {
    window.rdriveShare.discard(ids);
  }

  const upload = (name) => (...args) => window.rdriveUpload[name](...args);
  const COMMANDS = {
    start: upload("start"),
    addUrls: upload("addUrls"),
    cancel: upload("cancel"),
    ack: upload("ack"),
    download,
    setQuery,
    toast,
    passkeyCreate,
    passkeyGet,
    shareSend,
    shareDiscard,
  };

  function run(command) {
    const name = command && command.fn;
    if (!Object.prototype.hasOwnProperty.call(COMMANDS, name) || !Array.isArray(command.args)) {
      console.warn("rDrive: not a page command", name);
      return;
    }
    try {
      COMMANDS[name](...command.args);
    } catch (error) {
      console.warn("rDrive: page command failed", name, error);
    }
  }

  // Every queued command, in the order the state sent them.
  function drain() {
    const inbox = window.rdrivePageInbox || [];
    window.rdrivePageInbox = [];
    for (const entry of inbox) {
      toaster = entry.toaster || toaster;
      run(entry.command);
    }
  }

  window.rdrivePage = { drain };
  drain();
})();
