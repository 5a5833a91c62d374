"""Static files: URLs that carry a content hash, long caching, and the pre-compressed copies."""

import hashlib
import json
import mimetypes
import os
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

from app.config import PROJECT_ROOT

STATIC_DIRECTORY = "static"
BUILD_MANIFEST = "assets/build-manifest.json"
# The copies `make assets` writes next to each text file, in the order they are preferred.
ENCODINGS = {"br": ".br", "gzip": ".gz"}
VERSIONED_CACHE = "public, max-age=31536000, immutable"
# A URL without the current hash may be an old page's: the browser checks again soon.
UNVERSIONED_CACHE = "public, max-age=300"


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes, recomputed only when the file changes."""
    stat = path.stat()
    return _hash_of(path, stat.st_mtime_ns, stat.st_size)


@cache
def _hash_of(path: Path, _mtime_ns: int, _size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def static_url(path: str) -> str:
    """`/static/<path>?v=<hash>`: a new URL whenever the file changes, so it can be kept a year."""
    return f"/static/{path}?v={file_hash(PROJECT_ROOT / STATIC_DIRECTORY / path)[:12]}"


def accepted_encodings(accept_encoding: str) -> set[str]:
    """The content codings an Accept-Encoding header allows: those it names without q=0."""
    accepted = set()
    for coding in accept_encoding.lower().split(","):
        name, *parameters = (part.strip() for part in coding.split(";"))
        if name and _quality(parameters) > 0:
            accepted.add(name)
    return accepted


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


class CompressedStaticFiles(StaticFiles):
    """StaticFiles that sends the Brotli or gzip copy a client accepts and caches versioned URLs.

    A copy is sent only if the build manifest says it was made from the file as it is now, so a
    file changed without `make assets` goes out uncompressed rather than stale.
    """

    def __init__(self, *, project_root: Path = PROJECT_ROOT) -> None:
        super().__init__(directory=project_root / STATIC_DIRECTORY)
        self.project_root = project_root.resolve()
        manifest = json.loads((project_root / BUILD_MANIFEST).read_text())
        self.built_from: dict[Path, dict[str, str]] = {
            self.project_root / built: sources for built, sources in manifest.items()
        }

    def file_response(
        self,
        full_path: os.PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        path = Path(full_path).resolve()
        request_headers = Headers(scope=scope)
        copies = self._fresh_copies(path)
        accepted = accepted_encodings(request_headers.get("accept-encoding", ""))
        coding = next((coding for coding in copies if coding in accepted), None)
        headers = {"cache-control": self._cache_control(path, scope)}
        if copies:
            headers["vary"] = "Accept-Encoding"
        sent = path
        if coding is not None:
            headers["content-encoding"] = coding
            sent = copies[coding]
            stat_result = sent.stat()
        response = FileResponse(
            sent,
            status_code=status_code,
            headers=headers,
            media_type=mimetypes.guess_type(path)[0],
            stat_result=stat_result,
        )
        if self.is_not_modified(response.headers, request_headers):
            return NotModifiedResponse(response.headers)
        return response

    def _fresh_copies(self, path: Path) -> dict[str, Path]:
        """The compressed copies made from the file as it is now, by content coding."""
        copies = {
            coding: path.with_name(path.name + suffix) for coding, suffix in ENCODINGS.items()
        }
        built = {coding: copy for coding, copy in copies.items() if copy in self.built_from}
        if not built:
            return {}
        source = {path.relative_to(self.project_root).as_posix(): file_hash(path)}
        return {coding: copy for coding, copy in built.items() if self.built_from[copy] == source}

    def _cache_control(self, path: Path, scope: Scope) -> str:
        versions = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [])
        return VERSIONED_CACHE if versions == [file_hash(path)[:12]] else UNVERSIONED_CACHE
