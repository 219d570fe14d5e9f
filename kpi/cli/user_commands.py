"""Commands of the accounts, added to `python -m kpi` (see kpi/cli/main.py):

    python -m kpi users add NAME --role viewer|analyst|admin --password-stdin [--display-name TEXT] [--db URL]
    python -m kpi users list [--db URL]
    python -m kpi users set-role NAME --role viewer|analyst|admin [--db URL]
    python -m kpi users disable NAME [--enable] [--db URL]
    python -m kpi users reset-password NAME --password-stdin [--db URL]
    python -m kpi users map (--email ADDRESS | --group NAME) --role ROLE [--db URL]
    python -m kpi users unmap (--email ADDRESS | --group NAME) [--db URL]

The password is read as one line of standard input (never an argument: those show in `ps` and the shell's
history). Each change is an event of the store naming the operating-system user who ran the command. Exit codes
as for the other commands: 0 done, 1 refused (the reason on stderr), 2 the store cannot be opened.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from kpi.cli.main import EXIT_OK, EXIT_REJECTED
from kpi.cli.store_commands import add_db, cli_identity, with_store
from kpi.common.access import Role
from kpi.common.i18n import t

ROLES = [r.value for r in Role]


def register_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add `users` and its subcommands to the parser of `python -m kpi`."""
    users = add("users", None, "manage the accounts of the dashboard and the roles of SSO identities")
    sub = users.add_subparsers(dest="users_command", required=True)

    def command(name: str, func, help_text: str, *, named: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--lang", choices=("vi", "en"), default=argparse.SUPPRESS, help="language of messages")
        p.set_defaults(func=func)
        if named:
            p.add_argument("name", help="account name (lower-case letters, digits, . _ @ -)")
        add_db(p)
        return p

    p = command("add", cmd_add, "create an account (the password: one line on standard input)")
    p.add_argument("--role", choices=ROLES, required=True)
    p.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password from stdin"
    )
    p.add_argument("--display-name", help="the name shown in the history (default: the account name)")
    command("list", cmd_list, "list the accounts and the roles of SSO identities", named=False)
    p = command("set-role", cmd_set_role, "give an account another role")
    p.add_argument("--role", choices=ROLES, required=True)
    p = command("disable", cmd_disable, "stop an account from logging in (--enable: allow it again)")
    p.add_argument("--enable", action="store_true", help="enable the account again")
    p = command("reset-password", cmd_reset_password, "give an account a new password (from stdin)")
    p.add_argument(
        "--password-stdin", action="store_true", required=True, help="read the password from stdin"
    )
    for name, func, help_text in (
        ("map", cmd_map, "give the SSO identities of an email or a group a role"),
        ("unmap", cmd_unmap, "remove the role of an SSO email or group"),
    ):
        p = command(name, func, help_text, named=False)
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("--email")
        which.add_argument("--group")
        if name == "map":
            p.add_argument("--role", choices=ROLES, required=True)


def _password() -> str:
    """Return the one line of standard input (without its line end)."""
    from kpi.store.accounts import AccountError

    line = sys.stdin.readline()
    if not line:
        raise AccountError("no_password")
    return line.rstrip("\r\n")


def _refusing(command: Callable[[argparse.Namespace, object], int]) -> Callable[[argparse.Namespace], int]:
    """Return a store command whose AccountError becomes its message on stderr and exit code 1."""
    from kpi.store.accounts import AccountError

    def run(args: argparse.Namespace, store) -> int:
        try:
            return command(args, store)
        except AccountError as exc:
            print(exc.message(args.lang), file=sys.stderr)
            return EXIT_REJECTED

    run.__name__ = command.__name__
    return with_store(run)


def _add(args: argparse.Namespace, store) -> int:
    from kpi.store import accounts as ac

    account = ac.add_account(
        store,
        args.name,
        Role(args.role),
        _password(),
        display_name=args.display_name,
        identity=cli_identity(),
    )
    print(t("accounts.cli.added", args.lang, name=account.name, role=account.role.value))
    return EXIT_OK


def _list(args: argparse.Namespace, store) -> int:
    from kpi.cli.store_commands import text_table
    from kpi.store import accounts as ac

    lang = args.lang
    accounts, mappings = ac.list_accounts(store), ac.list_mappings(store)
    if not accounts:
        print(t("accounts.cli.none", lang))
    else:
        rows = [tuple(t("accounts.cli.header", lang).split("|"))]
        for a in accounts:
            state = t("accounts.cli.locked" if a.disabled else "accounts.cli.active", lang)
            updated = a.updated_at.astimezone().strftime("%d/%m/%Y %H:%M")
            rows.append((a.name, a.display_name, a.role.value, state, updated))
        print(text_table(rows))
    if mappings:
        print()
        print(t("accounts.cli.mappings", lang))
        print(text_table([(kind, value, role.value) for kind, value, role in mappings], header=False))
    return EXIT_OK


def _set_role(args: argparse.Namespace, store) -> int:
    from kpi.store import accounts as ac

    ac.set_role(store, args.name, Role(args.role), identity=cli_identity())
    print(t("accounts.cli.role_set", args.lang, name=ac.normalise_name(args.name), role=args.role))
    return EXIT_OK


def _disable(args: argparse.Namespace, store) -> int:
    from kpi.store import accounts as ac

    ac.set_disabled(store, args.name, not args.enable, identity=cli_identity())
    key = "accounts.cli.enabled" if args.enable else "accounts.cli.disabled"
    print(t(key, args.lang, name=ac.normalise_name(args.name)))
    return EXIT_OK


def _reset_password(args: argparse.Namespace, store) -> int:
    from kpi.store import accounts as ac

    ac.reset_password(store, args.name, _password(), identity=cli_identity())
    print(t("accounts.cli.password_reset", args.lang, name=ac.normalise_name(args.name)))
    return EXIT_OK


def _mapping(args: argparse.Namespace) -> tuple[str, str]:
    from kpi.store import accounts as ac

    return (ac.EMAIL, args.email) if args.email is not None else (ac.GROUP, args.group)


def _map(args: argparse.Namespace, store) -> int:
    from kpi.store import accounts as ac

    kind, value = _mapping(args)
    ac.map_identity(store, kind, value, Role(args.role), identity=cli_identity())
    print(t("accounts.cli.mapped", args.lang, kind=kind, value=value.strip(), role=args.role))
    return EXIT_OK


def _unmap(args: argparse.Namespace, store) -> int:
    from kpi.store import accounts as ac

    kind, value = _mapping(args)
    ac.unmap_identity(store, kind, value, identity=cli_identity())
    print(t("accounts.cli.unmapped", args.lang, kind=kind, value=value.strip()))
    return EXIT_OK


cmd_add = _refusing(_add)
cmd_list = _refusing(_list)
cmd_set_role = _refusing(_set_role)
cmd_disable = _refusing(_disable)
cmd_reset_password = _refusing(_reset_password)
cmd_map = _refusing(_map)
cmd_unmap = _refusing(_unmap)
