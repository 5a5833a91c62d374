"""A line of text on every page of a downloaded copy, appended as an incremental update: the
stored PDF stays the first bytes of every copy, unchanged, and stamping costs microseconds."""

import io
import threading
import unicodedata
from functools import lru_cache

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

# The watermark's content stream is written once per document with this many bytes of
# placeholder; each download fills the same bytes, so no offset in the file moves.
SLOT_SIZE = 600
SLOT_MARKER = b"%casustafel-watermerk"
FONT_NAME = "/CasustafelWatermerk"
MAX_LINES, MAX_LINE_LENGTH = 3, 150


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


_preparing = threading.Lock()


def _template(pdf: bytes) -> tuple[bytes, int]:
    # One thread prepares a document; a burst of first downloads waits for it, then hits.
    with _preparing:
        return _stamped_template(pdf)


@lru_cache(maxsize=16)
def _stamped_template(pdf: bytes) -> tuple[bytes, int]:
    """The PDF with an incremental update that adds an (empty) watermark slot to every page,
    and where that slot starts."""
    writer = PdfWriter(PdfReader(io.BytesIO(pdf)), incremental=True)
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    # The page's own drawing is wrapped in q … Q so the watermark starts from a clean state.
    save = writer._add_object(_stream(b"q\n"))
    restore = writer._add_object(_stream(b"\nQ\n"))
    slot = writer._add_object(_stream(SLOT_MARKER + b" " * (SLOT_SIZE - len(SLOT_MARKER))))
    for page in writer.pages:
        contents = page.get(NameObject("/Contents"))
        original = list(contents) if isinstance(contents, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([save, *original, restore, slot])
        resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
        fonts = DictionaryObject(resources.get("/Font", DictionaryObject()).get_object())
        fonts[NameObject(FONT_NAME)] = font
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
    out = io.BytesIO()
    writer.write(out)
    stamped = out.getvalue()
    start = stamped.find(SLOT_MARKER, len(pdf))
    if not stamped.startswith(pdf) or start < 0:
        raise RuntimeError("Het watermerk kon niet worden voorbereid.")
    return stamped, start


def _pdf_text(line: str) -> bytes:
    """The line in the watermark font's encoding, as a PDF string literal."""
    plain = "".join(
        char if char.encode("cp1252", errors="ignore") else unicodedata.normalize("NFKD", char)
        for char in line
    )
    encoded = plain.encode("cp1252", errors="replace")
    return b"(" + encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def stamp(pdf: bytes, lines: list[str]) -> bytes:
    """A copy of the PDF with (at most three short) lines in light grey at the foot of every
    page, marked as an artifact so screen readers skip it."""
    stamped, start = _template(pdf)
    operations = [b"/Artifact BMC BT 0.45 g", FONT_NAME.encode() + b" 7 Tf", b"9 TL 36 40 Td"]
    for line in lines[:MAX_LINES]:
        operations.append(_pdf_text(line[:MAX_LINE_LENGTH]) + b" '")
    content = b"\n".join([*operations, b"ET EMC"])
    return stamped[:start] + content.ljust(SLOT_SIZE) + stamped[start + SLOT_SIZE :]
