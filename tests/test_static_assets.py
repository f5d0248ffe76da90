"""ui.static_assets: Streamlit's frontend files answered from memory, everything else passed through."""

from __future__ import annotations

import asyncio
import gzip

import pytest

from ui.static_assets import CACHE_CONTROL, StaticAssets

SCRIPT = b"console.log('hello');" * 50
FONT = bytes(range(256)) * 4


@pytest.fixture
def frontend(tmp_path):
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "static" / "media").mkdir()
    (tmp_path / "static" / "js" / "main.abc123.js").write_bytes(SCRIPT)
    (tmp_path / "static" / "media" / "font.def456.woff2").write_bytes(FONT)
    (tmp_path / "index.html").write_text("<html></html>")
    (tmp_path / "secret.txt").write_text("not served")
    return tmp_path


def call(middleware: StaticAssets, path: str, method: str = "GET", encoding: bytes = b"") -> list:
    """Send one request through ``middleware``; returns the messages it sent back."""
    sent: list = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path,
             "headers": [(b"accept-encoding", encoding)] if encoding else []}
    asyncio.run(middleware(scope, receive, send))
    return sent


def with_downstream(directory, base_url: str = "") -> tuple[StaticAssets, list]:
    passed: list = []

    async def downstream(scope, receive, send):
        passed.append(scope["path"])
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return StaticAssets(downstream, directory, base_url), passed


def test_a_frontend_file_is_answered_with_its_bytes_type_and_cache_headers(frontend):
    middleware, passed = with_downstream(frontend)
    sent = call(middleware, "/static/js/main.abc123.js")
    start, body = sent
    headers = dict(start["headers"])
    assert start["status"] == 200 and passed == []
    assert body["body"] == SCRIPT
    assert headers[b"content-length"] == str(len(SCRIPT)).encode()
    assert headers[b"cache-control"] == CACHE_CONTROL
    assert headers[b"content-type"] in (b"application/javascript", b"text/javascript")
    assert b"content-encoding" not in headers


def test_text_goes_out_gzipped_to_a_browser_that_accepts_it_fonts_never(frontend):
    middleware, _ = with_downstream(frontend)
    start, body = call(middleware, "/static/js/main.abc123.js", encoding=b"gzip, deflate, br")
    assert dict(start["headers"])[b"content-encoding"] == b"gzip"
    assert gzip.decompress(body["body"]) == SCRIPT and len(body["body"]) < len(SCRIPT)
    start, body = call(middleware, "/static/media/font.def456.woff2", encoding=b"gzip")
    assert b"content-encoding" not in dict(start["headers"]) and body["body"] == FONT


def test_head_sends_the_headers_without_the_body(frontend):
    middleware, _ = with_downstream(frontend)
    start, body = call(middleware, "/static/js/main.abc123.js", method="HEAD")
    assert dict(start["headers"])[b"content-length"] == str(len(SCRIPT)).encode() and body["body"] == b""


@pytest.mark.parametrize(("path", "method"), [
    ("/", "GET"), ("/index.html", "GET"), ("/secret.txt", "GET"), ("/static/js/missing.js", "GET"),
    ("/static/js/../../secret.txt", "GET"), ("/static/js/main.abc123.js/", "GET"), ("/find", "GET"),
    ("/static/js/main.abc123.js", "POST"), ("/_stcore/health", "GET"),
])
def test_everything_else_passes_through_to_streamlit(frontend, path, method):
    middleware, passed = with_downstream(frontend)
    sent = call(middleware, path, method)
    assert passed == [path] and sent[0]["status"] == 404


def test_a_base_url_prefixes_the_files(frontend):
    middleware, passed = with_downstream(frontend, base_url="/qb/")
    assert call(middleware, "/qb/static/js/main.abc123.js")[0]["status"] == 200
    call(middleware, "/static/js/main.abc123.js")
    assert passed == ["/static/js/main.abc123.js"]


def test_a_file_gone_from_disk_is_left_to_streamlit(frontend):
    middleware, passed = with_downstream(frontend)
    (frontend / "static" / "js" / "main.abc123.js").unlink()
    assert call(middleware, "/static/js/main.abc123.js")[0]["status"] == 404
    assert passed == ["/static/js/main.abc123.js"]


def test_the_deployed_entry_point_puts_the_layer_in_front_of_streamlit():
    import ast

    from qb_core.paths import PROJECT_DIR

    tree = ast.parse((PROJECT_DIR / "serve.py").read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    names = {getattr(node.func, "attr", getattr(node.func, "id", "")) for node in calls}
    assert {"App", "Middleware"} <= names
    assert any(isinstance(a, ast.Name) and a.id == "StaticAssets" for node in calls for a in node.args)
