"""Fixtures for the printing tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from printing_support import RawPrinter


@pytest.fixture
def raw_printer() -> Iterator[RawPrinter]:
    p = RawPrinter()
    yield p
    p.close()


@pytest.fixture
def dead_port() -> int:
    """A local port where nothing listens (a printer that is switched off)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
