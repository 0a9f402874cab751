"""A real Streamlit server over a demo workspace answers its health check and serves the app."""

import os
import subprocess
import sys
import time

import pytest

from tests.http_helpers import free_port, http_get
from workbench.cli import main

pytestmark = pytest.mark.slow


def test_demo_prepares_once_then_app_serves(tmp_path, capsys):
    home = tmp_path / "ws"
    assert main(["demo", "--home", str(home), "--n", "30", "--seed", "2", "--prepare-only"]) == 0
    assert main(["demo", "--home", str(home), "--n", "30", "--seed", "2", "--prepare-only"]) == 0
    out = capsys.readouterr().out
    assert "generating the sample catalog" in out and "catalog already ingested" in out
    assert "30 items: 30 images and 30 texts embedded" in out  # first start indexes everything
    assert "30 items: 0 images and 0 texts embedded, 30 unchanged" in out  # the second embeds nothing
    assert "building shopping collections" in out and "[demo] collections present" in out  # built once
    from engine.collections.storage import load_manifest
    from engine.workspace import Workspace

    # built (30 items are too few for a topic of 10 supporting items; the 3,000-item demo has hundreds)
    assert load_manifest(Workspace(home))

    port = free_port()
    env = dict(os.environ, WORKBENCH_HOME=str(home))
    server = subprocess.Popen(
        [sys.executable, "-m", "workbench.cli", "app", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                health = http_get(f"http://127.0.0.1:{port}/_stcore/health")
                break
            except OSError:
                time.sleep(0.5)
        assert health == "ok", f"server did not come up; exit={server.poll()}"
        assert "<title>" in http_get(f"http://127.0.0.1:{port}/")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    # terminating `workbench app` stops its Streamlit child too: the port stops answering
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            http_get(f"http://127.0.0.1:{port}/_stcore/health")
            time.sleep(0.5)
        except OSError:
            break
    with pytest.raises(OSError):
        http_get(f"http://127.0.0.1:{port}/_stcore/health")
