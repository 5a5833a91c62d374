// The live meeting page with one agenda item in view (htmx 4). Items are fetched once and kept
// in the page, so text typed in an item that is not in view stays where it was typed. After an
// action's answer is swapped in, focus goes to the field with an error, to the next field to
// fill, or back to where it was. A server error or lost connection never replaces a form: what
// was typed stays, and the page says it was not saved.
(() => {
  "use strict";

  const NOTICE_ID = "live-melding";
  const AUTOSAVE = "textarea[data-autosave]";

  const panels = () => document.getElementById("punten");

  function panelOf(id) {
    return document.getElementById(`punt-${id}`);
  }

  function notify(text) {
    const notice = document.getElementById(NOTICE_ID);
    if (notice) notice.textContent = text;
  }

  function markCurrent(id) {
    for (const link of document.querySelectorAll("#punt-nav [data-item-link]")) {
      if (link.dataset.itemLink === String(id)) link.setAttribute("aria-current", "step");
      else link.removeAttribute("aria-current");
    }
  }

  function currentId() {
    const visible = panels()?.querySelector(".casustafel-live-item:not([hidden])");
    return visible ? visible.dataset.item : null;
  }

  function show(id) {
    const panel = panelOf(id);
    if (!panel) return;
    for (const other of panels().querySelectorAll(".casustafel-live-item")) {
      other.hidden = other !== panel;
    }
    markCurrent(id);
    const url = new URL(window.location.href);
    url.searchParams.set("punt", id);
    url.hash = "";
    window.history.replaceState(null, "", url);
    panel.scrollIntoView({ block: "start" });
    panel.querySelector("h2")?.focus({ preventScroll: true });
  }

  // An item already in the page is shown without asking the server again.
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target instanceof Element && event.target.closest("[data-item-link]");
      if (!link || !panels() || !panelOf(link.dataset.itemLink)) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      show(link.dataset.itemLink);
    },
    true,
  );

  // Alt+PageDown and Alt+PageUp: the next or previous item, from anywhere on the page.
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || (event.key !== "PageDown" && event.key !== "PageUp")) return;
    const id = currentId();
    const step = event.key === "PageDown" ? "next" : "previous";
    const link = id && panelOf(id)?.querySelector(`[data-step="${step}"]`);
    if (!link) return;
    event.preventDefault();
    link.click();
  });

  let focusedId = null;

  document.addEventListener("htmx:before:swap", (event) => {
    const ctx = event.detail.ctx;
    notify("");
    const status = ctx?.response?.status ?? 0;
    const source = ctx?.sourceElement;
    if (source instanceof Element && source.matches(AUTOSAVE)) return; // live.js decides
    if (status >= 500) {
      event.preventDefault();
      notify(
        "Niet opgeslagen: er ging iets mis op de server. Wat u invulde staat nog op de pagina; " +
          "probeer het zo opnieuw.",
      );
      return;
    }
    focusedId = document.activeElement?.id || null;
  });

  document.addEventListener("htmx:error", (event) => {
    const source = event.detail?.ctx?.sourceElement;
    if (source instanceof Element && source.matches(AUTOSAVE)) return;
    notify(
      "Niet opgeslagen: geen verbinding met de server. Wat u invulde staat nog op de pagina; " +
        "probeer het opnieuw zodra de verbinding terug is.",
    );
  });

  // htmx keeps focus on an element whose id returns in the answer; after an error the field
  // in question gets it, and after adding a task the next one can be typed at once.
  function focusAfterSwap(ctx) {
    const status = ctx?.response?.status ?? 0;
    if (status >= 400) {
      document
        .querySelector(
          "#punten .casustafel-live-item:not([hidden]) [aria-invalid='true'], " +
            "#aanwezigheid [aria-invalid='true'], #afronden [role='alert']",
        )
        ?.focus();
      return;
    }
    const wrapper = ctx?.target?.id ? document.getElementById(ctx.target.id) : null;
    const next = wrapper?.dataset.refocus && document.getElementById(wrapper.dataset.refocus);
    if (next) next.focus();
    else if (document.activeElement === document.body && focusedId) {
      document.getElementById(focusedId)?.focus();
    }
  }

  // Who is present changed: every casus in the page shows again what the room may now see.
  function refreshCases() {
    for (const block of document.querySelectorAll("[data-case-block]")) {
      htmx.trigger(block, "casustafel:refresh");
    }
  }

  document.addEventListener("htmx:after:swap", (event) => {
    const ctx = event.detail.ctx;
    const source = ctx?.sourceElement;
    if (source instanceof Element && source.matches(AUTOSAVE)) return;
    const link = source instanceof Element && source.closest("[data-item-link]");
    if (link) {
      show(link.dataset.itemLink);
      return;
    }
    markCurrent(currentId());
    focusAfterSwap(ctx);
    if (ctx?.target?.id === "aanwezigheid" && (ctx.response?.status ?? 0) < 400) refreshCases();
  });
})();
