"""Devices of this station: printer, scale and scanner, with a live test.

The page lists the profiles from drivers/ (broken ones with their reason, never fatal),
saves the choices through services.devices (one setting per station), and tests the
devices live: a scan shows its code, a weight on the scale shows in grams with its stable
flag. Serial I/O runs on the device's own thread (devices.serial_worker); its events reach
the GUI thread through :class:`DeviceBridge` signals. The packing station reuses
``DeviceBridge`` and ``start_station_devices`` (scale and serial scanner threads, the
wedge profile applied to the app-wide ScannerFilter) the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QHideEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.devices.events import (
    CodeScanned,
    Connected,
    DeviceEvent,
    Disconnected,
    Silent,
    WeightRead,
)
from ecerp_desktop.devices.profiles import ProfileSet, ScaleProfile, ScannerProfile, load_profiles
from ecerp_desktop.devices.scale_protocols import ScaleReading, ScaleStatus
from ecerp_desktop.devices.serial_worker import (
    SerialWorker,
    available_ports,
    scale_worker,
    scanner_worker,
)
from ecerp_desktop.services import devices as station_devices
from ecerp_desktop.services.devices import StationDevices
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.ops import run_op
from ecerp_desktop.ui.scanner_filter import ScannerFilter, installed_filter, mark_scan_field


class DeviceBridge(QObject):
    """Device-thread events as Qt signals on the GUI thread (queued across threads).

    Pass ``bridge.deliver`` as a SerialWorker's callback; connect to the signals.
    """

    weightRead = Signal(str, object)        # device, ScaleReading
    codeScanned = Signal(str, str)          # device, code
    connectionChanged = Signal(str, bool, str)  # device, connected, detail
    _event = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._event.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)

    def deliver(self, event: DeviceEvent) -> None:
        """Any thread: hand one event to the GUI thread."""
        self._event.emit(event)

    def _dispatch(self, event: DeviceEvent) -> None:  # GUI thread
        if isinstance(event, WeightRead):
            self.weightRead.emit(event.device, event.reading)
        elif isinstance(event, CodeScanned):
            self.codeScanned.emit(event.device, event.code)
        elif isinstance(event, Connected):
            self.connectionChanged.emit(event.device, True, event.port)
        elif isinstance(event, Disconnected):
            self.connectionChanged.emit(event.device, False, event.reason)
        elif isinstance(event, Silent):
            self.connectionChanged.emit(event.device, True, f"silent {event.seconds}s")


def start_scale(profile: ScaleProfile, port: str, bridge: DeviceBridge) -> SerialWorker:
    """Start the scale's device thread; its readings arrive as ``bridge.weightRead``."""
    return scale_worker(profile, port, bridge.deliver).start()


def start_serial_scanner(profile: ScannerProfile, port: str,
                         bridge: DeviceBridge) -> SerialWorker:
    """Start a serial scanner's device thread; codes arrive as ``bridge.codeScanned``."""
    return scanner_worker(profile, port, bridge.deliver).start()


@dataclass
class RunningDevices:
    """The device threads of a station while a screen uses them (stop them when it hides)."""

    scale: SerialWorker | None = None
    scanner: SerialWorker | None = None

    def stop(self) -> None:
        for worker in (self.scale, self.scanner):
            if worker is not None:
                worker.stop()
        self.scale = self.scanner = None

    @property
    def running(self) -> bool:
        return self.scale is not None or self.scanner is not None


def start_station_devices(choice: StationDevices, profiles: ProfileSet, bridge: DeviceBridge,
                          scanner_filter: ScannerFilter | None = None) -> RunningDevices:
    """Start what *choice* names: the scale thread, a serial scanner thread, or the wedge
    settings on the app-wide *scanner_filter*. Readings and codes arrive on *bridge*
    (wedge scans on ``scanner_filter.scanned``). GUI thread. Missing profiles or ports are
    skipped: the station still works with what is there."""
    running = RunningDevices()
    scale = profiles.scales.get(choice.scale_profile)
    if scale is not None and choice.scale_port:
        running.scale = start_scale(scale, choice.scale_port, bridge)
    scanner = profiles.scanners.get(choice.scanner_profile)
    if scanner is not None and scanner.serial is not None and choice.scanner_port:
        running.scanner = start_serial_scanner(scanner, choice.scanner_port, bridge)
    elif scanner is not None and scanner.wedge is not None and scanner_filter is not None:
        scanner_filter.set_settings(scanner.wedge)
    return running


class DevicesPage(QWidget):
    """The devices of one station (default: this PC's name) and their live test."""

    def __init__(self, ctx: PageContext, parent: QWidget | None = None, *,
                 station: str | None = None, scanner_filter: ScannerFilter | None = None,
                 profiles: ProfileSet | None = None,
                 ports: Callable[[], list[tuple[str, str]]] = available_ports) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("devicesPage")
        self.station = station or station_devices.default_station_name()
        self.profiles = profiles or load_profiles()
        self._list_ports = ports
        # the app-wide filter from start-up; the page installs its own only when there is none
        self._shared_filter = scanner_filter or installed_filter()
        self._own_filter: ScannerFilter | None = None
        self._listening_shared = False
        self._running = RunningDevices()
        self.bridge = DeviceBridge(self)
        self.bridge.weightRead.connect(self._on_weight)
        self.bridge.codeScanned.connect(lambda _dev, code: self._on_scan(code))
        self.bridge.connectionChanged.connect(self._on_connection)

        layout = QVBoxLayout(self)
        layout.addWidget(self._choices_box())
        layout.addWidget(self._test_box())
        layout.addWidget(self._problems_box())
        layout.addStretch(1)
        self._load()

    # -- choices ------------------------------------------------------------------------
    def _choices_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Devices of station {station}").format(station=self.station))
        form = QFormLayout(box)
        none = self.tr("(none)")
        self.printer = QComboBox()
        self.printer.setObjectName("printer")
        self.printer.addItem(none, "")
        for slug, name in sorted(self.profiles.printers.items()):
            self.printer.addItem(name, slug)
        form.addRow(self.tr("Printer"), self.printer)

        self.scale = QComboBox()
        self.scale.setObjectName("scaleProfile")
        self.scale.addItem(none, "")
        for slug, p in sorted(self.profiles.scales.items()):
            self.scale.addItem(f"{p.name} ({p.serial.describe()})", slug)
        form.addRow(self.tr("Scale"), self.scale)
        self.scale_port = self._port_box("scalePort")
        form.addRow(self.tr("Scale port"), self.scale_port)

        self.scanner = QComboBox()
        self.scanner.setObjectName("scannerProfile")
        for slug, sp in sorted(self.profiles.scanners.items()):
            self.scanner.addItem(sp.name, slug)
        self.scanner.currentIndexChanged.connect(self._scanner_changed)
        form.addRow(self.tr("Scanner"), self.scanner)
        self.scanner_port = self._port_box("scannerPort")
        form.addRow(self.tr("Scanner port"), self.scanner_port)

        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("saveDevices")
        self.save_button.clicked.connect(self.save)
        self.save_result = QLabel()
        self.save_result.setObjectName("saveResult")
        self.save_result.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.save_button)
        row.addWidget(self.save_result, 1)
        form.addRow(row)
        return box

    def _port_box(self, name: str) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.setEditable(True)  # a port may not be plugged in yet, or be a socket:// URL
        box.addItem("", "")
        for device, description in self._ports():
            box.addItem(f"{device}", device)
            box.setItemData(box.count() - 1, description, Qt.ItemDataRole.ToolTipRole)
        return box

    def _ports(self) -> list[tuple[str, str]]:
        try:
            return self._list_ports()
        except Exception:  # listing ports must never break the page
            return []

    def _scanner_changed(self) -> None:
        profile = self.profiles.scanners.get(self.scanner.currentData() or "")
        self.scanner_port.setEnabled(profile is not None and profile.serial is not None)

    def _select(self, combo: QComboBox, slug: str, missing: str) -> None:
        i = combo.findData(slug)
        if i < 0 and slug:  # the saved profile is gone from drivers/: show it as missing
            combo.addItem(missing.format(slug=slug), slug)
            i = combo.count() - 1
        combo.setCurrentIndex(max(0, i))

    def _load(self) -> None:
        store, station = self.ctx.store, self.station
        run_op(lambda: station_devices.load_station_devices(store, station), owner=self,
               on_success=self._show_choice,
               on_failure=lambda e: self.save_result.setText(describe(e)))

    def _show_choice(self, choice: StationDevices) -> None:
        missing = self.tr("{slug} (missing profile)")
        self._select(self.printer, choice.printer, missing)
        self._select(self.scale, choice.scale_profile, missing)
        self._select(self.scanner, choice.scanner_profile, missing)
        self.scale_port.setEditText(choice.scale_port)
        self.scanner_port.setEditText(choice.scanner_port)
        self._scanner_changed()

    def current_choice(self) -> StationDevices:
        return StationDevices(
            self.station, printer=self.printer.currentData() or "",
            scale_profile=self.scale.currentData() or "",
            scale_port=self.scale_port.currentText().strip(),
            scanner_profile=self.scanner.currentData() or "",
            scanner_port=self.scanner_port.currentText().strip())

    def save(self) -> None:
        choice, store, actor, profiles = (self.current_choice(), self.ctx.store,
                                          self.ctx.actor, self.profiles)
        self.save_result.setText("")
        run_op(lambda: station_devices.save_station_devices(store, actor, choice, profiles),
               owner=self, on_success=lambda _c: self.save_result.setText(self.tr("Saved.")),
               on_failure=lambda e: self.save_result.setText(describe(e)))

    # -- live test ----------------------------------------------------------------------
    def _test_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Test"))
        lay = QVBoxLayout(box)
        row = QHBoxLayout()
        self.test_button = QPushButton(self.tr("Start test"))
        self.test_button.setObjectName("startTest")
        self.test_button.setCheckable(True)
        self.test_button.toggled.connect(self._toggle_test)
        row.addWidget(self.test_button)
        self.scan_field = QLineEdit()
        self.scan_field.setObjectName("scanField")
        self.scan_field.setPlaceholderText(self.tr("Click here and scan a barcode"))
        mark_scan_field(self.scan_field)
        row.addWidget(self.scan_field, 1)
        lay.addLayout(row)
        big = QFont()
        big.setPointSize(20)
        self.last_scan = QLabel("—")
        self.last_scan.setObjectName("lastScan")
        self.last_scan.setTextFormat(Qt.TextFormat.PlainText)  # a scan is untrusted text
        self.last_scan.setFont(big)
        self.weight = QLabel("—")
        self.weight.setObjectName("weight")
        self.weight.setFont(big)
        self.stable = QLabel("")
        self.stable.setObjectName("stable")
        self.connection = QLabel("")
        self.connection.setObjectName("connection")
        self.connection.setTextFormat(Qt.TextFormat.PlainText)
        self.connection.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Last scan"), self.last_scan)
        form.addRow(self.tr("Weight"), self.weight)
        form.addRow(self.tr("Scale says"), self.stable)
        form.addRow(self.tr("Connection"), self.connection)
        lay.addLayout(form)
        return box

    def _toggle_test(self, on: bool) -> None:
        if on:
            self.start_test()
        else:
            self.stop_test()

    def start_test(self) -> None:
        """Open the chosen devices on their threads (and listen to wedge scans)."""
        self.stop_test()
        choice = self.current_choice()
        self.test_button.setText(self.tr("Stop test"))
        scanner = self.profiles.scanners.get(choice.scanner_profile)
        wedge = scanner.wedge if scanner is not None and scanner.serial is None else None
        listener = self._shared_filter
        if wedge is not None and listener is None:
            listener = self._own_filter = ScannerFilter(wedge, parent=self).install()
        self._running = start_station_devices(choice, self.profiles, self.bridge, listener)
        if wedge is not None and listener is not None:
            listener.scanned.connect(self._on_scan)
            self._listening_shared = listener is self._shared_filter
        self.scan_field.setFocus()

    def stop_test(self) -> None:
        self._running.stop()
        if self._own_filter is not None:
            self._own_filter.uninstall()
            self._own_filter.deleteLater()
            self._own_filter = None
        if self._shared_filter is not None and self._listening_shared:
            self._shared_filter.scanned.disconnect(self._on_scan)
            self._listening_shared = False
        if self.test_button.isChecked():
            self.test_button.blockSignals(True)
            self.test_button.setChecked(False)
            self.test_button.blockSignals(False)
        self.test_button.setText(self.tr("Start test"))

    @property
    def testing(self) -> bool:
        return self._running.running or self._own_filter is not None or self._listening_shared

    def _on_scan(self, code: str) -> None:
        self.last_scan.setText(code)

    def status_text(self, reading: ScaleReading) -> str:
        """What the scale says, in words (stable, moving, overload …)."""
        if reading.status is ScaleStatus.OVERLOAD:
            return self.tr("Overload")
        if reading.status is ScaleStatus.UNDERLOAD:
            return self.tr("Under zero")
        if reading.status is not ScaleStatus.OK:
            return self.tr("No weight (scale busy or error)")
        return self.tr("Stable") if reading.stable else self.tr("Moving")

    def _on_weight(self, _device: str, reading: ScaleReading) -> None:
        grams = reading.grams_int
        self.weight.setText("—" if grams is None else self.tr("{grams} g").format(grams=grams))
        self.stable.setText(self.status_text(reading))
        color = "#1a7f37" if reading.usable else "#b35900"
        self.stable.setStyleSheet(f"color: {color}; font-weight: bold")

    def _on_connection(self, device: str, connected: bool, detail: str) -> None:
        text = (self.tr("{device}: connected ({detail})") if connected
                else self.tr("{device}: not connected ({detail})"))
        self.connection.setText(text.format(device=device, detail=detail))

    def hideEvent(self, event: QHideEvent) -> None:
        self.stop_test()  # never keep a port open for a page nobody looks at
        super().hideEvent(event)

    # -- broken profiles ----------------------------------------------------------------
    def _problems_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Profiles that could not be loaded"))
        lay = QVBoxLayout(box)
        self.problems = QListWidget()
        self.problems.setObjectName("profileProblems")
        for err in self.profiles.errors:
            self.problems.addItem(f"{err.path}: {err.message}")
        lay.addWidget(self.problems)
        box.setVisible(bool(self.profiles.errors))
        return box
