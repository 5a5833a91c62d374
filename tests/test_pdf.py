"""The PDF renderer fetches the app's own static files and nothing else, and does not outlive
the app process."""

import subprocess
import sys
import time
from pathlib import Path

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


APP_THAT_RENDERS_AND_IS_KILLED = """
import os, signal
from pathlib import Path
from app import pdf
pdf.pdf_of("<p>Vertrouwelijk</p>")
children = [c for task in Path("/proc/self/task").iterdir()
            for c in (task / "children").read_text().split()]
print(" ".join(children), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def running(pid: str) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def test_the_rendering_process_leaves_when_the_app_process_is_killed(tmp_path: Path) -> None:
    output = tmp_path / "children.txt"
    with output.open("w") as out:
        # A file, not a pipe: the renderer holds it too, and must not keep the test waiting.
        subprocess.run(
            [sys.executable, "-c", APP_THAT_RENDERS_AND_IS_KILLED],
            stdout=out,
            timeout=120,
            check=False,
        )
    renderers = output.read_text().split()
    assert renderers
    deadline = time.monotonic() + 30
    while any(running(pid) for pid in renderers) and time.monotonic() < deadline:
        time.sleep(0.2)

    assert not any(running(pid) for pid in renderers)
