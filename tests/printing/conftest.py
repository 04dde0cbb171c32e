"""Fixtures for the printing tests: a real TCP listener standing in for a 9100 printer."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest


class RawPrinter:
    """A TCP server on 127.0.0.1 that stores the bytes of each connection (one job each)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.jobs: list[bytes] = []
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def target(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                chunks = []
                while True:
                    b = conn.recv(65536)
                    if not b:
                        break
                    chunks.append(b)
            with self._lock:
                self.jobs.append(b"".join(chunks))
                self._done.notify_all()

    def wait_jobs(self, n: int, timeout: float = 10.0) -> list[bytes]:
        with self._lock:
            self._done.wait_for(lambda: len(self.jobs) >= n, timeout)
            return list(self.jobs)

    @property
    def data(self) -> bytes:
        with self._lock:
            return b"".join(self.jobs)

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()


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
