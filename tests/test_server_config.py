"""The server settings the app's speed and limits rest on (.streamlit/config.toml): read by Streamlit
wherever the app runs from its clone, `make run`, the benchmarks and Streamlit Community Cloud alike."""

from __future__ import annotations

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
