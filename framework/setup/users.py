"""Console users: accounts, passwords (argon2id), roles and the links each operator may see.

An admin sees every link; an operator sees only the links granted to them. Passwords are
hashed with argon2id (memory-hard); the plain password is never stored, logged or taken as a
command-line argument.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import ConfigError
from ..storage.models import ConsoleGrant, ConsoleUser, Link
from .links import get_link

MIN_PASSWORD_LENGTH = 10
_HASHER = PasswordHasher()
#: verified against when the name is unknown, so a wrong name costs as long as a wrong password
_DUMMY_HASH = _HASHER.hash("jembatan-no-such-user")


@dataclass(frozen=True, slots=True)
class UserView:
    """A user as the console and ``users list`` show it."""

    id: int
    name: str
    is_admin: bool
    links: tuple[str, ...]


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password``, refusing short ones."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ConfigError(f"the password is too short (at least {MIN_PASSWORD_LENGTH} "
                          "characters)", fix="choose a longer password")
    return _HASHER.hash(password)


def add_user(session: Session, name: str, password: str, *, admin: bool = False) -> ConsoleUser:
    """Create a console user.

    Raises:
        ConfigError: the name is taken or the password too short.
    """
    name = name.strip()
    if not name or len(name) > 64:
        raise ConfigError("a user name needs 1 to 64 characters", fix="choose another name")
    if session.scalar(select(ConsoleUser).where(ConsoleUser.name == name)) is not None:
        raise ConfigError(f"user {name!r} exists already",
                          fix=f"`jembatan users passwd {name}` changes the password")
    user = ConsoleUser(name=name, password_hash=hash_password(password), is_admin=admin)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, name: str) -> ConsoleUser:
    """Return the user called ``name``.

    Raises:
        ConfigError: no such user.
    """
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.name == name))
    if user is None:
        raise ConfigError(f"unknown user {name!r}", fix="`jembatan users list` shows the users")
    return user


def set_password(session: Session, name: str, password: str) -> None:
    """Replace a user's password; their open console sessions end."""
    from ..storage.models import ConsoleSession

    user = get_user(session, name)
    user.password_hash = hash_password(password)
    session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id))


def remove_user(session: Session, name: str) -> None:
    """Delete a user with their grants and sessions."""
    session.delete(get_user(session, name))


def authenticate(session: Session, name: str, password: str) -> ConsoleUser | None:
    """Return the user if ``password`` is theirs, else ``None`` (same cost either way)."""
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.name == name.strip()))
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def grant(session: Session, name: str, link_ids: Iterable[str]) -> list[str]:
    """Let an operator see and operate ``link_ids``; return the links newly granted."""
    user = get_user(session, name)
    have = set(granted_links(session, user))
    added = []
    for link_id in link_ids:
        get_link(session, link_id)
        if link_id not in have:
            session.add(ConsoleGrant(user_id=user.id, link_id=link_id))
            have.add(link_id)
            added.append(link_id)
    session.flush()
    return added


def revoke(session: Session, name: str, link_ids: Iterable[str]) -> None:
    """Withdraw links from an operator."""
    user = get_user(session, name)
    session.execute(delete(ConsoleGrant).where(ConsoleGrant.user_id == user.id,
                                               ConsoleGrant.link_id.in_(list(link_ids))))


def granted_links(session: Session, user: ConsoleUser) -> list[str]:
    """Return the links granted to ``user`` (an admin's grants do not limit them)."""
    return list(session.scalars(select(ConsoleGrant.link_id)
                                .where(ConsoleGrant.user_id == user.id)
                                .order_by(ConsoleGrant.link_id)))


def visible_links(session: Session, user: ConsoleUser) -> list[Link]:
    """Return the links ``user`` may see: every link for an admin, else the granted ones."""
    query = select(Link).order_by(Link.id)
    if not user.is_admin:
        query = query.join(ConsoleGrant, ConsoleGrant.link_id == Link.id).where(
            ConsoleGrant.user_id == user.id)
    return list(session.scalars(query))


def may_see(session: Session, user: ConsoleUser, link_id: str) -> bool:
    """Return whether ``user`` may see and operate ``link_id`` (which must exist)."""
    if session.get(Link, link_id) is None:
        return False
    if user.is_admin:
        return True
    return session.scalar(select(ConsoleGrant.id).where(
        ConsoleGrant.user_id == user.id, ConsoleGrant.link_id == link_id)) is not None


def list_users(session: Session) -> list[UserView]:
    """Return every user with role and granted links."""
    return [UserView(user.id, user.name, user.is_admin, tuple(granted_links(session, user)))
            for user in session.scalars(select(ConsoleUser).order_by(ConsoleUser.name))]
