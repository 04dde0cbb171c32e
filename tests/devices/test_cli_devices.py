"""``ecerp devices``: listing and watching a scale / serial scanner played on a pty."""

from __future__ import annotations

import threading

from ecerp_desktop.cli.main import main


def stream_until(port, data: bytes, stop: threading.Event) -> threading.Thread:
    """A continuous-output device: repeats *data* until told to stop (or unplugged)."""
    def run() -> None:
        while not stop.is_set():
            try:
                port.play(data)
            except OSError:
                return
            stop.wait(0.02)
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_list_shows_profiles_ports_and_drivers(capsys) -> None:
    assert main(["devices", "list"]) == 0
    out = capsys.readouterr().out
    assert "toledo-8217" in out and "9600 7E1" in out and "wedge-default" in out
    assert "Broken profiles" not in out and "equals_reversed" in out


def test_test_scale_prints_readings_with_stable_flag(capsys, fake_port) -> None:
    stop = threading.Event()
    t = stream_until(fake_port, b"US,GS,+  2.510kg\r\nST,GS,+  2.500kg\r\n", stop)
    try:
        assert main(["devices", "test-scale", "--profile", "generic-st-gs", "--port",
                     str(fake_port.link), "--count", "2", "--seconds", "10"]) == 0
    finally:
        stop.set()
        t.join(2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("connected: ")
    readings = [line.split()[:3] for line in lines[1:]]
    assert len(readings) == 2
    assert all(r in (["2500", "g", "STABLE"], ["2510", "g", "moving"]) for r in readings)


def test_test_scanner_prints_codes(capsys, fake_port) -> None:
    stop = threading.Event()
    t = stream_until(fake_port, b"SF1234567890\r", stop)
    try:
        assert main(["devices", "test-scanner", "--profile", "serial-9600-cr", "--port",
                     str(fake_port.link), "--count", "1", "--seconds", "10"]) == 0
    finally:
        stop.set()
        t.join(2)
    assert capsys.readouterr().out.splitlines()[1] == "SF1234567890"


def test_unknown_profile_is_one_line(capsys) -> None:
    assert main(["devices", "test-scale", "--profile", "nope", "--port", "COM1"]) == 2
    assert "no scale profile 'nope'" in capsys.readouterr().err
    assert main(["devices", "test-scanner", "--profile", "wedge-default", "--port", "COM1"]) == 2


def test_missing_port_reports_and_stops(capsys, tmp_path) -> None:
    assert main(["devices", "test-scale", "--profile", "generic-st-gs", "--port",
                 str(tmp_path / "ttyNONE"), "--seconds", "0.3"]) == 0
    assert "not connected:" in capsys.readouterr().out
