"""The PDF renderer fetches the app's own static files and nothing else."""

import pytest

from app.pdf import STATIC_BASE_URL, StaticOnlyFetcher


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x",
        "https://casustafel.invalid/elders/geheim",
        f"{STATIC_BASE_URL}../app/config.py",
        f"{STATIC_BASE_URL}../../etc/passwd",
        "data:text/css,body{}",
    ],
)
def test_anything_but_our_static_files_is_refused(url: str) -> None:
    with pytest.raises(ValueError):
        StaticOnlyFetcher().fetch(url)


def test_our_print_stylesheet_and_font_are_served() -> None:
    fetcher = StaticOnlyFetcher()

    css = fetcher.fetch(f"{STATIC_BASE_URL}print/print.css").read()
    font = fetcher.fetch(f"{STATIC_BASE_URL}fonts/dejavu-2.37.3/DejaVuSans.ttf").read()

    assert b"@page" in css and b"Vertrouwelijk" in css
    assert font[:4] == b"\x00\x01\x00\x00"  # a TrueType font
