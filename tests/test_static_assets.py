"""Static files: only the Utrecht CSS in use, built copies up to date, compressed and cached with
the security headers; pages themselves never compressed (BREACH)."""

import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from starlette.applications import Starlette
from starlette.routing import Mount

from app.config import PROJECT_ROOT
from app.static_files import (
    BUILD_MANIFEST,
    UNVERSIONED_CACHE,
    VERSIONED_CACHE,
    CompressedStaticFiles,
    static_url,
)
from tests.conftest import csrf_from
from tests.security.test_headers import assert_security_headers

UTRECHT_VERSION = "9.0.4"
UTRECHT_LIBRARY = PROJECT_ROOT / f"assets/utrecht-component-library-css-{UTRECHT_VERSION}.css"
UTRECHT_BUILT = (
    PROJECT_ROOT / f"static/vendor/utrecht-component-library-css-{UTRECHT_VERSION}.min.css"
)
# Where class names are written: templates, and the Python and scripts that build them.
CLASS_SOURCES = [("templates", "*.html"), ("app", "*.py"), ("static/js", "*.js")]
COMPRESSED_TYPES = {".css", ".js", ".svg"}
CSS = "css/app.min.css"
FILE_REFERENCE = re.compile(r'(?:href|src)="(/static/[^"]*)"')


def utrecht_classes_in(text: str) -> set[str]:
    return set(re.findall(r"utrecht-[A-Za-z0-9_-]*", text))


def names_in_use() -> set[str]:
    """Every `utrecht-…` word in a template, in app/ or in our scripts; a word ending in `-` is
    the start of a class name completed at run time (`utrecht-alert--{{ kind }}`)."""
    return {
        name
        for folder, pattern in CLASS_SOURCES
        for path in (PROJECT_ROOT / folder).rglob(pattern)
        for name in utrecht_classes_in(path.read_text())
    }


def selectors_of(css: str) -> list[str]:
    without_comments = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    return [
        selector
        for block in without_comments.split("}")
        for prelude in block.split("{")[:-1]
        for selector in prelude.split(",")
    ]


def test_the_built_utrecht_css_keeps_every_rule_the_pages_can_use() -> None:
    """Each library selector whose Utrecht classes all occur in our code still has them all."""
    in_use = names_in_use()

    def used(name: str) -> bool:
        return name in in_use or any(name.startswith(p) for p in in_use if p.endswith("-"))

    needed = {
        name
        for selector in selectors_of(UTRECHT_LIBRARY.read_text())
        if (names := utrecht_classes_in(selector)) and all(map(used, names))
        for name in names
    }
    built = utrecht_classes_in(UTRECHT_BUILT.read_text())

    assert {"utrecht-alert--", "utrecht-form-field--"} <= in_use, "class names built at run time"
    assert {"utrecht-button--primary-action", "utrecht-form-field--distanced"} <= needed
    assert needed - built == set(), "run `make assets`, or add the prefix to build-static.mjs"
    assert len(UTRECHT_BUILT.read_bytes()) < len(UTRECHT_LIBRARY.read_bytes()) / 3


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_built_file_is_made_from_the_files_as_they_are() -> None:
    manifest = json.loads((PROJECT_ROOT / BUILD_MANIFEST).read_text())
    stale = [
        built
        for built, sources in manifest.items()
        if not (PROJECT_ROOT / built).is_file()
        or any(sha256(PROJECT_ROOT / source) != digest for source, digest in sources.items())
    ]
    texts = [p for p in (PROJECT_ROOT / "static").rglob("*") if p.suffix in COMPRESSED_TYPES]
    uncompressed = [
        text.relative_to(PROJECT_ROOT).as_posix()
        for text in texts
        for suffix in (".br", ".gz")
        if f"{text.relative_to(PROJECT_ROOT).as_posix()}{suffix}" not in manifest
    ]

    assert (stale, uncompressed) == ([], []), "run `make assets`"


def raw_get(client: TestClient, url: str, accept_encoding: str) -> tuple[Response, bytes]:
    """The response and its body as sent, not decoded."""
    with client.stream("GET", url, headers={"accept-encoding": accept_encoding}) as response:
        assert response.status_code == 200
        return response, b"".join(response.iter_raw())


@pytest.mark.parametrize(
    ("accept_encoding", "coding", "suffix"),
    [("gzip, deflate, br, zstd", "br", ".br"), ("gzip", "gzip", ".gz")],
)
def test_a_static_file_goes_out_compressed_cached_and_with_the_security_headers(
    client: TestClient, accept_encoding: str, coding: str, suffix: str
) -> None:
    response, body = raw_get(client, static_url(CSS), accept_encoding)

    assert response.headers["content-encoding"] == coding
    assert body == (PROJECT_ROOT / "static" / f"{CSS}{suffix}").read_bytes()
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["cache-control"] == VERSIONED_CACHE
    assert "set-cookie" not in response.headers
    assert_security_headers(response)


def test_a_compressed_file_unpacks_to_the_file(client: TestClient) -> None:
    _, body = raw_get(client, static_url(CSS), "gzip")

    assert gzip.decompress(body) == (PROJECT_ROOT / "static" / CSS).read_bytes()


@pytest.mark.parametrize("accept_encoding", ["identity", "br;q=0, gzip;q=0", "zstd"])
def test_a_client_that_does_not_accept_them_gets_the_file_itself(
    client: TestClient, accept_encoding: str
) -> None:
    response, body = raw_get(client, static_url(CSS), accept_encoding)

    assert "content-encoding" not in response.headers
    assert body == (PROJECT_ROOT / "static" / CSS).read_bytes()
    assert response.headers["vary"] == "Accept-Encoding"


def test_an_unchanged_compressed_file_is_not_sent_again(client: TestClient) -> None:
    first = client.get(static_url(CSS), headers={"accept-encoding": "br"})
    again = client.get(
        static_url(CSS), headers={"accept-encoding": "br", "if-none-match": first.headers["etag"]}
    )

    assert again.status_code == 304
    assert again.headers["vary"] == "Accept-Encoding"
    assert again.headers["cache-control"] == VERSIONED_CACHE
    assert_security_headers(again)


@pytest.mark.parametrize("url", [f"/static/{CSS}", f"/static/{CSS}?v=000000000000"])
def test_a_url_without_the_current_version_is_cached_briefly(client: TestClient, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 200
    assert response.headers["cache-control"] == UNVERSIONED_CACHE
    assert_security_headers(response)


def test_a_page_is_never_compressed_and_names_its_files_by_version(client: TestClient) -> None:
    page = client.get("/inloggen", headers={"accept-encoding": "gzip, br"})
    refused = client.post(
        "/inloggen",
        data={"email": "wie@example.org", "password": "fout", "csrf_token": csrf_from(client)},
        headers={"accept-encoding": "gzip, br"},
    )

    assert "wie@example.org" in refused.text, "the page sends back what was typed"
    for response in (page, refused):
        assert "content-encoding" not in response.headers
        assert response.headers["cache-control"] == "no-store"
    references = FILE_REFERENCE.findall(page.text)
    assert len(references) >= 5
    assert [url for url in references if "?v=" not in url] == []
    for url in references:
        assert client.get(url).headers["cache-control"] == VERSIONED_CACHE


def test_templates_name_static_files_only_through_static_url() -> None:
    literal = [
        path.name
        for path in (PROJECT_ROOT / "templates").rglob("*.html")
        if "/static/" in path.read_text()
    ]

    assert literal == []


def project_with(tmp_path: Path, *, made_from: bytes) -> TestClient:
    """A project whose static/app.css is `body{}` and whose gzip copy was made from `made_from`."""
    (tmp_path / "static").mkdir()
    (tmp_path / "assets").mkdir()
    (tmp_path / "static/app.css").write_bytes(b"body{}")
    (tmp_path / "static/app.css.gz").write_bytes(gzip.compress(made_from))
    digest = hashlib.sha256(made_from).hexdigest()
    manifest = {"static/app.css.gz": {"static/app.css": digest}}
    (tmp_path / BUILD_MANIFEST).write_text(json.dumps(manifest))
    app = Starlette(routes=[Mount("/static", CompressedStaticFiles(project_root=tmp_path))])
    return TestClient(app)


def test_a_copy_made_from_an_older_file_is_never_sent(tmp_path: Path) -> None:
    client = project_with(tmp_path, made_from=b"body{color:red}")

    response, body = raw_get(client, "/static/app.css", "gzip")

    assert "content-encoding" not in response.headers
    assert body == b"body{}"


def test_a_copy_made_from_the_file_as_it_is_is_sent(tmp_path: Path) -> None:
    client = project_with(tmp_path, made_from=b"body{}")

    response, body = raw_get(client, "/static/app.css", "gzip")

    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == b"body{}"
