"""``jembatan users``: who may log in to the web console, and which links they see."""

from __future__ import annotations

import click

from ..console import print_table
from ..setup.users import add_user, grant, list_users, remove_user, revoke, set_password


def _ask_password() -> str:
    # Prompted (never an argument: it would sit in the shell history and the process list).
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group()
def users() -> None:
    """Console users: admins see every link, operators only the links granted to them.

    \b
      jembatan users add siti --admin      (asks for the password)
      jembatan users add budi
      jembatan users grant budi toko-ginee
      jembatan web                         (then log in at http://127.0.0.1:8700)
    """


@users.command("add")
@click.argument("name")
@click.option("--admin", is_flag=True, help="May see and operate every link, and add links.")
@click.pass_obj
def add_command(app, name, admin) -> None:
    """Create the console user NAME; the password is asked for (twice)."""
    password = _ask_password()
    with app.session() as session:
        add_user(session, name, password, admin=admin)
    role = "admin" if admin else "operator (grant links with `jembatan users grant`)"
    click.echo(f"user {name} added: {role}")


@users.command("passwd")
@click.argument("name")
@click.pass_obj
def passwd_command(app, name) -> None:
    """Change NAME's password (asked for); their open console sessions end."""
    password = _ask_password()
    with app.session() as session:
        set_password(session, name, password)
    click.echo(f"password of {name} changed")


@users.command("remove")
@click.argument("name")
@click.pass_obj
def remove_command(app, name) -> None:
    """Delete the console user NAME."""
    with app.session() as session:
        remove_user(session, name)
    click.echo(f"user {name} removed")


@users.command("grant")
@click.argument("name")
@click.argument("links", nargs=-1, required=True)
@click.pass_obj
def grant_command(app, name, links) -> None:
    """Let operator NAME see and operate LINKS in the console."""
    with app.session() as session:
        grant(session, name, links)
    click.echo(f"{name} may now operate: {', '.join(links)}")


@users.command("revoke")
@click.argument("name")
@click.argument("links", nargs=-1, required=True)
@click.pass_obj
def revoke_command(app, name, links) -> None:
    """Withdraw LINKS from operator NAME."""
    with app.session() as session:
        revoke(session, name, links)
    click.echo(f"{name} may no longer operate: {', '.join(links)}")


@users.command("list")
@click.pass_obj
def list_command(app) -> None:
    """List the console users, their role and their links."""
    with app.session() as session:
        rows = [(u.name, "admin" if u.is_admin else "operator",
                 "(all)" if u.is_admin else (", ".join(u.links) or "-"))
                for u in list_users(session)]
    print_table("Console users", ["user", "role", "links"], rows)


COMMANDS = [users]
