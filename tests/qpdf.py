"""qpdf --check on a PDF in memory: whether a reader finds it sound (Debian's qpdf, `make test`)."""

import subprocess
import tempfile


def qpdf_check(content: bytes) -> subprocess.CompletedProcess[str]:
    """The result of `qpdf --check` on the PDF: returncode 0 means no errors and no warnings."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(content)
        file.flush()
        return subprocess.run(
            ["qpdf", "--check", file.name], capture_output=True, text=True, check=False
        )
