// Keeps the session alive while someone works on the page, and keeps their work when it ends
// anyway (htmx 4). Typing, clicking or an htmx request sends a heartbeat, at most every third of
// the idle limit; a page left untouched still times out. When the server says the session has
// ended (401 with X-Casustafel-Session: expired), nothing is swapped in and the page stays: a
// banner says so, every field keeps its text (in the page only, never in web storage) and htmx
// requests wait. Once the same user has logged in again (in another tab), the page takes the new
// session's CSRF token and announces `casustafel:session:renewed`, on which live.js saves what
// was waiting.
(() => {
  "use strict";

  const CSRF_HEADER = "X-CSRF-Token";
  const token = document.querySelector('meta[name="csrf-token"]');

  // Every htmx request carries the session's CSRF token (a header: htmx sends no form field
  // with a GET, and the token renews when the session does).
  document.addEventListener("htmx:config:request", (event) => {
    event.detail.ctx.request.headers[CSRF_HEADER] = token?.content ?? "";
  });

  const body = document.body;
  const idleSeconds = Number(body.dataset.sessionIdleSeconds);
  if (!(idleSeconds > 0)) return; // nobody is logged in on this page
  const userId = body.dataset.userId;

  const CSRF_INPUTS = 'input[name="csrf_token"]';
  const MARKER = "X-Casustafel-Session";
  const BEAT_GAP_MS = (idleSeconds * 1000) / 3;
  const POLL_MS = 3000;
  const RENEWED_SHOWN_MS = 8000;
  const LOGIN_LINK = "Log in een nieuw tabblad opnieuw in";
  const OTHER_USER =
    "In een ander tabblad is iemand anders ingelogd. Uw tekst staat nog hier en wordt niet " +
    "onder diens naam opgeslagen: log daar uit en log opnieuw in als uzelf.";

  let lastBeat = Date.now(); // loading the page touched the session
  let beatTimer = null;
  let ended = false;
  let pollTimer = null;
  let checking = false;

  function saysExpired(response) {
    return response?.status === 401 && response.headers.get(MARKER) === "expired";
  }

  // --- Heartbeat -------------------------------------------------------------------------------

  function noteActivity() {
    if (ended || beatTimer !== null) return;
    beatTimer = setTimeout(beat, Math.max(0, lastBeat + BEAT_GAP_MS - Date.now()));
  }

  async function beat() {
    beatTimer = null;
    if (ended) return;
    lastBeat = Date.now();
    try {
      const headers = { [CSRF_HEADER]: token?.content ?? "" };
      const response = await fetch("/sessie/actief", { method: "POST", headers });
      if (saysExpired(response)) sessionEnded();
    } catch {
      // No connection: an autosave says so and retries; the next activity beats again.
    }
  }

  for (const type of ["input", "keydown", "click", "htmx:before:request"]) {
    document.addEventListener(type, noteActivity, { capture: true });
  }

  // --- The session ended -----------------------------------------------------------------------

  function paragraph(...parts) {
    const text = document.createElement("p");
    text.className = "utrecht-paragraph";
    text.append(...parts);
    return text;
  }

  function loginLink() {
    const link = document.createElement("a");
    link.className = "utrecht-link";
    link.href = "/inloggen";
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = LOGIN_LINK;
    return link;
  }

  const NOTICES = {
    expired: () => [
      "error",
      "alert",
      paragraph(
        "Uw sessie is verlopen; uw tekst staat nog hier. ",
        loginLink(),
        "; daarna wordt uw tekst opgeslagen."
      ),
    ],
    otherUser: () => ["error", "alert", paragraph(OTHER_USER)],
    renewed: () => ["ok", "status", paragraph("U bent weer ingelogd; uw tekst wordt opgeslagen.")],
  };

  function currentNotice() {
    return document.querySelector(".casustafel-session-notice");
  }

  // One notice at a time, at the top of the page; the same one is not announced again.
  function showNotice(kind) {
    const current = currentNotice();
    if (current?.dataset.kind === kind) return;
    const [modifier, role, text] = NOTICES[kind]();
    const notice = document.createElement("div");
    notice.className = `utrecht-alert utrecht-alert--${modifier} casustafel-session-notice`;
    notice.setAttribute("role", role);
    notice.dataset.kind = kind;
    const content = document.createElement("div");
    content.className = "utrecht-alert__content";
    const message = document.createElement("div");
    message.className = "utrecht-alert__message";
    message.append(text);
    content.append(message);
    notice.append(content);
    if (current) current.replaceWith(notice);
    else (document.querySelector("main") ?? body).prepend(notice);
  }

  function hideNotice(kind) {
    const current = currentNotice();
    if (current?.dataset.kind === kind) current.remove();
  }

  function sessionEnded() {
    if (ended) return;
    ended = true;
    clearTimeout(beatTimer);
    beatTimer = null;
    showNotice("expired");
    pollTimer = setInterval(checkSession, POLL_MS);
  }

  // Neither swapped in nor followed to the login page (HX-Redirect): the page keeps everything.
  document.addEventListener("htmx:after:request", (event) => {
    if (!saysExpired(event.detail.ctx?.response)) return;
    event.preventDefault();
    sessionEnded();
  });

  // Without a session a request can only fail, and once logged in elsewhere it would carry the
  // old token (a 403): it waits, and live.js sends the texts again after renewal.
  document.addEventListener("htmx:config:request", (event) => {
    if (ended) event.preventDefault();
  });

  // --- Logged in again -------------------------------------------------------------------------

  async function checkSession() {
    if (!ended || checking) return;
    checking = true;
    try {
      const response = await fetch("/sessie/token", { cache: "no-store" });
      if (!response.ok) return;
      const session = await response.json();
      if (String(session.user_id) === userId) {
        renew(session.csrf_token);
      } else {
        // Polling would keep the other person's session alive: only coming back here asks again.
        clearInterval(pollTimer);
        showNotice("otherUser");
      }
    } catch {
      // No connection yet: the next poll tries again.
    } finally {
      checking = false;
    }
  }

  function renew(renewed) {
    if (token) token.content = renewed;
    for (const input of document.querySelectorAll(CSRF_INPUTS)) input.value = renewed;
    ended = false;
    clearInterval(pollTimer);
    lastBeat = Date.now(); // logging in started the session just now
    showNotice("renewed");
    setTimeout(() => hideNotice("renewed"), RENEWED_SHOWN_MS);
    document.dispatchEvent(new CustomEvent("casustafel:session:renewed"));
  }

  window.addEventListener("focus", checkSession);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") checkSession();
  });
})();
