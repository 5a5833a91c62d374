// Passkeys (WebAuthn): adding one (data-passkey="create") and using one as the second factor or
// as a confirmation (data-passkey="get"). The element names the URL of the options and of the
// answer (data-passkey-options, data-passkey-answer) and where to go afterwards
// (data-passkey-next). The server keeps the challenge; this script only carries the options to
// the browser's authenticator and its answer back, then goes where the server says. Without
// passkey support the element stays hidden and its explanation (data-passkey-unsupported) shows.
(() => {
  "use strict";

  if (window.casustafelPasskeys) return; // included by more than one part of the page
  window.casustafelPasskeys = true;

  const CSRF_HEADER = "X-CSRF-Token";
  const FIELD = "passkey_label";
  const MESSAGES = {
    NotAllowedError:
      "Het gebruik van de passkey is afgebroken of duurde te lang. Probeer het opnieuw.",
    InvalidStateError: "Deze passkey is al aan uw account toegevoegd.",
    SecurityError:
      "Passkeys zijn op dit adres niet beschikbaar. Neem contact op met uw beheerder.",
  };
  const FAILED = "Dat lukte niet. Laad de pagina opnieuw en probeer het nog eens.";
  const BUSY = "Volg de aanwijzingen van uw browser of beveiligingssleutel…";

  function supported() {
    return Boolean(window.isSecureContext && window.PublicKeyCredential && navigator.credentials);
  }

  // --- base64url <-> ArrayBuffer ---------------------------------------------------------------

  function toBuffer(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (character) => character.charCodeAt(0)).buffer;
  }

  function toBase64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBuffers(options) {
    const publicKey = { ...options, challenge: toBuffer(options.challenge) };
    const descriptors = (list) => list?.map((item) => ({ ...item, id: toBuffer(item.id) }));
    if (options.user) publicKey.user = { ...options.user, id: toBuffer(options.user.id) };
    if (options.excludeCredentials) {
      publicKey.excludeCredentials = descriptors(options.excludeCredentials);
    }
    if (options.allowCredentials) {
      publicKey.allowCredentials = descriptors(options.allowCredentials);
    }
    return publicKey;
  }

  function asJson(credential) {
    const response = credential.response;
    const encoded = {
      clientDataJSON: toBase64url(response.clientDataJSON),
    };
    if (response.attestationObject) {
      encoded.attestationObject = toBase64url(response.attestationObject);
      encoded.transports = response.getTransports?.() ?? [];
    } else {
      encoded.authenticatorData = toBase64url(response.authenticatorData);
      encoded.signature = toBase64url(response.signature);
      if (response.userHandle) encoded.userHandle = toBase64url(response.userHandle);
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: encoded,
      authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
    });
  }

  // --- Talking to the server -------------------------------------------------------------------

  class Refused extends Error {
    constructor(message, field) {
      super(message);
      this.field = field;
    }
  }

  async function post(url, fields) {
    const token = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
    const response = await fetch(url, {
      method: "POST",
      headers: { [CSRF_HEADER]: token },
      body: new URLSearchParams(fields),
    });
    const isJson = (response.headers.get("content-type") ?? "").includes("application/json");
    const answer = isJson ? await response.json() : null;
    if (response.status === 422 && answer?.message) throw new Refused(answer.message, answer.field);
    if (!response.ok || !answer) throw new Refused(FAILED);
    return answer;
  }

  // --- The ceremony ----------------------------------------------------------------------------

  function say(element, text) {
    element.querySelector("[data-passkey-message]").textContent = text;
  }

  function markField(element, message) {
    const input = element.querySelector(`[name="${FIELD}"]`);
    if (!input) return;
    const field = input.closest(".utrecht-form-field");
    let error = document.getElementById(`${FIELD}-error`);
    if (message && !error) {
      error = document.createElement("div");
      error.id = `${FIELD}-error`;
      error.className = "utrecht-form-field__error-message utrecht-form-field-error-message";
      field.querySelector(".utrecht-form-field__input").before(error);
    }
    if (error) error.textContent = message ?? "";
    field.classList.toggle("utrecht-form-field--invalid", Boolean(message));
    input.classList.toggle("utrecht-textbox--invalid", Boolean(message));
    if (message) {
      input.setAttribute("aria-invalid", "true");
      const described = new Set((input.getAttribute("aria-describedby") ?? "").split(" "));
      described.add(error.id);
      input.setAttribute("aria-describedby", [...described].filter(Boolean).join(" "));
      input.focus();
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  async function ceremony(element) {
    const creating = element.dataset.passkey === "create";
    const label = element.querySelector(`[name="${FIELD}"]`)?.value ?? "";
    const named = creating ? { [FIELD]: label } : {};
    const options = await post(element.dataset.passkeyOptions, named);
    say(element, BUSY);
    const publicKey = withBuffers(options);
    const credential = creating
      ? await navigator.credentials.create({ publicKey })
      : await navigator.credentials.get({ publicKey });
    const answer = await post(element.dataset.passkeyAnswer, {
      ...named,
      credential: asJson(credential),
      volgende: element.dataset.passkeyNext ?? "/",
    });
    window.location.assign(answer.location);
  }

  async function start(element) {
    const button = element.querySelector("[data-passkey-start]");
    if (button.disabled) return;
    button.disabled = true;
    say(element, "");
    markField(element, null);
    try {
      await ceremony(element);
    } catch (error) {
      const message =
        error instanceof Refused ? error.message : (MESSAGES[error?.name] ?? FAILED);
      say(element, message);
      if (error instanceof Refused && error.field === FIELD) markField(element, message);
      button.disabled = false;
    }
  }

  function setUp() {
    if (!supported()) return;
    for (const element of document.querySelectorAll("[data-passkey]")) {
      element.hidden = false;
      const section = element.closest("section") ?? element.parentElement;
      for (const note of section.querySelectorAll("[data-passkey-unsupported]")) note.hidden = true;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest?.('[data-passkey="get"] [data-passkey-start]');
    if (button) start(button.closest("[data-passkey]"));
  });
  document.addEventListener("submit", (event) => {
    const form = event.target.closest?.('form[data-passkey="create"]');
    if (!form) return;
    event.preventDefault();
    start(form);
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
