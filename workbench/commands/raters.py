"""`workbench raters add|list`: the people who sign in to label, and their roles (secrets never on the command line)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from workbench.commands.common import home_option, workspace_from

ROLES = ("rater", "researcher", "admin")  # labels.records.ROLES (not imported here to keep --help fast)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("raters", help="add, list, change and remove raters (who may sign in to the app, and with "
                       "which role)")
    actions = p.add_subparsers(dest="raters_command", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add", parents=[home_option()],
        help="add a rater; the secret is read from stdin (piped) or asked for at a prompt, never from the arguments",
    )
    add.add_argument("--id", required=True, dest="rater_id", help="the id the rater signs in with")
    add.add_argument("--name", required=True, help="the rater's display name")
    add.add_argument("--role", required=True, choices=ROLES, help="rater: labels; researcher: also explores and "
                     "compares; admin: also manages raters, query sets and task pools")
    add.set_defaults(run=run_add)

    role = actions.add_parser("role", parents=[home_option()], help="change a rater's role")
    role.add_argument("--id", required=True, dest="rater_id", help="the rater's id")
    role.add_argument("--role", required=True, choices=ROLES, help="the new role")
    role.set_defaults(run=run_role)

    reset = actions.add_parser("reset-secret", parents=[home_option()],
                               help="give a rater a new secret (read from stdin or a prompt, like `add`)")
    reset.add_argument("--id", required=True, dest="rater_id", help="the rater's id")
    reset.set_defaults(run=run_reset_secret)

    remove = actions.add_parser("remove", parents=[home_option()],
                                help="stop a rater signing in (their judgments stay, and still count)")
    remove.add_argument("--id", required=True, dest="rater_id", help="the rater's id")
    remove.set_defaults(run=run_remove)

    lst = actions.add_parser("list", parents=[home_option()], help="list the raters and their roles")
    lst.add_argument("--json", action="store_true", help="one JSON object a line")
    lst.set_defaults(run=run_list)


def read_secret(stdin=None) -> str:
    """The new secret: the first line of stdin when it is piped, else typed twice at a hidden prompt."""
    stdin = stdin or sys.stdin
    if not stdin.isatty():
        line = stdin.readline()
        if not line.strip():
            raise ValueError("no secret on stdin; pipe it in (printf '%s\\n' \"$SECRET\" | workbench raters add ...) "
                             "or run the command in a terminal to be asked for it")
        return line.rstrip("\r\n")
    first = getpass.getpass("Secret: ")
    if getpass.getpass("Secret again: ") != first:
        raise ValueError("the two secrets differ; run the command again")
    return first


def run_add(args: argparse.Namespace) -> int:
    from labels import open_store
    from workbench.access import check_secret

    secret = check_secret(read_secret())
    workspace = workspace_from(args)
    with open_store(workspace.judgments_path) as store:
        rater = store.add_rater(args.rater_id, args.name, role=args.role, password=secret)
    print(f"added {rater.role} {rater.rater_id} ({rater.name}) to {workspace.judgments_path}; they can sign in with "
          "`workbench app --auth password`")
    return 0


def _existing_store(args):
    from labels import open_store

    workspace = workspace_from(args)
    if not workspace.judgments_path.exists():
        raise FileNotFoundError(f"no judgment store at {workspace.judgments_path}; check --home")
    return open_store(workspace.judgments_path)


def run_role(args: argparse.Namespace) -> int:
    with _existing_store(args) as store:
        rater = store.set_rater_role(args.rater_id, args.role)
    print(f"{rater.rater_id} is now {rater.role}; it applies from their next page load")
    return 0


def run_reset_secret(args: argparse.Namespace) -> int:
    from workbench.access import check_secret

    secret = check_secret(read_secret())
    with _existing_store(args) as store:
        rater = store.reset_rater_secret(args.rater_id, secret)
    print(f"{rater.rater_id} has a new secret; the old one no longer signs in")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with _existing_store(args) as store:
        rater = store.remove_rater(args.rater_id)
    print(f"removed {rater.rater_id} ({rater.name}): they can no longer sign in; their judgments stay")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from labels import open_store

    workspace = workspace_from(args)
    if not workspace.judgments_path.exists():
        raise FileNotFoundError(f"no judgment store at {workspace.judgments_path}; add a rater with "
                                "`workbench raters add --id ID --name NAME --role ROLE`, or check --home")
    with open_store(workspace.judgments_path, read_only=True) as store:
        raters, admins, removed = store.raters(), set(store.admins_with_secret()), store.removed_raters()
    for rater in raters:
        row = {"rater_id": rater.rater_id, "name": rater.name, "role": rater.role, "simulated": rater.simulated,
               "created_at": rater.created_at.isoformat(), "removed": rater.rater_id in removed}
        if args.json:
            print(json.dumps(row))
        else:
            flag = (" (simulated)" if rater.simulated else "") + (" (removed)" if rater.rater_id in removed else "")
            print(f"{rater.rater_id:<20} {rater.role:<11} {rater.name}{flag}")
    if not args.json:
        print(f"{len(raters)} raters; admins who can sign in: {', '.join(sorted(admins)) or 'none'}", file=sys.stderr)
    return 0
