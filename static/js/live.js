// Honest save states beside the autosave fields of the live meeting page (htmx 4).
// Pending while a save is in flight; on a network failure or a 5xx answer the text stays in the
// field, the error page is not swapped in, and the save is retried with back-off. 409 and 422
// answers are swapped as the server sends them. When the session has ended (401), the text stays
// unsaved until session.js announces a new session; then everything unsaved is sent again.
// Leaving the page warns while text is unsaved.
(() => {
  "use strict";

  const FIELD = "textarea[data-autosave]";
  const FIRST_DELAY_S = 2;
  const MAX_DELAY_S = 30;
  const PENDING = "Bezig met opslaan…";
  const UNSAVED = "Nog niet opgeslagen";
  const SESSION_ENDED = "Niet opgeslagen: uw sessie is verlopen. Uw tekst staat nog in het veld.";

  // Per field: the text the server is known to hold, whether it was refused as a conflict,
  // and the retry back-off.
  const states = new WeakMap();
  const unsaved = new Set();

  function fieldOf(event) {
    const elt = event.target;
    return elt instanceof HTMLTextAreaElement && elt.matches(FIELD) ? elt : null;
  }

  function stateOf(field) {
    let state = states.get(field);
    if (!state) {
      state = { saved: field.defaultValue, conflicted: null, attempt: 0, timer: null, due: 0 };
      states.set(field, state);
    }
    return state;
  }

  function versionOf(field) {
    try {
      return document.querySelector(field.dataset.hxInclude);
    } catch {
      return null; // an htmx-only selector: leave the collected version alone
    }
  }

  // Nothing the server already holds, and never the very text just refused as a conflict
  // (a blur after the 409 would otherwise overwrite the other text unseen).
  function nothingToSend(state, value) {
    return value === state.saved || value === state.conflicted;
  }

  function statusOf(field) {
    const selector = field.dataset.hxTarget;
    return selector ? document.querySelector(selector) : null;
  }

  // Replaces only the state line: a conflict's quoted text stays readable while the user merges.
  function showState(field, modifier, text) {
    const status = statusOf(field);
    if (!status) return;
    let line = status.querySelector(".casustafel-save-state");
    if (!line) {
      line = document.createElement("span");
      status.prepend(line);
    }
    const className = `casustafel-save-state casustafel-save-state--${modifier}`;
    // Rewriting the same words would make screen readers announce them on every keystroke.
    if (line.className === className && line.textContent === text) return;
    line.className = className;
    line.textContent = text;
  }

  function markUnsaved(field) {
    unsaved.add(field);
    field.dataset.unsaved = "true";
  }

  function markSaved(field) {
    unsaved.delete(field);
    delete field.dataset.unsaved;
  }

  function stopRetrying(state) {
    clearTimeout(state.timer);
    state.timer = null;
  }

  function failureMessage(seconds) {
    return (
      "Niet opgeslagen: geen verbinding met de server. Uw tekst staat nog in het veld; " +
      `opnieuw proberen over ${seconds} s.`
    );
  }

  function tick(field, state) {
    const left = Math.max(0, Math.ceil((state.due - Date.now()) / 1000));
    if (left > 0) {
      showState(field, "error", failureMessage(left));
      state.timer = setTimeout(() => tick(field, state), Math.min(1000, state.due - Date.now()));
      return;
    }
    state.timer = null;
    if (field.isConnected) htmx.trigger(field, "casustafel:retry");
  }

  function scheduleRetry(field) {
    const state = stateOf(field);
    stopRetrying(state);
    const seconds = Math.min(FIRST_DELAY_S * 2 ** state.attempt, MAX_DELAY_S);
    state.attempt += 1;
    state.due = Date.now() + seconds * 1000;
    markUnsaved(field);
    tick(field, state);
  }

  document.addEventListener("input", (event) => {
    const field = fieldOf(event);
    if (!field) return;
    markUnsaved(field);
    const state = stateOf(field);
    if (!state.timer && state.conflicted === null) showState(field, "pending", UNSAVED);
  });

  document.addEventListener("htmx:config:request", (event) => {
    const field = fieldOf(event);
    if (!field) return;
    const state = stateOf(field);
    const value = event.detail.ctx.request.body?.get(field.name) ?? field.value;
    if (nothingToSend(state, value)) {
      event.preventDefault();
      if (value === state.saved && unsaved.has(field)) {
        // Typed back to the stored text (or a retry found nothing left to send).
        stopRetrying(state);
        state.attempt = 0;
        markSaved(field);
        showState(field, "saved", "Opgeslagen");
      }
      return;
    }
    event.detail.ctx.casustafelValue = value;
  });

  // A save queued behind a slower one was collected before that one's answer: send the text as
  // it is now, based on the version that answer brought, or it would conflict with itself.
  document.addEventListener("htmx:before:request", (event) => {
    const field = fieldOf(event);
    const ctx = event.detail.ctx;
    if (!field || !("casustafelValue" in ctx)) return;
    const state = stateOf(field);
    const body = ctx.request.body;
    const version = versionOf(field);
    if (body instanceof URLSearchParams) {
      body.set(field.name, field.value);
      if (version) body.set(version.name, version.value);
      ctx.casustafelValue = field.value;
    }
    if (nothingToSend(state, ctx.casustafelValue)) {
      event.preventDefault();
      return;
    }
    stopRetrying(state);
    showState(field, "pending", PENDING);
  });

  // An error page is no save state: keep the last state line and retry instead.
  document.addEventListener("htmx:before:swap", (event) => {
    const field = fieldOf(event);
    if (field && event.detail.ctx.response?.status >= 500) event.preventDefault();
  });

  document.addEventListener("htmx:error", (event) => {
    const field = fieldOf(event);
    if (field && event.detail.ctx) event.detail.ctx.casustafelFailed = true;
  });

  document.addEventListener("htmx:finally:request", (event) => {
    const field = fieldOf(event);
    const ctx = event.detail.ctx;
    if (!field || !ctx || !("casustafelValue" in ctx)) return;
    const state = stateOf(field);
    const status = ctx.response?.status ?? 0;
    if (ctx.casustafelFailed || status >= 500) {
      scheduleRetry(field);
      return;
    }
    if (status === 0) return; // not sent after all (cancelled before the fetch)
    state.attempt = 0;
    stopRetrying(state);
    // Only a 200 is a save: a 401 (the session ended) stored nothing.
    if (status === 200) {
      state.saved = ctx.casustafelValue;
      state.conflicted = null;
      if (field.value === state.saved) markSaved(field);
      else showState(field, "pending", UNSAVED);
    } else if (status === 409) {
      // The server holds someone else's text now; only the next change of ours is sent.
      state.saved = null;
      state.conflicted = ctx.casustafelValue;
    } else if (status === 401) {
      // No back-off: only logging in again helps, and session.js notices that.
      showState(field, "error", SESSION_ENDED);
    }
  });

  // Logged in again, with the new session's CSRF token in place: send what was waiting.
  document.addEventListener("casustafel:session:renewed", () => {
    for (const field of unsaved) {
      if (field.isConnected) htmx.trigger(field, "casustafel:retry");
    }
  });

  window.addEventListener("beforeunload", (event) => {
    for (const field of unsaved) {
      if (field.isConnected) {
        event.preventDefault();
        event.returnValue = "";
        return;
      }
    }
  });
})();
