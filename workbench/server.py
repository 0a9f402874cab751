"""Start the Streamlit server over a workspace."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from engine.workspace import ENV_VAR, Workspace

APP_PATH = Path(__file__).with_name("app.py")


def streamlit_command(port: int) -> list[str]:
    """The `streamlit run` command line for the app, headless and with no telemetry."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_PATH),
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
    ]


def serve(workspace: Workspace, port: int = 8501, auth: str = "none") -> int:
    """Serve the app until interrupted; returns Streamlit's exit status."""
    env = dict(os.environ, **{ENV_VAR: str(workspace.root), "WORKBENCH_AUTH": auth})
    print(f"Serving the workbench over {workspace.root} at http://localhost:{port}  (Ctrl+C stops it)", flush=True)
    process = subprocess.Popen(streamlit_command(port), env=env)

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
