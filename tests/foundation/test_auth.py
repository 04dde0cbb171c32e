"""Log-in, Argon2id hashes and role permissions, checked in services on both databases."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from ecerp_desktop.domain.auth import SYSTEM, Permission, Role, mask_phone
from ecerp_desktop.domain.errors import DomainError, ErrorCode, PermissionDenied
from ecerp_desktop.services import auth
from ecerp_desktop.store import Store
from ecerp_desktop.store import audit as audit_store
from ecerp_desktop.store import users as user_store


def test_first_admin_then_login(store: Store) -> None:
    assert not auth.has_users(store)
    auth.create_user(store, None, "admin", "s3cret-pass", Role.ADMIN)
    actor = auth.login(store, "admin", "s3cret-pass")
    assert actor.role is Role.ADMIN and actor.can(Permission.USERS_MANAGE)
    with store.read() as s:
        stored = user_store.by_username(s, "admin")
    assert stored is not None and stored.password_hash.startswith("$argon2id$")
    assert "s3cret-pass" not in stored.password_hash


def test_wrong_password_and_unknown_user_look_the_same(store: Store) -> None:
    auth.create_user(store, None, "admin", "s3cret-pass", Role.ADMIN)
    for user, pw in [("admin", "wrong-pass"), ("nobody", "s3cret-pass"), ("admin", "")]:
        with pytest.raises(DomainError) as info:
            auth.login(store, user, pw)
        assert info.value.code is ErrorCode.WRONG_PASSWORD


def test_second_first_admin_is_refused(store: Store) -> None:
    auth.create_user(store, None, "admin", "s3cret-pass", Role.ADMIN)
    with pytest.raises(DomainError) as info:
        auth.create_user(store, None, "mallory", "s3cret-pass", Role.ADMIN)
    assert info.value.code is ErrorCode.PERMISSION_DENIED


def test_roles_are_enforced_in_services(store: Store) -> None:
    admin = auth.create_user(store, None, "admin", "s3cret-pass", Role.ADMIN)
    assert admin.role == "admin"
    auth.create_user(store, SYSTEM, "pack1", "packer-pass", Role.PACKER)
    packer = auth.login(store, "pack1", "packer-pass")
    assert packer.can(Permission.PACK) and packer.can(Permission.PII_VIEW)
    assert not packer.can(Permission.FINANCE)
    with pytest.raises(PermissionDenied):
        auth.create_user(store, packer, "eve", "whatever-pass", Role.ADMIN)
    with pytest.raises(PermissionDenied):
        auth.list_users(store, packer)
    with pytest.raises(PermissionDenied):
        auth.change_password(store, packer, "admin", "new-password")
    auth.change_password(store, packer, "pack1", "new-password")  # one's own is fine
    assert auth.login(store, "pack1", "new-password").username == "pack1"


def test_short_password_and_duplicate_user(store: Store) -> None:
    auth.create_user(store, None, "admin", "s3cret-pass", Role.ADMIN)
    with pytest.raises(DomainError) as info:
        auth.create_user(store, SYSTEM, "x", "short", Role.CLERK)
    assert info.value.code is ErrorCode.PASSWORD_TOO_SHORT
    with pytest.raises(DomainError) as info:
        auth.create_user(store, SYSTEM, "admin", "another-pass", Role.CLERK)
    assert info.value.code is ErrorCode.USER_EXISTS


def test_old_parameters_are_rehashed_on_login(store: Store) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with store.write() as s:
        from ecerp_desktop.domain.timeutil import utcnow

        user_store.add(s, "old", "old", weak.hash("legacy-pass"), "clerk", utcnow())
    auth.login(store, "old", "legacy-pass")
    with store.read() as s:
        rec = user_store.by_username(s, "old")
    assert rec is not None and not PasswordHasher().check_needs_rehash(rec.password_hash)


def test_disabled_user_cannot_log_in(store: Store) -> None:
    user = auth.create_user(store, None, "admin", "s3cret-pass", Role.ADMIN)
    with store.write() as s:
        user_store.set_active(s, user.id, False)
    with pytest.raises(DomainError) as info:
        auth.login(store, "admin", "s3cret-pass")
    assert info.value.code is ErrorCode.USER_DISABLED


def test_audit_chain_detects_an_edited_row(store: Store) -> None:
    auth.create_user(store, None, "admin", "s3cret-pass", Role.ADMIN)
    auth.login(store, "admin", "s3cret-pass")
    auth.login(store, "admin", "s3cret-pass")
    with store.read() as s:
        assert audit_store.verify_chain(s) is None
        entries = audit_store.recent(s)
    assert [e.action for e in entries] == ["user.login", "user.login", "user.create"]
    from ecerp_desktop.store.schema import AuditRow

    with store.write() as s:
        row = s.get(AuditRow, entries[1].id)
        assert row is not None
        row.username = "someone-else"
    with store.read() as s:
        assert audit_store.verify_chain(s) == entries[1].id


def test_masking() -> None:
    assert mask_phone("13812340000") == "138****0000"
    assert mask_phone("") == ""
