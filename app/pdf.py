"""The one way to make a PDF: a print template rendered to HTML, then WeasyPrint, offline."""

import mimetypes
from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.config import PROJECT_ROOT
from app.web import templates

STATIC_ROOT = (PROJECT_ROOT / "static").resolve()
# Relative URLs in print templates resolve against this base; nothing is ever fetched from it:
# the fetcher below answers from static/ and refuses every other URL (network, file://, data:).
STATIC_BASE_URL = "https://casustafel.invalid/static/"


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's own packaged static files to WeasyPrint, and nothing else."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.startswith(STATIC_BASE_URL):
            raise ValueError("Alleen eigen bestanden van Casustafel worden in een PDF geladen.")
        path = (STATIC_ROOT / url.removeprefix(STATIC_BASE_URL).split("?")[0]).resolve()
        if not path.is_relative_to(STATIC_ROOT) or not path.is_file():
            raise ValueError("Onbekend bestand.")
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime_type})


def render_html(template: str, context: dict[str, Any]) -> str:
    """The print template as HTML (autoescaped like every template)."""
    return templates.get_template(template).render(context)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a print template to PDF bytes; blocking, so call it off the event loop."""
    html = HTML(
        string=render_html(template, context),
        base_url=STATIC_BASE_URL,
        url_fetcher=StaticOnlyFetcher(),
    )
    return html.write_pdf()
