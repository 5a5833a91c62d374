"""What every page says back after a form is sent (static/js/page.js): a refused form puts focus on
its summary, whose links lead to the fields; a saved one confirms itself once, announced."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in

# Everything put into the live region after the page loaded: what a screen reader announces.
ANNOUNCED = """
window.__announced = [];
document.addEventListener('DOMContentLoaded', () => {
  const region = document.getElementById('meldingen');
  if (!region) return;
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) window.__announced.push(node.textContent.trim());
    }
  }).observe(region, {childList: true, subtree: true, characterData: true});
});
"""


@pytest.mark.parametrize(
    ("path", "button"),
    [("/overleggen/nieuw", "Overleg plannen"), ("/organisaties/nieuw", "Opslaan")],
    ids=["overleg", "organisatie"],
)
def test_a_refused_form_puts_focus_on_its_summary_whose_first_link_moves_to_the_field(
    browser_page: BrowserPage, live_server: str, path: str, button: str
) -> None:
    page = browser_page.page
    log_in(page, live_server, "beheer@dorpsveen.example")
    page.goto(f"{live_server}{path}")

    page.get_by_role("button", name=button).click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    first_link = summary.get_by_role("link").first
    field_id = (first_link.get_attribute("href") or "#").removeprefix("#")
    expect(first_link).to_have_text(page.locator(f"#{field_id}-error").inner_text())
    first_link.click()
    focused = page.evaluate("document.activeElement.id")
    assert focused == field_id or focused.startswith(f"{field_id}-"), focused
    if focused == "name":
        page.keyboard.type("Jongerenwerk De Brug")  # the focus is in the field, ready to fix it
        expect(page.locator("#name")).to_have_value("Jongerenwerk De Brug")
    assert browser_page.csp_violations() == []


def test_a_saved_organisation_is_confirmed_once_and_announced(
    browser_page: BrowserPage, live_server: str
) -> None:
    page = browser_page.page
    page.context.add_init_script(ANNOUNCED)
    log_in(page, live_server, "beheer@dorpsveen.example")
    page.goto(f"{live_server}/organisaties/nieuw")
    page.get_by_label("Naam", exact=True).fill("GGD Hollands Midden")
    page.get_by_label("Soort organisatie").select_option(label="GGD")

    page.get_by_role("button", name="Opslaan").click()

    expect(page).to_have_url(f"{live_server}/organisaties")
    confirmation = "Organisatie GGD Hollands Midden toegevoegd."
    region = page.locator("#meldingen")
    expect(region).to_have_text(confirmation)
    expect(region).to_have_attribute("role", "status")
    expect(region).to_have_attribute("aria-live", "polite")
    page.wait_for_function("() => window.__announced.length > 0")
    assert page.evaluate("window.__announced") == [confirmation]

    page.reload()
    expect(page.get_by_role("link", name="GGD Hollands Midden")).to_be_visible()
    expect(region).to_be_empty()
    assert page.evaluate("window.__announced") == []
    assert browser_page.console_errors == []
