"""Start the Streamlit server over a workspace."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from engine.workspace import ENV_VAR, Workspace
from workbench.access import AUTH_ENV, AUTH_MODES

APP_PATH = Path(__file__).with_name("app.py")


def streamlit_command(port: int, address: str | None = None) -> list[str]:
    """The `streamlit run` command line for the app, headless and with no telemetry (on `address` when given)."""
    where = ["--server.address", address] if address else []
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_PATH),
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
        *where,
    ]


def serve(workspace: Workspace, port: int = 8501, auth: str = "none", address: str | None = None) -> int:
    """Serve the app until interrupted (on `address`, default all interfaces); returns Streamlit's exit status."""
    if auth not in AUTH_MODES:
        raise ValueError(f"unknown sign-in mode {auth!r}; use one of {', '.join(AUTH_MODES)}")
    env = dict(os.environ, **{ENV_VAR: str(workspace.root), AUTH_ENV: auth})
    how = "raters sign in" if auth == "password" else "no sign-in: for one person on localhost"
    print(f"Serving the workbench over {workspace.root} at http://{address or 'localhost'}:{port} ({how}; Ctrl+C stops it)",
          flush=True)
    process = subprocess.Popen(streamlit_command(port, address), env=env)

    def stop(signum, frame):  # a terminated `workbench app` must not leave its Streamlit server running
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
