"""The server settings the app's speed and limits rest on (.streamlit/config.toml): read by Streamlit
wherever the app runs from its clone, `make run`, the benchmarks and Streamlit Community Cloud alike."""

from __future__ import annotations

import sys
import tomllib

from qb_core.paths import PROJECT_DIR
from ui.user_networks import NETWORK_UPLOAD_MB

CONFIG = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text())


def test_no_file_watcher_is_set_up_per_session():
    """With Streamlit's default watcher a new session set up inotify watches over every project
    module (and the .venv inside the clone): 650 ms of server CPU per new session on Find against
    320 ms without. A deployed app never changes under its users."""
    assert CONFIG["server"]["fileWatcherType"] == "none"
    assert CONFIG["server"]["runOnSave"] is False


def test_no_full_garbage_collection_after_every_run():
    assert CONFIG["runner"]["postScriptGC"] is False


def test_the_upload_limit_is_the_network_files():
    assert CONFIG["server"]["maxUploadSize"] == NETWORK_UPLOAD_MB


def test_no_magic_rewrite_of_the_scripts():
    """Magic rewrote each page's syntax tree whenever Streamlit's script cache was empty, which is
    whenever the last session has left; every page calls st.* for what it shows (the page
    digests in test_nothing_visible_changes hold with magic off)."""
    assert CONFIG["runner"]["magicEnabled"] is False


def test_the_server_parses_http_and_loops_in_c():
    """uvloop and httptools (requirements.txt): Streamlit installs uvloop's loop when it can import
    it, uvicorn picks httptools when it can. A static frontend file cost 2.0 ms of server CPU per
    request without them, 0.7 ms with them (a new browser fetches 90-150 per first page)."""
    import uvicorn
    from streamlit.web import bootstrap

    async def no_app(scope, receive, send):  # pragma: no cover - never served
        return None

    server_config = uvicorn.Config(no_app)
    server_config.load()
    assert server_config.http_protocol_class.__name__ == "HttpToolsProtocol"
    if sys.platform != "win32":
        assert bootstrap._get_uvloop_loop_factory() is not None
