// Every page: a confirmation after a change is announced, a refused form puts focus on its
// error summary, whose links move to the field in question (htmx 4: also after a swap), and a
// table too wide for the screen can be scrolled by keyboard.
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

  // A table wider than the screen scrolls sideways in its container (on a phone): the container
  // then takes keyboard focus, so the arrow keys scroll it, as a region named after the table's
  // caption (or the section it stands in). A table that fits adds no stop for Tab. Measured
  // whenever a container changes size: the window, an item shown, a details opened, a swap.
  function markIfScrolling(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      const caption = box.querySelector("caption");
      if (caption) {
        caption.id ||= `tabel-${[...document.querySelectorAll("caption")].indexOf(caption) + 1}`;
        box.setAttribute("aria-labelledby", caption.id);
      } else {
        const section = box.parentElement?.closest("[aria-labelledby]");
        box.setAttribute("aria-labelledby", section?.getAttribute("aria-labelledby") ?? "");
      }
    } else {
      for (const name of ["tabindex", "role", "aria-labelledby"]) box.removeAttribute(name);
    }
  }

  const tableBoxes = new ResizeObserver((entries) => {
    for (const entry of entries) markIfScrolling(entry.target);
  });

  function watchTables() {
    for (const box of document.querySelectorAll(".utrecht-table-container")) {
      tableBoxes.observe(box);
    }
  }

  document.addEventListener("click", followErrorLink);
  document.addEventListener("htmx:after:swap", (event) => {
    const target = event.detail?.ctx?.target ?? event.target;
    if (target instanceof Element) focusSummary(target);
    watchTables();
  });
  announce();
  focusSummary(document);
  watchTables();
})();
