"""Fake devices on real pty pairs: the code under test opens a real /dev/pts path."""

from __future__ import annotations

import os
import queue
import time
import tty
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ecerp_desktop.devices.events import DeviceEvent


class FakePort:
    """One end of a pty pair played by the test; ``link`` is the stable path the station
    is configured with (like /dev/serial/by-id/...), re-pointed when the device is replugged."""

    def __init__(self, link: Path) -> None:
        self.link = link
        self.master = -1
        self.slave = -1
        self.plug()

    def plug(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tmp = self.link.with_suffix(".new")
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(os.ttyname(self.slave))
        tmp.replace(self.link)

    def unplug(self) -> None:
        self.link.unlink(missing_ok=True)
        for fd in (self.master, self.slave):
            if fd >= 0:
                os.close(fd)
        self.master = self.slave = -1

    def play(self, data: bytes, baud: int = 9600) -> None:
        """Write *data* at roughly the line's speed (10 bits a byte), a few bytes at a time."""
        step = 8
        for i in range(0, len(data), step):
            chunk = data[i:i + step]
            os.write(self.master, chunk)
            time.sleep(len(chunk) * 10 / baud)

    def read_command(self, timeout: float = 2.0) -> bytes:
        import select

        r, _, _ = select.select([self.master], [], [], timeout)
        return os.read(self.master, 256) if r else b""


@pytest.fixture
def fake_port(tmp_path: Path) -> Iterator[FakePort]:
    port = FakePort(tmp_path / "ttyFAKE")
    yield port
    port.unplug()


@pytest.fixture
def plug_port() -> Iterator[Callable[[Path], FakePort]]:
    """Plug a fake device in later, at a path chosen by the test."""
    ports: list[FakePort] = []

    def plug(link: Path) -> FakePort:
        ports.append(FakePort(link))
        return ports[-1]

    yield plug
    for p in ports:
        p.unplug()


class Events:
    """Collects device events from the worker thread (a real queue, as the app uses)."""

    def __init__(self) -> None:
        self.q: queue.Queue[DeviceEvent] = queue.Queue()
        self.seen: list[DeviceEvent] = []

    def put(self, ev: DeviceEvent) -> None:
        self.q.put(ev)

    def wait_for(self, kind: type, count: int = 1, timeout: float = 5.0) -> list:
        found: list = []
        deadline = time.monotonic() + timeout
        while len(found) < count:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {count} {kind.__name__}; "
                                     f"got {self.seen!r}")
            try:
                ev = self.q.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(ev)
            if isinstance(ev, kind):
                found.append(ev)
        return found


@pytest.fixture
def events() -> Events:
    return Events()
