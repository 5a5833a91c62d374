"""Each demo account walks through what it may see: every link it is offered leads to a page (one
of each kind), and each of its main forms, sent empty, is refused beside its fields. These pages
are also what test_zz_every_page.py checks for valid HTML and accessibility, for every role."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import BrowserPage
from tests.e2e.test_login import log_in

MOST_PAGES = 60  # kinds of page one account opens: a bound on the walk, far above what it needs
# Links to a download: a PDF, a calendar file, a covenant's signed document.
NOT_A_PAGE = re.compile(r"\.(pdf|ics)$|/document$")
# Per account: (the address of a page with a form, as a pattern over the paths it is offered;
# the form's submit button).
REFUSED_FORMS: dict[str, list[tuple[str, str]]] = {
    "beheer@dorpsveen.example": [
        (r"/organisaties/nieuw", "Opslaan"),
        (r"/organisaties/\d+", "Opslaan"),
        (r"/gebruikers/nieuw", "Opslaan"),
        (r"/gebruikers/\d+", "Opslaan"),
        (r"/overleggen/nieuw", "Overleg plannen"),
        (r"/overleggen/\d+/planning", "Herhaling opslaan"),
        (r"/overleggen/\d+/bijeenkomsten/nieuw", "Opslaan en leden informeren"),
        (r"/overleggen/\d+/bijeenkomsten/\d+/verplaatsen", "Opslaan en leden informeren"),
        (r"/overleggen/\d+/bijeenkomsten/\d+/annuleren", "Annuleren en leden informeren"),
        (r"/convenanten/nieuw", "Opslaan"),
        (r"/convenanten/\d+/versies/nieuw", "Opslaan"),
        (r"/convenanten/\d+/versies/\d+/ondertekenen", "Opslaan"),
        (r"/convenanten/\d+/ondertekeningen/\d+/intrekken", "Intrekken"),
        (r"/geheimhoudingsverklaring", "Opslaan als nieuwe versie"),
    ],
    "voorzitter@dorpsveen.example": [
        (r"/overleggen/\d+/casussen/\d+", "Eigenaar vastleggen"),
        (r"/overleggen/\d+/bijeenkomsten/\d+/verslag", "Nieuwe versie vaststellen"),
    ],
    "wijkagent@politie.example": [(r"/acties", "Gereed melden")],
    "sociaalteam@dorpsveen.example": [
        (r"/overleggen/\d+/casussen/nieuw", "Casus inbrengen"),
        (r"/overleggen/\d+/bijeenkomsten/\d+", "Antwoord opslaan"),
    ],
    "woningcorporatie@wonen.example": [
        (r"/overleggen/\d+/bijeenkomsten/\d+", "Verklaring tekenen"),
    ],
    "fg@dorpsveen.example": [(r"/wachtwoord", "Wachtwoord wijzigen")],
}
EMPTY_THE_FORM = """form => {
  for (const field of form.elements) {
    if (field.type === 'checkbox' || field.type === 'radio') field.checked = false;
    else if (['text', 'textarea', 'select-one', 'date', 'time', 'number', 'email', 'password',
              'file'].includes(field.type)) field.value = '';
  }
}"""


def kind_of_page(path: str) -> str:
    """Pages that differ only in an id are one kind of page."""
    return re.sub(r"\d+", "#", path)


def links_on(page: Page, base_url: str) -> list[str]:
    """The paths of the pages this page links to on Casustafel (no downloads, no anchors)."""
    # A link marked `download` (the audit log's CSV) is a file, whatever its address.
    hrefs = page.locator("a[href]:not([download])").evaluate_all(
        "links => links.map(link => link.href)"
    )
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if href.startswith(base_url) and not NOT_A_PAGE.search(parts.path):
            paths.append(parts.path)
    return paths


def walk(page: Page, base_url: str) -> list[str]:
    """Follow every link from the start page, opening one page of each kind; every path linked."""
    waiting, kinds, linked = ["/"], set(), ["/"]
    while waiting and len(kinds) < MOST_PAGES:
        path = waiting.pop(0)
        if kind_of_page(path) in kinds:
            continue
        kinds.add(kind_of_page(path))
        response = page.goto(f"{base_url}{path}")
        assert response is not None and response.status == 200, f"{path}: {response.status}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        found = [link for link in links_on(page, base_url) if link not in linked]
        waiting += found
        linked += found
    return linked


def paths_to(page: Page, base_url: str, linked: list[str], pattern: str) -> list[str]:
    """The paths offered that match: among those the walk found, or else on the pages one level
    up (a meeting's links depend on its state, and the walk opened only one meeting)."""
    found = [path for path in linked if re.fullmatch(pattern, path)]
    parents = [path for path in linked if re.fullmatch(pattern.rsplit("/", 1)[0], path)]
    while not found and parents:
        page.goto(f"{base_url}{parents.pop(0)}")
        found = [path for path in links_on(page, base_url) if re.fullmatch(pattern, path)]
    return found


def open_page_with_button(page: Page, base_url: str, paths: list[str], button: str) -> None:
    """The first of these pages that has this button (a meeting's forms depend on its state)."""
    for path in paths:
        page.goto(f"{base_url}{path}")
        if page.locator("main").get_by_role("button", name=button, exact=True).count():
            return
    raise AssertionError(f"geen van {paths} heeft de knop {button}")


def send_empty(page: Page, button: str) -> None:
    """Empty every field of the form with this button and send it: refused (422), with a message
    beside a field."""
    submit = page.locator("main").get_by_role("button", name=button, exact=True).first
    submit.locator("xpath=ancestor::form").evaluate(EMPTY_THE_FORM)
    with page.expect_response(lambda answer: answer.request.method == "POST") as answered:
        submit.click()
    assert answered.value.status == 422, f"{page.url}: {answered.value.status}"
    expect(page.locator(".utrecht-form-field-error-message").first).to_be_visible()


def journey(page: Page, base_url: str, email: str) -> None:
    """Log in as the account, open every kind of page it is offered and send its main forms
    empty (each refused beside its fields)."""
    log_in(page, base_url, email)
    expect(page.get_by_role("heading", name="Welkom")).to_be_visible()

    linked = walk(page, base_url)

    for pattern, button in REFUSED_FORMS[email]:
        form_pages = paths_to(page, base_url, linked, pattern)
        assert form_pages, f"{email} krijgt geen link naar {pattern}"
        open_page_with_button(page, base_url, form_pages, button)
        send_empty(page, button)


@pytest.mark.parametrize("email", list(REFUSED_FORMS))
def test_every_link_leads_to_a_page_and_every_main_form_sent_empty_is_refused(
    browser_page: BrowserPage, live_server: str, email: str
) -> None:
    journey(browser_page.page, live_server, email)
    assert browser_page.csp_violations() == []
