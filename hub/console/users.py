"""Create console users: ``python -m hub.console.users create --email … --name … --role agent``.

The password is asked for on the terminal (twice), or read from the first line
of standard input with ``--password-stdin`` (for scripts). The database is
DATABASE_URL, as for the hub.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from hub.console.auth import hash_password
from hub.domain.agents import Role, normalize_email, validate_name, validate_new_password
from hub.domain.validation import InvalidField
from hub.settings import DEFAULT_DATABASE_URL, database_url_from_environment
from hub.store import AgentExists, Store


def parser() -> argparse.ArgumentParser:
    commands = argparse.ArgumentParser(prog="python -m hub.console.users", description=__doc__.split("\n")[0])
    subcommands = commands.add_subparsers(dest="command", required=True)
    create = subcommands.add_parser("create", help="create a console user")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    return commands


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != password:
        raise InvalidField("password", "the two passwords differ")
    return password


async def create(email: str, name: str, role: Role, password: str) -> None:
    store = Store(database_url_from_environment() or DEFAULT_DATABASE_URL)
    try:
        await store.create_agent(email, name, role, hash_password(password))
    finally:
        await store.close()


def main(arguments: list[str] | None = None) -> int:
    options = parser().parse_args(arguments)
    try:
        email = normalize_email(options.email)
        name = validate_name(options.name)
        password = validate_new_password(read_password(options.password_stdin))
        asyncio.run(create(email, name, Role(options.role), password))
    except InvalidField as error:
        print(f"not created: {error}", file=sys.stderr)
        return 2
    except AgentExists:
        print(f"not created: a user with the email {options.email.strip().lower()} exists already", file=sys.stderr)
        return 2
    print(f"created {options.role} {email}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
