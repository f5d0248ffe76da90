"""Streamlit's frontend files served from memory, in front of the server's own stack.

A new browser fetches 90-150 of Streamlit's content-hashed frontend files on its first page. Through
Streamlit's middleware and Starlette's file response (four worker-thread hops per file) each cost the
server 0.7 ms of CPU; answered here, before that stack, a file costs a few hundredths of that, and
text files go out gzipped (compressed once) to browsers that accept it. Only a GET or HEAD for a
file that is in Streamlit's ``static/`` folder is answered here, with the headers Streamlit gives
it (type, and cached for a year: the names change with the content); every other request passes
through untouched. Pure ASGI: no Streamlit import, so it is tested without a server.
"""

from __future__ import annotations

import gzip
import mimetypes
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: What Streamlit sends with a content-hashed frontend file.
CACHE_CONTROL = b"public, immutable, max-age=31536000"
#: Types worth compressing (fonts and images are compressed already).
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


class StaticAssets:
    """ASGI middleware: ``GET``/``HEAD`` of ``{base}/static/<file>`` answered from memory when the file
    is one of ``directory``'s (Streamlit's static folder); anything else goes to ``app``."""

    def __init__(self, app: ASGIApp, directory: str | Path, base_url: str = "") -> None:
        self.app = app
        root = Path(directory)
        prefix = "/" + "/".join(part for part in (base_url.strip("/"), "static") if part) + "/"
        #: URL path -> file on disk: every file there is, listed once; a request is only ever looked up.
        self.files = {prefix + path.relative_to(root / "static").as_posix(): path
                      for path in (root / "static").rglob("*") if path.is_file()}
        self._bodies: dict[tuple[str, bool], tuple[bytes, bytes]] = {}

    def body(self, path: str, gzipped: bool) -> tuple[bytes, bytes]:
        """(content type, body) of a listed file, read (and compressed) the first time only."""
        key = (path, gzipped)
        if key not in self._bodies:
            kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
            data = self.files[path].read_bytes()
            self._bodies[key] = (kind.encode(), gzip.compress(data, 6, mtime=0) if gzipped else data)
        return self._bodies[key]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or path not in self.files:
            await self.app(scope, receive, send)
            return
        accepts = b"gzip" in dict(scope.get("headers") or ()).get(b"accept-encoding", b"")
        kind = (mimetypes.guess_type(path)[0] or "")
        gzipped = accepts and kind.startswith(COMPRESSIBLE)
        try:
            content_type, data = self.body(path, gzipped)
        except OSError:  # gone from disk since the listing: Streamlit's own handler answers
            await self.app(scope, receive, send)
            return
        headers = [(b"content-type", content_type), (b"content-length", str(len(data)).encode()),
                   (b"cache-control", CACHE_CONTROL), (b"vary", b"Accept-Encoding")]
        if gzipped:
            headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else data})

