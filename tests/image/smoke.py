"""`make image-test`: build the container image here and try it from outside (not in `make test`).

These machines reach no container registry and cannot start containers (podman lacks the cgroups
for it), so the Debian base is made with mmdebstrap and imported under the name the Containerfile
starts FROM, and the app runs inside the built image with `buildah run --isolation chroot`, which
shares the host's network: `db upgrade`, `seed-demo` and `serve` on a SQLite file, then `/readyz`
and a demo login from this side. Only the standard library: it runs before any venv exists.
"""

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
WORK = PROJECT_ROOT / "var" / "image"
BASE_IMAGE = "docker.io/library/debian:bookworm-slim"
IMAGE = "localhost/casustafel:image-test"
TOOLS = ("podman", "buildah", "mmdebstrap")
IMAGE_UID = 10001  # the image's `casustafel` user (Containerfile)
DEMO_EMAIL = "voorzitter@dorpsveen.example"
DEMO_PASSWORD = "Casustafel-demo-2026"
READY_SECONDS = 90
# A PDF made in the image (WeasyPrint with Debian's Pango and the bundled fonts), read back as text.
PDF_PROBE = (
    "import io, pypdf; from app.pdf import pdf_of; "
    "pdf = pdf_of('<h1>Verslag van het overleg</h1>'); "
    "print(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text())"
)
CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')

SUDO = [] if os.geteuid() == 0 else ["sudo"]


class SmokeFailed(Exception):
    """The image did not build, start or answer as it should."""


def main() -> None:
    """Build the image, run it and check it; exit 1 with the reason when it fails."""
    try:
        install_tools()
        make_base_image()
        seconds = build_image()
        say(f"Image {IMAGE}: {image_size()}, built in {seconds:.0f} s.")
        with image_container() as container, data_folder() as data:
            check_app(container, data)
    except SmokeFailed as exc:
        say(f"image-test MISLUKT: {exc}")
        sys.exit(1)
    say("image-test geslaagd: /readyz 200 en de demo-login werkt in het image.")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run(*command: str, capture: bool = False) -> str:
    """Run a command (as root, through sudo when needed); its output when asked for."""
    result = subprocess.run(
        [*SUDO, *command], check=False, text=True, capture_output=capture, cwd=PROJECT_ROOT
    )
    if result.returncode != 0:
        detail = f": {result.stderr.strip()[-2000:]}" if capture else ""
        raise SmokeFailed(f"`{' '.join(command)}` gaf exitcode {result.returncode}{detail}")
    return result.stdout if capture else ""


def install_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        run("apt-get", "update", "-q")
        run("apt-get", "install", "-y", "-q", *missing)


def make_base_image() -> None:
    """A minimal bookworm from Debian's own packages, named as the Containerfile's base."""
    exists = subprocess.run([*SUDO, "podman", "image", "exists", BASE_IMAGE], check=False)
    if exists.returncode == 0:
        return
    WORK.mkdir(parents=True, exist_ok=True)
    tarball = WORK / "base.tar"
    if not tarball.exists():
        run("mmdebstrap", "--variant=minbase", "bookworm", str(tarball))
    run("podman", "import", str(tarball), BASE_IMAGE)


def build_image() -> float:
    """Build with the package index and CA bundle pip uses here; the seconds it took."""
    options = []
    index = pip_setting("PIP_INDEX_URL", "global.index-url")
    if index:
        options += ["--build-arg", f"PIP_INDEX_URL={index}"]
    ca_bundle = pip_setting("PIP_CERT", "global.cert")
    if ca_bundle and Path(ca_bundle).is_file():
        options += ["--secret", f"id=pip-ca,src={ca_bundle}"]
    started = time.monotonic()
    run("podman", "build", "--isolation", "chroot", "--pull=never", *options, "-t", IMAGE, ".")
    return time.monotonic() - started


def pip_setting(variable: str, key: str) -> str:
    """A pip setting from the environment, else from pip's configuration files."""
    if os.environ.get(variable):
        return os.environ[variable]
    result = subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", key],
        check=False,
        text=True,
        capture_output=True,
    )
    return result.stdout.strip() if result.returncode == 0 else ""


def image_size() -> str:
    size = run("podman", "image", "inspect", "--format", "{{.Size}}", IMAGE, capture=True)
    return f"{int(size) / 1_000_000:.0f} MB"


@contextmanager
def image_container() -> Iterator[str]:
    container = run("buildah", "from", "--pull-never", IMAGE, capture=True).strip()
    try:
        yield container
    finally:
        run("buildah", "rm", container, capture=True)


@contextmanager
def data_folder() -> Iterator[Path]:
    """A folder for the SQLite file, writable by the image's user."""
    folder = Path(tempfile.mkdtemp(prefix="casustafel-image-"))
    try:
        run("chown", f"{IMAGE_UID}:{IMAGE_UID}", str(folder))
        yield folder
    finally:
        run("rm", "-rf", str(folder))


def check_app(container: str, data: Path) -> None:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {
        "CASUSTAFEL_DATABASE_URL": "sqlite:////data/casustafel.db",
        "CASUSTAFEL_BASE_URL": base_url,
    }
    in_image = in_image_command(container, data, environment)
    run(*in_image, "casustafel", "db", "upgrade", capture=True)
    run(*in_image, "casustafel", "seed-demo", capture=True)
    check_pdf(in_image)
    check_worker_command(in_image)
    log_path = WORK / "serve.log"
    WORK.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        # Its own process group, so a hard kill reaches the app behind buildah as well.
        server = subprocess.Popen(
            [*SUDO, *in_image, "casustafel", "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_ready(base_url, server, log_path)
        say(f"{base_url}/readyz: 200")
        log_in(base_url)
        say(f"Ingelogd als {DEMO_EMAIL}.")
    finally:
        stop(server, log_path)


def check_pdf(in_image: list[str]) -> None:
    text = run(*in_image, "python3", "-c", PDF_PROBE, capture=True)
    if "Verslag van het overleg" not in text:
        raise SmokeFailed(f"De PDF uit het image heeft niet de verwachte tekst: {text!r}")
    say("WeasyPrint maakt in het image een PDF met leesbare tekst.")


def check_worker_command(in_image: list[str]) -> None:
    """`casustafel worker`, the image's other command, starts its checks: on SQLite it refuses."""
    result = subprocess.run(
        [*SUDO, *in_image, "casustafel", "worker"], check=False, text=True, capture_output=True
    )
    if "start niet op SQLite" not in result.stderr:
        raise SmokeFailed(f"casustafel worker weigerde SQLite niet:\n{result.stderr[-2000:]}")
    say("casustafel worker werkt in het image (en weigert SQLite, zoals bedoeld).")


def in_image_command(container: str, data: Path, environment: dict[str, str]) -> list[str]:
    command = ["buildah", "run", "--isolation", "chroot", "--volume", f"{data}:/data"]
    for name, value in environment.items():
        command += ["--env", f"{name}={value}"]
    return [*command, container, "--"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_ready(base_url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SmokeFailed(f"serve stopte met exitcode {server.returncode}:\n{tail(log_path)}")
        try:
            with urllib.request.urlopen(f"{base_url}/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SmokeFailed(f"/readyz gaf na {READY_SECONDS} s geen 200:\n{tail(log_path)}")


def log_in(base_url: str) -> None:
    """The login form's CSRF token, the demo account, and the start page behind the login."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(f"{base_url}/inloggen", timeout=10) as response:
        token = CSRF_INPUT.search(response.read().decode())
    if token is None:
        raise SmokeFailed("De inlogpagina heeft geen CSRF-token.")
    form = {"csrf_token": token.group(1), "email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    body = urllib.parse.urlencode(form).encode()
    try:
        with opener.open(f"{base_url}/inloggen", data=body, timeout=30) as response:
            page, landed = response.read().decode(), response.url
    except urllib.error.HTTPError as exc:
        raise SmokeFailed(f"Inloggen gaf {exc.code}.") from exc
    if "/inloggen" in urllib.parse.urlsplit(landed).path or "Uitloggen" not in page:
        raise SmokeFailed(f"Inloggen als {DEMO_EMAIL} leidde niet tot een ingelogde pagina.")


def stop(server: subprocess.Popen[bytes], log_path: Path) -> None:
    """SIGTERM to the app itself, as an orchestrator sends it (buildah answers a signal of its own
    with a hard kill): serve must finish its requests and end in time. uvicorn then ends by the
    signal it caught, which buildah reports as exit status 1."""
    app = [pid for pid in descendants(server.pid) if is_python_serving(pid)]
    for pid in app:
        run("kill", "-TERM", str(pid))
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        raise SmokeFailed("serve stopte niet binnen 30 s na SIGTERM.") from None
    if not app or "Finished server process" not in log_path.read_text(errors="replace"):
        raise SmokeFailed(f"serve stopte niet netjes na SIGTERM:\n{tail(log_path)}")
    say("serve stopte na SIGTERM netjes.")


def descendants(parent: int) -> list[int]:
    """The processes below parent, from /proc (ps may not be in every base)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [parent]
    while queue:
        below = children.get(queue.pop(), [])
        found += below
        queue += below
    return found


def is_python_serving(pid: int) -> bool:
    """The interpreter running `casustafel serve` (not buildah's helper with the same arguments)."""
    try:
        argv = (Path("/proc") / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return Path(argv[0].decode(errors="replace")).name.startswith("python") and b"serve" in argv


def tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


if __name__ == "__main__":
    main()
