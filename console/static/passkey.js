// Passkeys (WebAuthn): register, confirm (second factor) or sign in. The server sends
// the options as JSON with base64url fields; the browser needs ArrayBuffers.
(function () {
  "use strict";
  const b64ToBuf = (s) => {
    const pad = "=".repeat((4 - (s.length % 4)) % 4);
    const bin = atob((s + pad).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0)).buffer;
  };
  const bufToB64 = (buf) => {
    let bin = "";
    new Uint8Array(buf).forEach((b) => { bin += String.fromCharCode(b); });
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const post = (url, fields) => {
    const body = new URLSearchParams(fields);
    return fetch(url, { method: "POST", body, credentials: "same-origin" });
  };
  const say = (message) => {
    const status = document.getElementById("passkey-status");
    if (status) { status.textContent = message; }
  };
  async function run(button) {
    const purpose = button.dataset.purpose;
    const csrf = button.dataset.csrf;
    // Signing in: back to the page asked for, kept for 90 days when the box is ticked.
    const next = button.dataset.next || "";
    const box = document.getElementById("remember");
    const remember = box && box.checked ? "1" : "";
    const answer = await post("/passkey/options", { purpose, csrf });
    if (!answer.ok) {
      // A refusal comes as {"message": ...}: show its one line.
      const refused = await answer.json().catch(() => null);
      say(refused && refused.message ? refused.message : answer.statusText);
      return;
    }
    const options = await answer.json();
    options.challenge = b64ToBuf(options.challenge);
    let credential;
    if (purpose === "register") {
      options.user.id = b64ToBuf(options.user.id);
      (options.excludeCredentials || []).forEach((c) => { c.id = b64ToBuf(c.id); });
      const made = await navigator.credentials.create({ publicKey: options });
      credential = {
        id: made.id, rawId: bufToB64(made.rawId), type: made.type,
        response: {
          clientDataJSON: bufToB64(made.response.clientDataJSON),
          attestationObject: bufToB64(made.response.attestationObject),
        },
      };
    } else {
      (options.allowCredentials || []).forEach((c) => { c.id = b64ToBuf(c.id); });
      const got = await navigator.credentials.get({ publicKey: options });
      credential = {
        id: got.id, rawId: bufToB64(got.rawId), type: got.type,
        response: {
          clientDataJSON: bufToB64(got.response.clientDataJSON),
          authenticatorData: bufToB64(got.response.authenticatorData),
          signature: bufToB64(got.response.signature),
          userHandle: got.response.userHandle ? bufToB64(got.response.userHandle) : null,
        },
      };
    }
    const verified = await post("/passkey/verify", {
      purpose, csrf, next, remember, credential: JSON.stringify(credential),
    });
    const result = await verified.json();
    if (result.ok) { window.location.assign(result.next); } else { say(result.message); }
  }
  document.querySelectorAll("button[data-purpose]").forEach((button) => {
    button.addEventListener("click", () => { run(button).catch((e) => say(String(e))); });
  });
})();
