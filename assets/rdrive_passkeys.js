// rDrive's passkey ceremonies in the browser: navigator.credentials.create / get with the
// options the state sent (page commands passkeyCreate / passkeyGet, rdrive_page.js), and the
// answer written back through the hidden input #rdrive-passkey-bridge, as JSON:
// {"ok": true, "credential": <PublicKeyCredential as JSON>} or {"ok": false, "error": "..."}.
// WebAuthn's JSON forms are used both ways (base64url for every byte string), decoded here by
// the browser's own PublicKeyCredential.parse*OptionsFromJSON where it has them.
(function () {
  "use strict";
  if (window.rdrivePasskeys) return;

  const BRIDGE_ID = "rdrive-passkey-bridge"; // ui/components/passkeys.py PASSKEY_BRIDGE_ID

  function report(message) {
    const el = document.getElementById(BRIDGE_ID);
    if (!el) return;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(el, JSON.stringify(message));
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }

  const bytes = (text) => {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };
  const text = (buffer) => {
    let raw = "";
    for (const b of new Uint8Array(buffer)) raw += String.fromCharCode(b);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const descriptors = (list) => (list || []).map((d) => ({ ...d, id: bytes(d.id) }));

  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return {
      ...json,
      challenge: bytes(json.challenge),
      user: { ...json.user, id: bytes(json.user.id) },
      excludeCredentials: descriptors(json.excludeCredentials),
    };
  }

  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return { ...json, challenge: bytes(json.challenge), allowCredentials: descriptors(json.allowCredentials) };
  }

  function asJSON(credential) {
    if (typeof credential.toJSON === "function") return credential.toJSON();
    const r = credential.response;
    const response = { clientDataJSON: text(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = text(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = text(r.authenticatorData);
      response.signature = text(r.signature);
      if (r.userHandle) response.userHandle = text(r.userHandle);
    }
    return {
      id: credential.id,
      rawId: text(credential.rawId),
      type: credential.type,
      response,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
    };
  }

  async function ceremony(run) {
    if (!window.PublicKeyCredential) {
      report({ ok: false, error: "This browser cannot use passkeys." });
      return;
    }
    try {
      const credential = await run();
      report({ ok: true, credential: asJSON(credential) });
    } catch (error) {
      report({ ok: false, error: String((error && error.name) || error) });
    }
  }

  window.rdrivePasskeys = {
    create: (options) =>
      ceremony(() => navigator.credentials.create({ publicKey: creationOptions(options) })),
    get: (options) =>
      ceremony(() => navigator.credentials.get({ publicKey: requestOptions(options) })),
  };
})();
