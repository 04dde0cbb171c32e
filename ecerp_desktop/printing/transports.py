"""Getting a job's bytes to a printer: raw TCP 9100, serial, CUPS ``lp -o raw``, the
Windows spooler (RAW, or XPS_PASS for drivers that refuse RAW), a file, and — through a
hook the Qt UI installs — a PDF to a system printer via its driver.

A target is a string, so it can be stored with a printer and typed on the command line:

    tcp://192.168.1.50[:9100]     serial:///dev/ttyUSB0?baud=9600   serial:COM5
    cups://Zebra_ZD421            win://ZDesigner GK888t (EPL)      system://HP LaserJet
    file:///tmp/labels.zpl        /tmp/labels.zpl                   labels.pdf

Failures are coded errors that say what the user must know: ``PrinterUnreachable`` (the
printer is off, unplugged or not there: nothing was sent, the job may be retried) or
``SendInterrupted`` (the connection broke mid-job: the label may be partly printed, so
only the user may decide to print it again).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from ecerp_desktop.domain.errors import DomainError, ErrorCode

DEFAULT_PORT = 9100
CONNECT_TIMEOUT_S = 3.0
SEND_TIMEOUT_S = 15.0


class PrinterUnreachable(DomainError):
    """Nothing was sent: the printer is off, unplugged, or the address is wrong."""

    def __init__(self, printer: str, error: str) -> None:
        super().__init__(ErrorCode.PRINTER_UNREACHABLE, printer=printer, error=error)


class SendInterrupted(DomainError):
    """Some bytes may have reached the printer before the connection broke."""

    def __init__(self, printer: str, error: str) -> None:
        super().__init__(ErrorCode.PRINT_SEND_INTERRUPTED, printer=printer, error=error)


class Transport(Protocol):
    target: str

    def send(self, data: bytes, job_name: str = "ecerp") -> None: ...


# --- raw TCP (JetDirect / port 9100) --------------------------------------------------------

@dataclass
class TcpTransport:
    host: str
    port: int = DEFAULT_PORT
    connect_timeout: float = CONNECT_TIMEOUT_S
    send_timeout: float = SEND_TIMEOUT_S

    @property
    def target(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def send(self, data: bytes, job_name: str = "ecerp") -> None:
        try:
            sock = socket.create_connection((self.host, self.port), self.connect_timeout)
        except OSError as exc:
            raise PrinterUnreachable(self.target, _reason(exc)) from None
        try:
            sock.settimeout(self.send_timeout)
            try:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)  # the printer sees the end of the job
            except OSError as exc:
                raise SendInterrupted(self.target, _reason(exc)) from None
        finally:
            sock.close()


def _reason(exc: OSError) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "no answer (timed out)"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return exc.strerror or exc.__class__.__name__


# --- serial ------------------------------------------------------------------------------

@dataclass
class SerialTransport:
    port: str
    baudrate: int = 9600
    write_timeout: float = SEND_TIMEOUT_S

    @property
    def target(self) -> str:
        return f"serial:{self.port}?baud={self.baudrate}"

    def send(self, data: bytes, job_name: str = "ecerp") -> None:
        import serial  # pyserial

        try:
            # serial_for_url also takes loop://, socket://host:port and rfc2217:// URLs
            port = serial.serial_for_url(self.port, baudrate=self.baudrate, timeout=1,
                                         write_timeout=self.write_timeout)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PrinterUnreachable(self.target, str(exc)) from None
        try:
            try:
                port.write(data)
                port.flush()
            except (serial.SerialException, OSError) as exc:
                raise SendInterrupted(self.target, str(exc)) from None
        finally:
            port.close()


# --- file --------------------------------------------------------------------------------

@dataclass
class FileTransport:
    path: Path

    @property
    def target(self) -> str:
        return str(self.path)

    def send(self, data: bytes, job_name: str = "ecerp") -> None:
        if not self.path.parent.is_dir():
            raise PrinterUnreachable(self.target, "the folder does not exist")
        tmp = self.path.with_name(self.path.name + ".part")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, self.path)  # never a half-written file under the real name
        except OSError as exc:
            raise PrinterUnreachable(self.target, exc.strerror or str(exc)) from None


# --- CUPS (Linux, macOS) -----------------------------------------------------------------

@dataclass
class CupsTransport:
    queue: str
    timeout: float = SEND_TIMEOUT_S

    @property
    def target(self) -> str:
        return f"cups://{self.queue}"

    def send(self, data: bytes, job_name: str = "ecerp") -> None:
        lp = shutil.which("lp")
        if lp is None:
            raise PrinterUnreachable(self.target, "the CUPS command lp is not installed")
        try:
            done = subprocess.run([lp, "-d", self.queue, "-t", job_name, "-o", "raw"],
                                  input=data, capture_output=True, timeout=self.timeout,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PrinterUnreachable(self.target, str(exc)) from None
        if done.returncode != 0:
            # lp either queued the whole job or nothing: it reads all input first
            raise PrinterUnreachable(self.target, done.stderr.decode("utf-8", "replace").strip()
                                     or f"lp exited with {done.returncode}")


# --- Windows spooler -----------------------------------------------------------------------

# GetPrinter(h, 2)["Status"] bits that mean "this will not print now" (winspool.h)
_WIN_BAD_STATUS = {0x2: "error", 0x8: "paper jam", 0x10: "out of paper", 0x80: "offline",
                   0x400000: "door open", 0x1000: "not available", 0x40000: "out of toner"}
_WIN_ATTRIBUTE_WORK_OFFLINE = 0x400
_ERROR_INVALID_DATATYPE = 1804


@dataclass
class WindowsSpoolerTransport:
    queue: str

    @property
    def target(self) -> str:
        return f"win://{self.queue}"

    def send(self, data: bytes, job_name: str = "ecerp") -> None:
        if sys.platform != "win32":
            raise PrinterUnreachable(self.target, "the Windows spooler exists on Windows only")
        try:
            import pywintypes  # type: ignore[import-not-found]
            import win32print  # type: ignore[import-not-found]
        except ImportError:
            raise PrinterUnreachable(self.target, "pywin32 is not installed") from None
        try:
            h = win32print.OpenPrinter(self.queue)
        except pywintypes.error as exc:
            raise PrinterUnreachable(self.target, str(exc.strerror)) from None
        try:
            # OpenPrinter succeeds on the queue even when the device is unplugged: ask first
            info = win32print.GetPrinter(h, 2)
            status = int(info.get("Status", 0))
            bad = [text for bit, text in _WIN_BAD_STATUS.items() if status & bit]
            if int(info.get("Attributes", 0)) & _WIN_ATTRIBUTE_WORK_OFFLINE:
                bad.append("set to use the printer offline")
            if bad:
                raise PrinterUnreachable(self.target, ", ".join(bad))
            datatype = "XPS_PASS" if info.get("pDatatype") == "XPS_PASS" else "RAW"
            try:
                win32print.StartDocPrinter(h, 1, (job_name, None, datatype))
            except pywintypes.error as exc:
                if exc.winerror != _ERROR_INVALID_DATATYPE or datatype == "XPS_PASS":
                    raise PrinterUnreachable(self.target, str(exc.strerror)) from None
                # v4 / XPS drivers refuse RAW; XPS_PASS hands the bytes through unchanged
                win32print.StartDocPrinter(h, 1, (job_name, None, "XPS_PASS"))
            try:
                win32print.StartPagePrinter(h)
                win32print.WritePrinter(h, data)
                win32print.EndPagePrinter(h)
            except pywintypes.error as exc:
                raise SendInterrupted(self.target, str(exc.strerror)) from None
            finally:
                win32print.EndDocPrinter(h)
        finally:
            win32print.ClosePrinter(h)


# --- PDF through the system driver (installed by the Qt UI) --------------------------------

SystemPdfPrinter = Callable[[str, bytes, str], None]
_system_pdf_printer: SystemPdfPrinter | None = None


def set_system_pdf_printer(fn: SystemPdfPrinter | None) -> None:
    """The UI installs a function (queue, pdf bytes, job name) that prints a PDF through
    Qt's print support (QPrinter); printing/ itself has no Qt."""
    global _system_pdf_printer
    _system_pdf_printer = fn


@dataclass
class SystemPdfTransport:
    queue: str

    @property
    def target(self) -> str:
        return f"system://{self.queue}"

    def send(self, data: bytes, job_name: str = "ecerp") -> None:
        if _system_pdf_printer is None:
            raise PrinterUnreachable(self.target, "printing a PDF through the system driver "
                                     "needs the desktop application")
        _system_pdf_printer(self.queue, data, job_name)


# --- parsing targets -----------------------------------------------------------------------

def open_transport(target: str, *, connect_timeout: float = CONNECT_TIMEOUT_S,
                   send_timeout: float = SEND_TIMEOUT_S) -> Transport:
    """The transport for a target string (see the module docstring)."""
    t = target.strip()
    scheme = t.split("://", 1)[0].lower() if "://" in t else ""
    if scheme == "tcp":
        u = urlsplit(t)
        if not u.hostname:
            raise DomainError(ErrorCode.NOT_FOUND, what="printer address", key=target)
        return TcpTransport(u.hostname, u.port or DEFAULT_PORT, connect_timeout, send_timeout)
    if scheme == "cups":
        return CupsTransport(unquote(t[7:]), send_timeout)
    if scheme == "win":
        return WindowsSpoolerTransport(unquote(t[6:]))
    if scheme == "system":
        return SystemPdfTransport(unquote(t[9:]))
    if scheme == "file":
        return FileTransport(Path(unquote(urlsplit(t).path)))
    if t.lower().startswith("serial:"):
        rest = t[7:]
        if rest.startswith("//"):
            rest = rest[2:]
        port, _, query = rest.partition("?")
        baud = int(parse_qs(query).get("baud", ["9600"])[0])
        return SerialTransport(port, baud, send_timeout)
    if scheme:
        raise DomainError(ErrorCode.NOT_FOUND, what="printer connection type", key=scheme)
    return FileTransport(Path(t))


# --- discovery -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DiscoveredPrinter:
    name: str
    target: str
    via: str  # cups, windows, serial
    detail: str = ""


def discover() -> list[DiscoveredPrinter]:
    """The printers the OS knows (CUPS queues, Windows printers) and serial ports.
    Anything that cannot be asked is skipped; this never fails."""
    found: list[DiscoveredPrinter] = []
    lpstat = shutil.which("lpstat")
    if lpstat:
        try:
            out = subprocess.run([lpstat, "-e"], capture_output=True, timeout=5, check=False)
            for name in out.stdout.decode("utf-8", "replace").split():
                found.append(DiscoveredPrinter(name, f"cups://{name}", "cups"))
        except (OSError, subprocess.TimeoutExpired):
            pass
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            import win32print  # type: ignore[import-not-found]

            flags = win32print.PRINTER_ENUM_LOCAL | win32print.PRINTER_ENUM_CONNECTIONS
            for p in win32print.EnumPrinters(flags, None, 2):
                found.append(DiscoveredPrinter(p["pPrinterName"], f"win://{p['pPrinterName']}",
                                               "windows", f"{p['pDriverName']} on {p['pPortName']}"))
        except Exception:  # discovery is best effort
            pass
    try:
        from serial.tools import list_ports

        for port in list_ports.comports():
            found.append(DiscoveredPrinter(port.device, f"serial:{port.device}", "serial",
                                           port.description or ""))
    except Exception:
        pass
    return found
