"""The real worker thread against scales and scanners played on pty pairs."""

from __future__ import annotations

import dataclasses
import threading
import time
from decimal import Decimal

from ecerp_desktop.devices.events import (
    CodeScanned,
    Connected,
    Disconnected,
    LatestWeight,
    Silent,
    WeightRead,
)
from ecerp_desktop.devices.profiles import load_profiles
from ecerp_desktop.devices.serial_worker import scale_worker, scanner_worker

PROFILES = load_profiles()
FAST = {"reconnect_interval_s": 0.05, "read_timeout_s": 0.02}


def test_st_gs_scale_readings_unplug_and_replug(fake_port, events) -> None:
    worker = scale_worker(PROFILES.scales["generic-st-gs"], str(fake_port.link), events.put,
                          **FAST).start()
    try:
        events.wait_for(Connected)
        fake_port.play(b"US,GS,+  1.240kg\r\nUS,GS,+  1.236kg\r\nST,GS,+  1.234kg\r\n", 9600)
        readings = [e.reading for e in events.wait_for(WeightRead, 3)]
        assert [(r.grams_int, r.usable) for r in readings] == [
            (1240, False), (1236, False), (1234, True)]

        fake_port.unplug()  # the USB cable is pulled
        (gone,) = events.wait_for(Disconnected)
        assert gone.device == "scale" and gone.port == str(fake_port.link)
        assert not worker.connected and worker.alive

        fake_port.plug()  # … and plugged back in (a new tty behind the same by-id link)
        events.wait_for(Connected)
        fake_port.play(b"ST,GS,+  0.750kg\r\n", 9600)
        (again,) = events.wait_for(WeightRead)
        assert again.reading.usable and again.reading.grams == Decimal("750.000")
    finally:
        worker.stop()
    assert not worker.alive


def test_port_missing_at_start_then_appears(tmp_path, events, plug_port) -> None:
    link = tmp_path / "ttyLATE"
    worker = scale_worker(PROFILES.scales["equals-reversed"], str(link), events.put,
                          **FAST).start()
    try:
        (missing,) = events.wait_for(Disconnected)
        assert "ttyLATE" in missing.reason
        port = plug_port(link)
        events.wait_for(Connected)
        port.play(b"=0432.1" * 7)
        readings = [e.reading for e in events.wait_for(WeightRead, 6)]
        assert [r.usable for r in readings] == [False] * 4 + [True] * 2
        assert readings[-1].grams_int == 1234
    finally:
        worker.stop()


def test_sics_scale_is_polled_and_only_stable_weight_is_usable(fake_port, events) -> None:
    profile = dataclasses.replace(PROFILES.scales["mettler-toledo-sics"], poll_interval_s=0.03)
    replies = [b"S D     0.812 kg\r\n", b"S I\r\n", b"S S     0.800 kg\r\n"]
    commands: list[bytes] = []

    def balance() -> None:  # answers each SI with the next scripted reply
        buf = b""
        while replies:
            buf += fake_port.read_command(2.0)
            while b"\r\n" in buf and replies:
                cmd, buf = buf.split(b"\r\n", 1)
                commands.append(cmd)
                fake_port.play(replies.pop(0), 9600)

    weight = LatestWeight()

    def both(ev) -> None:
        events.put(ev)
        weight.on_event(ev)

    t = threading.Thread(target=balance, daemon=True)
    t.start()
    worker = scale_worker(profile, str(fake_port.link), both, **FAST).start()
    try:
        stable = weight.wait_usable(5.0)
        assert stable is not None and stable.grams_int == 800
        readings = [e.reading for e in events.wait_for(WeightRead, 3)]
        assert [(r.grams_int, r.stable, r.status.value) for r in readings] == [
            (812, False, "ok"), (None, False, "busy"), (800, True, "ok")]
        assert set(commands) == {b"SI"}
    finally:
        worker.stop()
        t.join(2)


def test_toledo_8217_at_7e1_answers_w(fake_port, events) -> None:
    profile = dataclasses.replace(PROFILES.scales["toledo-8217"], poll_interval_s=0.03)
    worker = scale_worker(profile, str(fake_port.link), events.put, **FAST).start()
    try:
        events.wait_for(Connected)
        assert fake_port.read_command().startswith(b"W")
        fake_port.play(b"\x02?A\r\x02  2.345\r", 9600)
        readings = [e.reading for e in events.wait_for(WeightRead, 2)]
        assert [(r.grams_int, r.usable) for r in readings] == [(None, False), (2345, True)]
    finally:
        worker.stop()


def test_send_queues_commands_for_the_device(fake_port, events) -> None:
    worker = scale_worker(PROFILES.scales["generic-st-gs"], str(fake_port.link), events.put,
                          **FAST).start()
    try:
        events.wait_for(Connected)
        worker.send(b"MZ\r\n")  # zero the scale
        assert fake_port.read_command() == b"MZ\r\n"
    finally:
        worker.stop()


def test_silent_scale_is_reported_and_old_weight_forgotten(fake_port, events) -> None:
    weight = LatestWeight()

    def both(ev) -> None:
        events.put(ev)
        weight.on_event(ev)

    worker = scale_worker(PROFILES.scales["generic-st-gs"], str(fake_port.link), both,
                          silent_after_s=0.2, **FAST).start()
    try:
        events.wait_for(Connected)
        fake_port.play(b"ST,GS,+  1.000kg\r\n")
        events.wait_for(WeightRead)
        assert weight.latest() is not None and weight.connected
        (silent,) = events.wait_for(Silent)
        assert silent.seconds >= 0.2
        assert weight.latest() is None and weight.wait_usable(0.05) is None
    finally:
        worker.stop()


def test_serial_scanner_lines_become_codes(fake_port, events) -> None:
    profile = PROFILES.scanners["honeywell-rs232"]
    worker = scanner_worker(profile, str(fake_port.link), events.put, **FAST).start()
    try:
        events.wait_for(Connected)
        time.sleep(worker.SETTLE_S)  # a person scans well after the port opened
        start = time.monotonic()
        fake_port.play(b"SF1234567890\r\n\r\n6901234567892\r\n" + "ＡＢ１２\r\n".encode(), 115200)
        codes = [e.code for e in events.wait_for(CodeScanned, 3)]
        assert codes == ["SF1234567890", "6901234567892", "AB12"]
        assert time.monotonic() - start < 2
    finally:
        worker.stop()
    assert not worker.alive


def test_scanner_opened_mid_line_drops_the_cut_code(fake_port, events) -> None:
    fake_port.play(b"SF12345")  # the scanner is sending while the station starts
    worker = scanner_worker(PROFILES.scanners["serial-9600-cr"], str(fake_port.link),
                            events.put, **FAST).start()
    try:
        events.wait_for(Connected)
        fake_port.play(b"67890\rYT000111\r")
        assert [e.code for e in events.wait_for(CodeScanned)] == ["YT000111"]
    finally:
        worker.stop()
