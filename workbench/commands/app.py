"""`workbench app`: serve the app over an existing workspace, with or without sign-in."""

from __future__ import annotations

import argparse

from workbench.commands.common import home_option, port, workspace_from

AUTH_MODES = ("none", "password")  # the same as workbench.access.AUTH_MODES (not imported: it loads Streamlit)
LOCALHOST = "127.0.0.1"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("app", parents=[home_option()], help="serve the app over an existing workspace")
    p.add_argument("--port", type=port, default=8501, help="port to listen on (default 8501)")
    p.add_argument(
        "--auth",
        choices=AUTH_MODES,
        default="none",
        help="sign-in mode: 'password' makes raters sign in with their id and secret (see `workbench raters add`); "
        "'none' (default) is for one person on localhost and says so on every page",
    )
    p.add_argument(
        "--address",
        default=None,
        help=f"interface to listen on (default: {LOCALHOST} under --auth none, every interface under --auth password)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from engine.index import open_items_table
    from workbench.server import serve

    if args.auth == "none" and args.address is not None and not is_loopback(args.address):
        raise ValueError(
            f"--auth none serves every page with admin rights and no sign-in, so it listens on this "
            f"machine only; --address {args.address!r} is not a loopback address. Use --auth password (add an admin "
            f"with `workbench raters add --role admin`) to serve other machines, or drop --address")
    workspace = workspace_from(args)
    open_items_table(workspace, create=False)  # fails early, naming the fix, when there is no catalog
    if args.auth == "password":
        check_sign_in_ready(workspace)
    address = args.address or (LOCALHOST if args.auth == "none" else None)
    return serve(workspace, args.port, args.auth, address)


def is_loopback(address: str) -> bool:
    """127.0.0.0/8, ::1 or "localhost"; anything else (0.0.0.0, a LAN address, a name) reaches other machines."""
    import ipaddress

    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def check_sign_in_ready(workspace) -> None:
    """Refuse `--auth password` while no admin can sign in (nobody could then add raters from the app)."""
    from labels import open_store
    from workbench.access import check_password_mode_ready

    with open_store(workspace.judgments_path) as store:  # closed before the server opens it for writing
        check_password_mode_ready(store)
