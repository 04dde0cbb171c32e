"""Users and log-in: Argon2id hashes, rehash on log-in, roles synced from the domain."""

from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ecerp_desktop.domain.auth import (
    MIN_PASSWORD_LENGTH,
    ROLE_PERMISSIONS,
    Actor,
    Permission,
    Role,
)
from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.domain.timeutil import utcnow
from ecerp_desktop.store import Store, audit
from ecerp_desktop.store import users as user_store
from ecerp_desktop.store.users import UserRecord

_hasher = PasswordHasher()  # argon2-cffi's default type is Argon2id

ROLE_NAMES = {Role.ADMIN: "管理员", Role.CLERK: "客服/审单", Role.PACKER: "打包员",
              Role.WAREHOUSE: "仓库", Role.FINANCE: "财务"}


def ensure_roles(store: Store) -> None:
    """Make sure every role of the domain exists with its default permissions."""
    with store.write() as s:
        for role, perms in ROLE_PERMISSIONS.items():
            user_store.ensure_role(s, role.value, ROLE_NAMES[role], sorted(p.value for p in perms))


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(ErrorCode.PASSWORD_TOO_SHORT, minimum=MIN_PASSWORD_LENGTH)
    return _hasher.hash(password)


def _actor(s: Any, user: UserRecord) -> Actor:
    perms = frozenset(Permission(p) for p in user_store.role_permissions(s, user.role)
                      if p in Permission._value2member_map_)
    return Actor(user.id, user.username, Role(user.role), perms)


def has_users(store: Store) -> bool:
    with store.read() as s:
        return user_store.count_users(s) > 0


def create_user(store: Store, actor: Actor | None, username: str, password: str,
                role: Role | str, display_name: str = "") -> UserRecord:
    """Add a user. The very first user (the admin made at first start) needs no actor."""
    username = username.strip()
    role = Role(role) if role in Role._value2member_map_ else None  # type: ignore[assignment]
    if role is None:
        raise DomainError(ErrorCode.UNKNOWN_ROLE)
    pw_hash = hash_password(password)
    with store.write() as s:
        if actor is None:
            if user_store.count_users(s) > 0:
                raise DomainError(ErrorCode.PERMISSION_DENIED,
                                  permission=Permission.USERS_MANAGE.value, user="")
        else:
            actor.require(Permission.USERS_MANAGE)
        if user_store.by_username(s, username) is not None:
            raise DomainError(ErrorCode.USER_EXISTS, username=username)
        now = utcnow()
        user = user_store.add(s, username, display_name or username, pw_hash, role.value, now)
        audit.append(s, at=now, user_id=actor.user_id if actor else None,
                     username=actor.username if actor else username, action="user.create",
                     entity="user", entity_id=str(user.id), detail={"role": role.value})
        return user


def login(store: Store, username: str, password: str) -> Actor:
    """Check the password; on success return the actor with its role's permissions.

    A hash made with older Argon2 parameters is replaced by a fresh one on the way in.
    """
    with store.write() as s:
        user = user_store.by_username(s, username.strip())
        try:
            if user is None:
                raise VerificationError
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise DomainError(ErrorCode.WRONG_PASSWORD) from None
        if not user.active:
            raise DomainError(ErrorCode.USER_DISABLED, username=user.username)
        now = utcnow()
        if _hasher.check_needs_rehash(user.password_hash):
            user_store.set_password_hash(s, user.id, _hasher.hash(password))
        user_store.touch_login(s, user.id, now)
        audit.append(s, at=now, user_id=user.id, username=user.username, action="user.login")
        return _actor(s, user)


def change_password(store: Store, actor: Actor, username: str, new_password: str) -> None:
    """Anyone may change their own password; managing others needs USERS_MANAGE."""
    if username != actor.username:
        actor.require(Permission.USERS_MANAGE)
    pw_hash = hash_password(new_password)
    with store.write() as s:
        user = user_store.by_username(s, username)
        if user is None:
            raise DomainError(ErrorCode.NOT_FOUND, what="user", key=username)
        user_store.set_password_hash(s, user.id, pw_hash)
        audit.append(s, at=utcnow(), user_id=actor.user_id, username=actor.username,
                     action="user.password", entity="user", entity_id=str(user.id))


def list_users(store: Store, actor: Actor) -> list[UserRecord]:
    actor.require(Permission.USERS_MANAGE)
    with store.read() as s:
        return user_store.all_users(s)
