"""Transports against real endpoints: a TCP listener, a pty pair, files, a stand-in lp."""

from __future__ import annotations

import os
import socket
import struct
import threading
import tty

import pytest
from ecerp_desktop.domain.errors import ErrorCode
from ecerp_desktop.printing.transports import (
    CupsTransport,
    FileTransport,
    PrinterUnreachable,
    SendInterrupted,
    SerialTransport,
    TcpTransport,
    WindowsSpoolerTransport,
    discover,
    open_transport,
)

JOB = b"^XA^FO10,10^A0N,30,30^FDhello^FS^XZ\n"


def test_target_strings_parse() -> None:
    t = open_transport("tcp://10.0.0.5")
    assert isinstance(t, TcpTransport) and (t.host, t.port) == ("10.0.0.5", 9100)
    assert open_transport("tcp://h:6101").port == 6101
    s = open_transport("serial:///dev/ttyUSB0?baud=115200")
    assert isinstance(s, SerialTransport) and (s.port, s.baudrate) == ("/dev/ttyUSB0", 115200)
    assert open_transport("serial:COM5").port == "COM5"
    assert isinstance(open_transport("cups://Zebra_ZD421"), CupsTransport)
    w = open_transport("win://ZDesigner GK888t (EPL)")
    assert isinstance(w, WindowsSpoolerTransport) and w.queue == "ZDesigner GK888t (EPL)"
    assert isinstance(open_transport("/tmp/x.zpl"), FileTransport)
    assert isinstance(open_transport("file:///tmp/x.zpl"), FileTransport)


def test_tcp_delivers_the_exact_bytes(raw_printer) -> None:
    open_transport(raw_printer.target).send(JOB * 3)
    assert raw_printer.wait_jobs(1) == [JOB * 3]


def test_printer_off_is_a_clear_unreachable_error(dead_port) -> None:
    with pytest.raises(PrinterUnreachable) as e:
        TcpTransport("127.0.0.1", dead_port, connect_timeout=1).send(JOB)
    assert e.value.code is ErrorCode.PRINTER_UNREACHABLE
    assert e.value.params["error"] == "connection refused"
    assert e.value.params["printer"] == f"tcp://127.0.0.1:{dead_port}"


def test_connection_dropped_mid_job_is_an_interruption() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def reset_after_first_read() -> None:
        conn, _ = server.accept()
        conn.recv(1024)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()  # RST: the printer went away mid-job

    t = threading.Thread(target=reset_after_first_read)
    t.start()
    with pytest.raises(SendInterrupted) as e:
        TcpTransport("127.0.0.1", port, send_timeout=5).send(b"x" * 50_000_000)
    t.join()
    server.close()
    assert e.value.code is ErrorCode.PRINT_SEND_INTERRUPTED


def test_serial_printer_on_a_pty_pair() -> None:
    master, slave = os.openpty()
    tty.setraw(master)
    try:
        SerialTransport(os.ttyname(slave), 9600).send(JOB)
        got = b""
        while len(got) < len(JOB):
            got += os.read(master, 4096)
        assert got == JOB
    finally:
        os.close(master)
        os.close(slave)


def test_missing_serial_port_is_unreachable(tmp_path) -> None:
    with pytest.raises(PrinterUnreachable):
        SerialTransport(str(tmp_path / "ttyNOPE")).send(JOB)


def test_file_transport_writes_whole_files_only(tmp_path) -> None:
    out = tmp_path / "labels.zpl"
    open_transport(str(out)).send(JOB)
    assert out.read_bytes() == JOB
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(PrinterUnreachable):
        open_transport(str(tmp_path / "nope" / "x.zpl")).send(JOB)


@pytest.fixture
def fake_lp(tmp_path, monkeypatch):
    """A stand-in for the CUPS lp command (a system tool, not our code) on PATH."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "lp.log"
    script = bindir / "lp"
    script.write_text(f"""#!/bin/sh
if [ "$2" = "offline" ]; then echo "lp: The printer or class does not exist." >&2; exit 1; fi
echo "$@" > {log}
cat > {log}.data
""")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
    return log


def test_cups_sends_raw_through_lp(fake_lp) -> None:
    CupsTransport("Zebra_ZD421").send(JOB, "waybill 7")
    assert fake_lp.read_text().split() == ["-d", "Zebra_ZD421", "-t", "waybill", "7", "-o",
                                           "raw"]
    assert fake_lp.with_suffix(".log.data").read_bytes() == JOB
    with pytest.raises(PrinterUnreachable) as e:
        CupsTransport("offline").send(JOB)
    assert "does not exist" in e.value.params["error"]


def test_windows_spooler_refuses_politely_elsewhere() -> None:
    with pytest.raises(PrinterUnreachable) as e:
        WindowsSpoolerTransport("ZDesigner").send(JOB)
    assert "Windows" in e.value.params["error"]


def test_discovery_never_fails() -> None:
    for p in discover():
        assert p.target and p.via in {"cups", "windows", "serial"}


class _WinError(Exception):
    def __init__(self, winerror: int, strerror: str) -> None:
        super().__init__(winerror, strerror)
        self.winerror, self.strerror = winerror, strerror


class _FakeWin32Print:
    """Stands in for pywin32's win32print (Windows-only, third-party; its method names are
    pywin32's): records the calls."""

    PRINTER_ENUM_LOCAL, PRINTER_ENUM_CONNECTIONS = 2, 4

    def __init__(self, status: int = 0, datatype: str = "RAW", refuse_raw: bool = False):
        self.calls: list[tuple] = []
        self.status, self.datatype, self.refuse_raw = status, datatype, refuse_raw

    def OpenPrinter(self, name):
        self.calls.append(("OpenPrinter", name))
        return "h"

    def GetPrinter(self, h, level):
        return {"Status": self.status, "Attributes": 0, "pDatatype": self.datatype}

    def StartDocPrinter(self, h, level, info):
        self.calls.append(("StartDocPrinter", info[2]))
        if self.refuse_raw and info[2] == "RAW":
            raise _WinError(1804, "The specified datatype is invalid.")

    def StartPagePrinter(self, h):
        self.calls.append(("StartPagePrinter",))

    def WritePrinter(self, h, data):
        self.calls.append(("WritePrinter", data))

    def EndPagePrinter(self, h):
        self.calls.append(("EndPagePrinter",))

    def EndDocPrinter(self, h):
        self.calls.append(("EndDocPrinter",))

    def ClosePrinter(self, h):
        self.calls.append(("ClosePrinter",))


@pytest.fixture
def fake_windows(monkeypatch):
    import sys
    import types

    def install(**kw):
        fake = _FakeWin32Print(**kw)
        monkeypatch.setattr(sys, "platform", "win32")
        monkeypatch.setitem(sys.modules, "win32print", fake)
        monkeypatch.setitem(sys.modules, "pywintypes", types.SimpleNamespace(error=_WinError))
        return fake
    return install


def test_windows_spooler_raw_sequence(fake_windows) -> None:
    fake = fake_windows()
    WindowsSpoolerTransport("ZDesigner GK888t").send(JOB, "waybill 1")
    assert [c[0] for c in fake.calls] == ["OpenPrinter", "StartDocPrinter", "StartPagePrinter",
                                          "WritePrinter", "EndPagePrinter", "EndDocPrinter",
                                          "ClosePrinter"]
    assert ("StartDocPrinter", "RAW") in fake.calls and ("WritePrinter", JOB) in fake.calls


def test_windows_driver_refusing_raw_gets_xps_pass(fake_windows) -> None:
    fake = fake_windows(refuse_raw=True)
    WindowsSpoolerTransport("v4 driver").send(JOB)
    assert [c for c in fake.calls if c[0] == "StartDocPrinter"] == [
        ("StartDocPrinter", "RAW"), ("StartDocPrinter", "XPS_PASS")]
    assert ("WritePrinter", JOB) in fake.calls


def test_windows_offline_printer_is_unreachable_before_a_byte(fake_windows) -> None:
    fake = fake_windows(status=0x80 | 0x10)
    with pytest.raises(PrinterUnreachable) as e:
        WindowsSpoolerTransport("ZDesigner").send(JOB)
    assert e.value.params["error"] == "out of paper, offline"
    assert not any(c[0] == "WritePrinter" for c in fake.calls)
    assert fake.calls[-1] == ("ClosePrinter",)


def test_cups_discovery_lists_queues(tmp_path, monkeypatch) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "lpstat").write_text("#!/bin/sh\necho Zebra_ZD421\necho Office_Laser\n")
    (bindir / "lpstat").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
    found = [p for p in discover() if p.via == "cups"]
    assert [(p.name, p.target) for p in found] == [("Zebra_ZD421", "cups://Zebra_ZD421"),
                                                   ("Office_Laser", "cups://Office_Laser")]


def test_system_pdf_printing_goes_through_the_hook_the_ui_installs() -> None:
    from ecerp_desktop.printing.transports import set_system_pdf_printer

    t = open_transport("system://HP LaserJet")
    with pytest.raises(PrinterUnreachable):
        t.send(b"%PDF-1.4")
    got: list[tuple[str, bytes, str]] = []
    set_system_pdf_printer(lambda q, data, name: got.append((q, data, name)))
    try:
        t.send(b"%PDF-1.4", "packing 3")
    finally:
        set_system_pdf_printer(None)
    assert got == [("HP LaserJet", b"%PDF-1.4", "packing 3")]
