"""Commands: parity users add | list | remove | password (who may sign in to the private area)."""

from __future__ import annotations

import sys

import typer

from parity.errors import InputError, Problem
from parity.present.commands import (
    JsonOption,
    ParityGroup,
    app,
    console,
    emit_json,
    handles_input_errors,
    session,
)

users_app = typer.Typer(help="Accounts for the private area: coordinators, force leads, analysts.",
                        no_args_is_help=True, cls=ParityGroup)
app.add_typer(users_app, name="users")

PasswordStdin = typer.Option(False, "--password-stdin",
                             help="Read the password from the first line of standard input "
                                  "instead of prompting for it.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise InputError("no password on standard input",
                             [Problem("stdin", "expected the password on the first line")])
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise InputError("no terminal to prompt for a password",
                         [Problem("stdin", "use --password-stdin to pass it on standard input")])
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
@handles_input_errors
def add_cmd(
    email: str = typer.Option(..., "--email", help="The user's e-mail address (their sign-in name)."),
    role: str = typer.Option(..., "--role", help="coordinator, force_lead or analyst."),
    force: str | None = typer.Option(None, "--force",
                                     help="The user's force (any spelling); required for a "
                                          "force_lead or analyst, refused for a coordinator."),
    password_stdin: bool = PasswordStdin,
    json_out: bool = JsonOption,
) -> None:
    """Add a user who can sign in to the private area."""
    from parity.accounts import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    password = _read_password(password_stdin)
    with session() as s:
        user = service.add_user(s, email=email, role=role, force=force, password=password)
    if json_out:
        emit_json(user)
    else:
        where = f" of {user['force_id']}" if user["force_id"] else ""
        console().print(f"Added {user['email']}: {user['role']}{where}.")


@users_app.command("list")
@handles_input_errors
def list_cmd(json_out: bool = JsonOption) -> None:
    """List the users (never their passwords)."""
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    from parity.accounts import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session() as s:
        users = service.list_users(s)
    if json_out:
        emit_json(users)
        return
    table = Table(title=f"Users ({len(users)})")
    for column in ("E-mail", "Role", "Force", "Added", "Last signed in"):
        table.add_column(column)
    for u in users:
        table.add_row(u["email"], u["role"], u["force_id"] or "(national)",
                      u["created_at"].strftime("%Y-%m-%d"),
                      u["last_sign_in_at"].strftime("%Y-%m-%d %H:%M") if u["last_sign_in_at"]
                      else "never")
    console().print(table)


@users_app.command("remove")
@handles_input_errors
def remove_cmd(
    email: str = typer.Option(..., "--email", help="The e-mail address of the user to remove."),
    json_out: bool = JsonOption,
) -> None:
    """Remove a user; their sessions end at once."""
    from parity.accounts import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    with session() as s:
        user = service.remove_user(s, email=email)
    if json_out:
        emit_json(user)
    else:
        console().print(f"Removed {user['email']}.")


@users_app.command("password")
@handles_input_errors
def password_cmd(
    email: str = typer.Option(..., "--email", help="The e-mail address of the user."),
    password_stdin: bool = PasswordStdin,
) -> None:
    """Set a new password for a user; their sessions end (they sign in again)."""
    from parity.accounts import service  # deferred: loads sqlalchemy (~0.3 s); `parity --help` stays fast

    password = _read_password(password_stdin)
    with session() as s:
        service.set_password(s, email=email, password=password)
    console().print(f"New password set for {service.normalise_email(email)}.")
