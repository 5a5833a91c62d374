// Every page: a confirmation after a change is announced, and a refused form puts focus on its
// error summary, whose links move to the field in question (htmx 4: also after a swap).
(() => {
  "use strict";

  const SUMMARY = "[data-error-summary]";

  // A live region announces changes, not what it held when the page loaded: put the page's
  // confirmations back in a moment later, so a screen reader reads them too.
  function announce() {
    const region = document.getElementById("meldingen");
    if (!region || !region.children.length) return;
    const messages = [...region.children];
    region.replaceChildren();
    setTimeout(() => region.append(...messages), 150);
  }

  function focusSummary(root) {
    const summary = root.querySelector?.(SUMMARY) ?? (root.matches?.(SUMMARY) ? root : null);
    if (summary) summary.focus();
  }

  // A link to a group of choices moves to its first choice; to a field, to the field.
  function followErrorLink(event) {
    const link = event.target.closest?.(`${SUMMARY} a[href^="#"]`);
    if (!link) return;
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    event.preventDefault();
    const field = target.matches("input, select, textarea, button")
      ? target
      : target.querySelector("input, select, textarea, button");
    (field ?? target).scrollIntoView({ block: "center" });
    (field ?? target).focus();
  }

  document.addEventListener("click", followErrorLink);
  document.addEventListener("htmx:after:swap", (event) => {
    const target = event.detail?.ctx?.target ?? event.target;
    if (target instanceof Element) focusSummary(target);
  });
  announce();
  focusSummary(document);
})();
