"""The per-download watermark: appended to the stored PDF, on every page, any name printable."""

import io

from pypdf import PdfReader

from app import watermark
from app.pdf import render_pdf


def several_pages() -> bytes:
    return render_pdf(
        "print/demo_covenant.html",
        {"title": "Proef", "parties": [f"Partij {n} " + "tekst " * 400 for n in range(3)]},
    )


def test_every_page_names_the_downloader_and_the_original_stays_the_prefix() -> None:
    original = several_pages()

    copy = watermark.stamp(original, ["Gedownload door Łukasz (Wijk) \\ Ø op 01-12-2026"])

    assert copy.startswith(original)
    pages = PdfReader(io.BytesIO(copy)).pages
    assert len(pages) >= 2
    for page in pages:
        assert "Gedownload door ?ukasz (Wijk) \\ Ø op 01-12-2026" in page.extract_text()


def test_two_downloads_differ_only_in_their_watermark() -> None:
    original = several_pages()

    first = watermark.stamp(original, ["Gedownload door A"])
    second = watermark.stamp(original, ["Gedownload door B"])

    assert len(first) == len(second)
    assert "Gedownload door B" in PdfReader(io.BytesIO(second)).pages[0].extract_text()
    assert "Gedownload door B" not in PdfReader(io.BytesIO(first)).pages[0].extract_text()


def test_every_font_of_a_copy_is_embedded() -> None:
    copy = watermark.stamp(several_pages(), ["Gedownload door Zoë Çelik"])

    for page in PdfReader(io.BytesIO(copy)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]
