"""Helpers the command modules share: opening the store, acting as the system user."""

from __future__ import annotations

import argparse

from ecerp_desktop.services.setup import open_store
from ecerp_desktop.store import Store


def store_from(args: argparse.Namespace, *, upgrade: bool = True) -> Store:
    """The database named by ``--db`` (or the environment, or the default file)."""
    return open_store(args.db, upgrade=upgrade)
