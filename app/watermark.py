"""A line of text on every page of a downloaded copy, appended as an incremental update: the
stored PDF stays the first bytes of every copy, unchanged, and stamping costs microseconds."""

import hashlib
import io
import re
import struct
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from fontTools import subset
from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    read_object,
)

from app.config import PROJECT_ROOT

# The watermark's content stream is written once per document with this many bytes of
# placeholder; each download fills the same bytes, so no offset in the file moves. The slot
# holds MAX_LINES lines of MAX_LINE_LENGTH characters even when every character needs escaping
# (two bytes each): whatever the lines say, the filled slot fits and the copy stays a valid PDF.
SLOT_SIZE = 1024
SLOT_MARKER = b"%casustafel-watermerk"
FONT_NAME = "/CasustafelWatermerk"
MAX_LINES, MAX_LINE_LENGTH = 3, 150
ELLIPSIS = "\u2026"
_HEADER = b"/Artifact BMC BT 0.45 g\n" + FONT_NAME.encode() + b" 6.5 Tf\n8.5 TL 36 27 Td\n"
_FOOTER = b"ET EMC"
WATERMARK_FONT = PROJECT_ROOT / "static" / "fonts" / "dejavu-2.37.3" / "DejaVuSans.ttf"
FIRST_CHAR = 32
# The characters of codes 32-255 in WinAnsiEncoding ('' where it defines none).
WIN_ANSI = [bytes([code]).decode("cp1252", errors="ignore") for code in range(FIRST_CHAR, 256)]


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


@dataclass(frozen=True)
class Stampable:
    """A PDF with an empty watermark slot appended, and where that slot starts."""

    content: bytes
    slot: int


def prepare(pdf: bytes) -> Stampable:
    """Append to the PDF an incremental update that puts an (empty) watermark slot on every
    page. Costs about as much as reading the PDF; filling the slot costs next to nothing."""
    writer = PdfWriter(PdfReader(io.BytesIO(pdf)), incremental=True)
    font = _add_font(writer)
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
    stamped = _xref_stream_lists_itself(out.getvalue())
    slot = stamped.find(SLOT_MARKER, len(pdf))
    if not stamped.startswith(pdf) or slot < 0:
        raise RuntimeError("Het watermerk kon niet worden voorbereid.")
    return Stampable(content=stamped, slot=slot)


def _xref_stream_lists_itself(update: bytes) -> bytes:
    """The update with its cross-reference stream rewritten to hold an entry for itself.

    pypdf (7.1) leaves the stream out of its own index, so qpdf --check warns on every copy
    that /Size is not one more than the highest object; ISO 32000-1 7.5.8 wants the entry."""
    at = int(update.rsplit(b"startxref", 1)[1].split()[0])
    header = re.compile(rb"(\d+) 0 obj\s*").match(update, at)
    if header is None:
        raise RuntimeError("Het watermerk kon niet worden voorbereid.")
    number = int(header.group(1))
    stream = io.BytesIO(update)
    stream.seek(header.end())
    xref = read_object(stream, PdfReader(io.BytesIO(update)))
    if not isinstance(xref, StreamObject) or xref.get("/Type") != "/XRef":
        raise RuntimeError("Het watermerk kon niet worden voorbereid.")
    index = [int(value) for value in xref["/Index"]]
    if index[-2] + index[-1] == number:
        index[-1] += 1
    else:
        index += [number, 1]
    listed = _stream(xref.get_data() + struct.pack(">BIB", 1, at, 0))
    for key, value in xref.items():
        if key not in ("/Filter", "/DecodeParms", "/Length"):
            listed[NameObject(key)] = value
    listed[NameObject("/Index")] = ArrayObject(NumberObject(value) for value in index)
    out = io.BytesIO()
    out.write(update[:at] + f"{number} 0 obj\n".encode())
    listed.flate_encode().write_to_stream(out)
    out.write(f"\nendobj\nstartxref\n{at}\n%%EOF\n".encode())
    return out.getvalue()


PREPARED_KEPT = 16
_preparing = threading.Lock()
_prepared: dict[str, Stampable] = {}  # by the stored PDF's SHA-256, least recently used first


def _stored(sha256: str, load: Callable[[], bytes]) -> Stampable:
    # One thread prepares a stored document; a burst of first downloads waits, then hits.
    with _preparing:
        stampable = _prepared.pop(sha256, None)
        if stampable is None:
            pdf = load()
            if hashlib.sha256(pdf).hexdigest() != sha256:
                raise RuntimeError("Het opgeslagen document heeft niet de verwachte hash.")
            stampable = prepare(pdf)
        _prepared[sha256] = stampable
        if len(_prepared) > PREPARED_KEPT:
            del _prepared[next(iter(_prepared))]
        return stampable


@dataclass(frozen=True)
class _Font:
    program: bytes
    widths: list[int]
    bbox: list[int]
    ascent: int
    descent: int
    cap_height: int


@lru_cache(maxsize=1)
def _font() -> _Font:
    """The vendored DejaVu Sans cut down to the characters of WinAnsiEncoding: embedded in
    every copy, as PDF/UA asks of every font, at some 30 kB."""
    font = TTFont(WATERMARK_FONT)
    options = subset.Options(notdef_outline=True, layout_features=[])
    options.drop_tables += ["FFTM"]  # a FontForge timestamp table fontTools cannot subset
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in WIN_ANSI if char])
    subsetter.subset(font)
    program = io.BytesIO()
    font.save(program)
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    scale = 1000 / font["head"].unitsPerEm

    def scaled(value: float) -> int:
        return round(value * scale)

    head = font["head"]
    return _Font(
        program=program.getvalue(),
        widths=[
            scaled(metrics[cmap[ord(char)]][0]) if char and ord(char) in cmap else 0
            for char in WIN_ANSI
        ],
        bbox=[scaled(v) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        ascent=scaled(font["hhea"].ascent),
        descent=scaled(font["hhea"].descent),
        cap_height=scaled(font["glyf"][cmap[ord("H")]].yMax),
    )


def _add_font(writer: PdfWriter) -> IndirectObject:
    font = _font()
    program = _stream(font.program)
    program[NameObject("/Length1")] = NumberObject(len(font.program))
    name = NameObject("/CSTWMK+DejaVuSans")
    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): name,
            NameObject("/Flags"): NumberObject(32),
            NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in font.bbox),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): NumberObject(font.ascent),
            NameObject("/Descent"): NumberObject(font.descent),
            NameObject("/CapHeight"): NumberObject(font.cap_height),
            NameObject("/StemV"): NumberObject(80),
            NameObject("/FontFile2"): writer._add_object(program.flate_encode()),
        }
    )
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/TrueType"),
                NameObject("/BaseFont"): name,
                NameObject("/FirstChar"): NumberObject(FIRST_CHAR),
                NameObject("/LastChar"): NumberObject(255),
                NameObject("/Widths"): ArrayObject(NumberObject(w) for w in font.widths),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                NameObject("/FontDescriptor"): writer._add_object(descriptor),
            }
        )
    )


_SHOWABLE = frozenset(char for char in WIN_ANSI if char and char != "\x7f")
# Invisible characters: controls, formatting (bidi overrides, zero-width joiners), private use,
# unassigned and surrogates.
_INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cn", "Cs"})


def _shown(char: str) -> str:
    """What the watermark font shows of one character ('' for what it leaves out)."""
    if char.isspace():
        return " "
    if char in _SHOWABLE:
        return char
    category = unicodedata.category(char)
    if category in _INVISIBLE or category.startswith("M"):
        return ""
    decomposed = unicodedata.normalize("NFKD", char)
    if decomposed == char:
        return "?"
    return "".join(_shown(part) for part in decomposed)


def printable(text: str) -> str:
    """The text in characters the watermark font has (WinAnsi, one byte each): composed first,
    then what the font lacks decomposed (NFKD), marks and invisible characters dropped, white
    space collapsed, anything else a '?'."""
    shown = "".join(_shown(char) for char in unicodedata.normalize("NFC", text))
    return " ".join(shown.split())


def fit(text: str, width: int) -> str:
    """The text as printable(), cut to at most `width` characters with an ellipsis."""
    shown = printable(text)
    if len(shown) <= width:
        return shown
    if width < 1:
        return ""
    return shown[: width - 1].rstrip() + ELLIPSIS


def fit_pair(first: str, second: str, width: int) -> tuple[str, str]:
    """Two texts as printable(), together at most `width` characters: a short one keeps what
    it needs, the longer one gets the rest; both at least half when both are long."""
    first, second = printable(first), printable(second)
    first_width = max(width // 2, width - len(second))
    first = fit(first, first_width)
    return first, fit(second, width - len(first))


def _pdf_text(line: str) -> bytes:
    """The line as a PDF string literal in the watermark font's encoding: at most
    2 × MAX_LINE_LENGTH + 2 bytes, whatever the line holds."""
    encoded = fit(line, MAX_LINE_LENGTH).encode("cp1252")
    return b"(" + encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def fill(stampable: Stampable, lines: list[str]) -> bytes:
    """The copy with (at most three short) lines in light grey at the foot of every page,
    marked as an artifact so screen readers skip it. Any text fits: each line is made
    printable and cut to MAX_LINE_LENGTH characters with an ellipsis."""
    operations = [_pdf_text(line) + b" '\n" for line in lines[:MAX_LINES]]
    content = b"".join([_HEADER, *operations, _FOOTER])
    if len(content) > SLOT_SIZE:  # cannot happen (see SLOT_SIZE); never write a corrupt copy
        raise RuntimeError("Het watermerk past niet.")
    start, end = stampable.slot, stampable.slot + SLOT_SIZE
    return stampable.content[:start] + content.ljust(SLOT_SIZE) + stampable.content[end:]


def stamp(sha256: str, load: Callable[[], bytes], lines: list[str]) -> bytes:
    """A watermarked copy of the stored PDF with this SHA-256: prepared once per document and
    process, so only the first copy reads the stored bytes (`load`)."""
    return fill(_stored(sha256, load), lines)
