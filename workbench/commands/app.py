"""`workbench app`: serve the app over an existing workspace."""

from __future__ import annotations

import argparse

from workbench.commands.common import home_option, port, workspace_from


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", parents=[home_option()], help="serve the app over an existing workspace")
    p.add_argument("--port", type=port, default=8501, help="port to listen on (default 8501)")
    p.add_argument(
        "--auth",
        choices=["none"],
        default="none",
        help="sign-in mode; 'none' is for one person on localhost (the only mode so far)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.index import open_items_table
    from workbench.server import serve

    workspace = workspace_from(args)
    open_items_table(workspace, create=False)  # fails early, naming the fix, when there is no catalog
    return serve(workspace, args.port, args.auth)
