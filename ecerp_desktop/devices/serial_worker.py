"""One I/O thread per serial device (scale or scanner): open, read, decode, report, reconnect.

pyserial is used from this thread only (as Electrum does for hidapi: device libraries are
not thread-safe). The thread opens the port with ``serial.serial_for_url`` (so ``loop://``
and ``socket://`` work for tests and network adapters), drains everything the device sends
through the profile's decoder, polls request/response scales, and reports ``DeviceEvent``s
through a callback that must be thread-safe (``queue.put``, or the Qt bridge's emit).
When the device is unplugged the thread reports ``Disconnected`` and retries until it is
back; ``stop()`` ends it within one read timeout.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Protocol

import serial

from ecerp_desktop.devices.events import (
    CodeScanned,
    Connected,
    DeviceEvent,
    Disconnected,
    Silent,
    WeightRead,
)
from ecerp_desktop.devices.profiles import ScaleProfile, ScannerProfile, SerialSettings
from ecerp_desktop.devices.scale_protocols import ScaleReading

log = logging.getLogger(__name__)

_PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD,
           "M": serial.PARITY_MARK, "S": serial.PARITY_SPACE}
_STOPBITS = {1: serial.STOPBITS_ONE, 1.5: serial.STOPBITS_ONE_POINT_FIVE,
             2: serial.STOPBITS_TWO}


class Decoder(Protocol):
    def feed(self, data: bytes) -> list[ScaleReading] | list[str]: ...
    def reset(self) -> None: ...


EventSink = Callable[[DeviceEvent], None]


def open_port(port: str, settings: SerialSettings, timeout: float) -> serial.SerialBase:
    """Open *port* (a device path, COMn, or a pyserial URL) with the profile's settings."""
    return serial.serial_for_url(
        port, baudrate=settings.baudrate, bytesize=settings.bytesize,
        parity=_PARITY[settings.parity], stopbits=_STOPBITS[settings.stopbits],
        rtscts=settings.rtscts, xonxoff=settings.xonxoff, timeout=timeout, write_timeout=1.0)


class SerialWorker:
    """The I/O thread of one serial device. Public methods may be called from any thread."""

    SETTLE_S = 0.1  # see _session: data this soon after opening may start mid-line

    def __init__(self, device: str, port: str, settings: SerialSettings, decoder: Decoder,
                 on_event: EventSink, *, poll: bytes = b"", poll_interval_s: float = 0.2,
                 reconnect_interval_s: float = 1.0, read_timeout_s: float = 0.05,
                 silent_after_s: float = 3.0) -> None:
        self.device = device
        self.port = port
        self.settings = settings
        self.poll = poll
        self.poll_interval_s = poll_interval_s
        self.reconnect_interval_s = reconnect_interval_s
        self.read_timeout_s = read_timeout_s
        self.silent_after_s = silent_after_s
        self._decoder = decoder
        self._emit = on_event
        self._outbox: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"device-{device}", daemon=True)

    # -- control (any thread)

    def start(self) -> SerialWorker:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def send(self, data: bytes) -> None:
        """Queue bytes for the device (zero, tare …); written by the device thread."""
        self._outbox.put(data)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    # -- the device thread

    def _run(self) -> None:
        last_error: str | None = None
        while not self._stop.is_set():
            try:
                port = open_port(self.port, self.settings, self.read_timeout_s)
            except (serial.SerialException, OSError, ValueError) as exc:
                reason = str(exc) or type(exc).__name__
                if reason != last_error:  # report each new failure once, not every second
                    self._emit(Disconnected(self.device, self.port, reason))
                    last_error = reason
                self._stop.wait(self.reconnect_interval_s)
                continue
            last_error = None
            try:
                self._session(port)
            except (serial.SerialException, OSError) as exc:
                reason = str(exc) or type(exc).__name__
                log.info("device %s on %s lost: %s", self.device, self.port, reason)
                last_error = reason
                self._connected.clear()
                self._emit(Disconnected(self.device, self.port, reason))
                self._stop.wait(self.reconnect_interval_s)
            finally:
                self._connected.clear()
                try:
                    port.close()
                except (serial.SerialException, OSError):
                    pass

    def _session(self, port: serial.SerialBase) -> None:
        port.reset_input_buffer()  # stale weights queued while nobody listened
        self._decoder.reset()
        self._connected.set()
        self._emit(Connected(self.device, self.port))
        next_poll = 0.0
        last_data = time.monotonic()
        # A device that was sending while the port opened leaves the tail of a line after
        # the flush: data this early may start mid-line and its first line is dropped
        # (half a code is worse than none; nobody scans within 0.1 s of a replug).
        settle_until = last_data + self.SETTLE_S
        resync = getattr(self._decoder, "resync", None)
        silent_reported = False
        while not self._stop.is_set():
            now = time.monotonic()
            while not self._outbox.empty():
                port.write(self._outbox.get_nowait())
            if self.poll and now >= next_poll:
                port.write(self.poll)
                next_poll = now + self.poll_interval_s
            data = port.read(max(1, port.in_waiting))
            if data:
                last_data, silent_reported = time.monotonic(), False
                if resync is not None and last_data < settle_until:
                    resync()
                resync = None
                for item in self._decoder.feed(data):
                    if isinstance(item, ScaleReading):
                        self._emit(WeightRead(self.device, item))
                    else:
                        self._emit(CodeScanned(self.device, item))
            elif not silent_reported and time.monotonic() - last_data > self.silent_after_s:
                silent_reported = True
                self._emit(Silent(self.device, round(time.monotonic() - last_data, 1)))


def scale_worker(profile: ScaleProfile, port: str, on_event: EventSink, *,
                 device: str = "scale", **kwargs: float) -> SerialWorker:
    """A (not yet started) worker for a scale described by *profile* on *port*."""
    return SerialWorker(device, port, profile.serial, profile.decoder(), on_event,
                        poll=profile.poll, poll_interval_s=profile.poll_interval_s,
                        **kwargs)  # type: ignore[arg-type]


def scanner_worker(profile: ScannerProfile, port: str, on_event: EventSink, *,
                   device: str = "scanner", **kwargs: float) -> SerialWorker:
    """A (not yet started) worker for a serial scanner described by *profile* on *port*."""
    if profile.serial is None:
        raise ValueError(f"scanner profile {profile.slug} is not a serial scanner")
    return SerialWorker(device, port, profile.serial, profile.line_decoder(), on_event,
                        **kwargs)  # type: ignore[arg-type]


def available_ports() -> list[tuple[str, str]]:
    """Serial ports this PC has now, as (device, description), for the settings page."""
    from serial.tools import list_ports

    try:
        return sorted((p.device, p.description or "") for p in list_ports.comports())
    except OSError:  # e.g. /dev not readable in a sandbox
        return []
