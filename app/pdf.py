"""The one way to make a PDF: a print template rendered to HTML here, then WeasyPrint, offline,
in a separate process so a long render never holds up the pages of other users."""

import atexit
import gc
import mimetypes
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from typing import Any, TypeVar

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app import watermark
from app.config import PROJECT_ROOT
from app.ops import metrics
from app.web import templates

STATIC_ROOT = (PROJECT_ROOT / "static").resolve()
PRINT_STYLESHEET = STATIC_ROOT / "print" / "print.css"
# Relative URLs in print templates resolve against this base; nothing is ever fetched from it:
# the fetcher below answers from static/ and refuses every other URL (network, file://, data:).
STATIC_BASE_URL = "https://casustafel.invalid/static/"
# Tagged PDF with document language and title: real text that a screen reader can follow.
PDF_VARIANT = "pdf/ua-1"
PARENT_CHECK_SECONDS = 2.0
RENDERER_GC_THRESHOLDS = (50_000, 20, 100)
ResultT = TypeVar("ResultT")


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


class _Prepared:
    """Fonts and the print stylesheet, parsed once per rendering process."""

    def __init__(self) -> None:
        self.fetcher = StaticOnlyFetcher()
        self.fonts = FontConfiguration()
        self.stylesheet = CSS(
            string=PRINT_STYLESHEET.read_text(encoding="utf-8"),
            base_url=STATIC_BASE_URL + "print/",
            url_fetcher=self.fetcher,
            font_config=self.fonts,
        )


_prepared: _Prepared | None = None


def _start_renderer() -> None:
    global _prepared
    # Pages for people waiting come first: a PDF may take a little longer instead.
    os.nice(10)
    threading.Thread(
        target=_leave_with, args=(os.getppid(),), name="casustafel-renderer-watch", daemon=True
    ).start()
    _prepared = _Prepared()
    # The imported modules, fonts and stylesheets live as long as the process: out of every
    # garbage collection, which otherwise walks them again and again during each render. A
    # render makes hundreds of thousands of short-lived objects, nearly all freed by reference
    # counting: the young generation is collected every 50,000 of them instead of every 700.
    gc.freeze()
    gc.set_threshold(*RENDERER_GC_THRESHOLDS)


def _leave_with(parent: int) -> None:
    # The app process cannot always stop its renderer (uvicorn ends it on a signal without
    # running atexit handlers; it may be killed), and the renderer would not notice (it holds
    # both ends of its task queue): so it checks now and then that its parent is still there.
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def write_pdf(html: str) -> bytes:
    """HTML to PDF with the prepared fonts and stylesheet (runs in the rendering process)."""
    assert _prepared is not None, "write_pdf runs in the rendering process"
    document = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=_prepared.fetcher)
    return document.write_pdf(
        stylesheets=[_prepared.stylesheet],
        font_config=_prepared.fonts,
        pdf_variant=PDF_VARIANT,
    )


class _RenderPool:
    """One rendering process per app process, started on first use and restarted if it died."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def _get(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_renderer,
                )
            return self._executor

    def run(self, render: Callable[[str], ResultT], html: str) -> ResultT:
        executor = self._get()
        try:
            with metrics.pdf_rendering():
                return executor.submit(render, html).result()
        except BrokenProcessPool:
            with self._lock:
                if self._executor is executor:
                    self._executor = None
            raise

    def alive(self) -> bool:
        """Whether the rendering process is up, or not needed yet (it starts on first use). A
        dead one is let go here, so the next PDF starts a fresh one instead of failing."""
        with self._lock:
            executor = self._executor
            if executor is None:
                return True
            # The pool's own record of its processes: asking it to render would wait behind a
            # long PDF, and a probe must answer at once.
            processes = list((executor._processes or {}).values())
            if not executor._broken and all(process.is_alive() for process in processes):
                return True
            self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)
        return False

    def shutdown(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(cancel_futures=True)
                self._executor = None


_pool = _RenderPool()
atexit.register(_pool.shutdown)


def renderer_alive() -> bool:
    """Whether this app process's rendering process is alive (or not started yet); cheap."""
    return _pool.alive()


def render_html(template: str, context: dict[str, Any]) -> str:
    """The print template as HTML (autoescaped like every template)."""
    return templates.get_template(template).render(context)


def write_stampable_pdf(html: str) -> watermark.Stampable:
    """The PDF made ready for per-download watermarks, in the rendering process too."""
    return watermark.prepare(write_pdf(html))


@lru_cache(maxsize=16)
def pdf_of(html: str) -> bytes:
    """The PDF of print HTML (to store), cached by that HTML. Blocking: call it from a thread,
    not the event loop; the work runs in the rendering process."""
    return _pool.run(write_pdf, html)


@lru_cache(maxsize=32)
def stampable_pdf_of(html: str) -> watermark.Stampable:
    """The PDF of print HTML ready to watermark, cached by that HTML: a concept nobody changed
    renders once. Blocking, like pdf_of."""
    return _pool.run(write_stampable_pdf, html)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a print template to PDF bytes (blocking, like pdf_of)."""
    return pdf_of(render_html(template, context))
