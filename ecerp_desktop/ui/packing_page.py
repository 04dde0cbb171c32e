"""The packing station screen (打包台): scanner and keyboard only, big type, colour and
sound for every outcome.

1. Scan the parcel's pick slip, order number or waybill → its lines, quantities to scan,
   the buyer's message and the seller's memo in large type.
2. Scan each item (type a number first for many units: ``12`` then the scan counts 12;
   a label that does not scan can be typed into the code field);
   a wrong item, one too many, or another order's slip turns the screen red with an error
   sound and counts nothing.
3. Complete → the stable weight from the scale (or the grams typed in when the station has
   no scale) is checked against the expected weight; outside the tolerance a supervisor
   code (typed or scanned) or a re-weigh is needed.
4. The waybill prints on the station's printer through the queue (once), then the parcel
   ships in one transaction. The next scan opens the next parcel.

While a parcel is open its status is polled every 400 ms off the GUI thread, so an
intercept (截单) or cancellation arriving mid-parcel turns the screen red within a second.
Esc puts the open parcel back; F5 retries a print that did not go out.

Known items are counted on the GUI thread from the barcodes loaded when the parcel opened
(no database round trip between the scan and the repaint); everything else runs through
ui/ops.py on the database lane. Buyer text is shown as plain text, never as rich text.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.devices.events import Connected, Disconnected, LatestWeight, WeightRead
from ecerp_desktop.devices.profiles import load_profiles
from ecerp_desktop.devices.scale_protocols import ScaleReading
from ecerp_desktop.domain.packing import ScanResult, Stage
from ecerp_desktop.services import packing
from ecerp_desktop.services.devices import default_station_name, load_station_devices
from ecerp_desktop.services.packing import (
    OpenKind,
    OpenOutcome,
    PrintOutcome,
    Resolution,
    ScanOutcome,
    ShipOutcome,
    Station,
)
from ecerp_desktop.store.packing import LiveStatus, StationCounts
from ecerp_desktop.ui.areas import PageContext
from ecerp_desktop.ui.devices_page import DeviceBridge, RunningDevices, start_station_devices
from ecerp_desktop.ui.errors import describe
from ecerp_desktop.ui.feedback import FeedbackBanner
from ecerp_desktop.ui.ops import ScanQueue, lane, run_op
from ecerp_desktop.ui.scanner_filter import (
    ScannerFilter,
    ScanSource,
    mark_scan_field,
    take_count,
    take_typed,
)

POLL_MS = 400


class LinesTable(QTableWidget):
    """The parcel's lines; says when it has been painted (the benchmark's end point)."""

    painted = Signal(float)  # time.perf_counter() at the end of the paint

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted.emit(time.perf_counter())


class PackingPage(QWidget):
    """One station's packing screen. See the module docstring."""

    feedback = Signal(str)  # the last outcome's code (for tests and the benchmark)

    def __init__(self, ctx: PageContext, parent: QWidget | None = None, *,
                 station: str | None = None, scanner_filter: ScannerFilter | None = None,
                 printer: Any = None, start_devices: bool = True) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("packingPage")
        self.station_name = (station or default_station_name()).strip()[:64]
        self.station: Station | None = None
        self._printer_override = printer
        self._ops = ScanQueue(self, self._take, self._op_failed,
                              ready=lambda: self.station is not None)
        self._polling = False
        self._weighing = False
        self._rejected_g: int | None = None  # a re-weigh must bring another weight
        self.has_scale = False
        self.latest = LatestWeight()
        self.bridge = DeviceBridge(self)
        self.bridge.weightRead.connect(self._on_weight)
        self.bridge.connectionChanged.connect(self._on_connection)
        self._devices = RunningDevices()
        self._start_devices = start_devices
        self._scale_lane = lane("scale", 1)

        self._scans = ScanSource(self, self.on_scan, scanner_filter)
        self._filter = self._scans.filter
        self._build()
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(POLL_MS)
        self._poll_timer.timeout.connect(self._poll)
        self.banner.idle(self.tr("Starting the station…"))
        self._ops.run(self._make_station, self._station_ready)

    # -- layout

    def _big(self, size: int, bold: bool = False) -> QFont:
        f = QFont(self.font())
        f.setPointSize(size)
        f.setBold(bold)
        return f

    def _plain_label(self, size: int, bold: bool = False) -> QLabel:
        lbl = QLabel()
        lbl.setTextFormat(Qt.TextFormat.PlainText)  # buyer text is hostile: never rich text
        lbl.setWordWrap(True)
        lbl.setFont(self._big(size, bold))
        return lbl

    def _form_label(self, text: str) -> QLabel:
        lbl = self._plain_label(14)
        lbl.setText(text)
        lbl.setWordWrap(False)
        return lbl

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.station_label = self._plain_label(14, True)
        self.station_label.setText(self.tr("Station {name}").format(name=self.station_name))
        self.counters = self._plain_label(14)
        self.counters.setObjectName("counters")
        top.addWidget(self.station_label)
        top.addStretch(1)
        top.addWidget(self.counters)
        layout.addLayout(top)

        self.banner = FeedbackBanner(point_size=28, min_height=90)
        self.banner.setAutoFillBackground(True)
        layout.addWidget(self.banner)

        self.order_label = self._plain_label(20, True)
        self.order_label.setObjectName("order")
        layout.addWidget(self.order_label)
        self.message = self._plain_label(22, True)
        self.message.setObjectName("buyerMessage")
        self.memo = self._plain_label(22, True)
        self.memo.setObjectName("sellerMemo")
        layout.addWidget(self.message)
        layout.addWidget(self.memo)

        self.table = LinesTable(0, 4)
        self.table.setObjectName("lines")
        self.table.setHorizontalHeaderLabels([self.tr("Code"), self.tr("Item"),
                                              self.tr("Scanned"), self.tr("To scan")])
        self.table.setFont(self._big(18))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.table, 1)

        form = QFormLayout()
        self.qty = QLineEdit()
        self.qty.setObjectName("quantity")
        self.qty.setPlaceholderText(self.tr("type a number, then scan: counts that many"))
        self.qty.setMaxLength(5)
        mark_scan_field(self.qty)
        form.addRow(self._form_label(self.tr("Quantity")), self.qty)
        self.code_entry = QLineEdit()
        self.code_entry.setObjectName("typedCode")
        self.code_entry.setPlaceholderText(self.tr("a label that does not scan: type its "
                                                   "code, then Enter"))
        self.code_entry.setMaxLength(64)
        self.code_entry.returnPressed.connect(self._typed_code)
        mark_scan_field(self.code_entry)
        form.addRow(self._form_label(self.tr("Code")), self.code_entry)
        self.weight = QLineEdit()
        self.weight.setObjectName("manualWeight")
        self.weight.setPlaceholderText(self.tr("grams, then Enter"))
        self.weight.returnPressed.connect(self._manual_weight)
        mark_scan_field(self.weight)
        form.addRow(self._form_label(self.tr("Weight (g)")), self.weight)
        self.supervisor = QLineEdit()
        self.supervisor.setObjectName("supervisorCode")
        self.supervisor.setEchoMode(QLineEdit.EchoMode.Password)
        self.supervisor.returnPressed.connect(self._supervisor_typed)
        mark_scan_field(self.supervisor)
        form.addRow(self._form_label(self.tr("Supervisor code")), self.supervisor)
        layout.addLayout(form)
        self.weight_label = self._plain_label(16)
        self.weight_label.setObjectName("weightInfo")
        layout.addWidget(self.weight_label)
        hint = self._plain_label(12)
        hint.setText(self.tr("Esc: put the parcel back    F5: print again after a printer "
                             "problem"))
        layout.addWidget(hint)
        for w in (self.qty, self.code_entry, self.weight, self.supervisor):
            w.setFont(self._big(16))
            w.installEventFilter(self)
        self.weight.setEnabled(False)
        self.supervisor.setEnabled(False)

    # -- background work

    def _op_failed(self, exc: BaseException) -> None:
        self.banner.error(describe(exc) if hasattr(exc, "code") else str(exc))

    def _make_station(self) -> Station:
        store = self.ctx.store
        printer = self._printer_override or packing.station_printer(store, self.station_name)
        self._choice = load_station_devices(store, self.station_name)
        return Station(store, self.ctx.actor, self.station_name, printer=printer)

    def _station_ready(self, station: Station) -> None:
        self.station = station
        self._devices_on()
        self.banner.idle(self.tr("Scan a pick slip, order number or waybill"))
        self._refresh_counters()

    # -- scans

    def on_scan(self, code: str) -> None:
        """A complete scan from the wedge filter (or a serial scanner)."""
        if not self.isVisible():  # another area is on screen: its scans are not ours
            return
        self._ops.scan(code, take_count(self.qty))  # one database op at a time

    def _typed_code(self) -> None:
        code = take_typed(self.code_entry)
        if code:
            self.on_scan(code)

    def _take(self, code: str, qty: int) -> None:
        st = self.station
        assert st is not None
        v = st.verification
        if st.busy and v is not None:
            if v.stage is Stage.SCANNING:
                local = st.scan_local(code, qty)
                if local is not None:
                    self._show_scan(local)
                    return
                self._ops.run(lambda: st.resolve(code),
                          lambda res: self._resolved(code, res, qty))
                return
            if v.stage is Stage.WEIGHT_REJECTED:  # a supervisor scans their badge
                self._supervisor(code)
                return
            self.banner.error(self.tr("Finish this parcel first (Esc puts it back)"))
            return
        self._ops.run(lambda: st.handle(code, qty), self._opened)

    def _resolved(self, code: str, res: Resolution, qty: int) -> None:
        if self.station is None or not self.station.busy:
            return
        self._show_scan(self.station.apply(code, res, qty))

    def _opened(self, out: OpenOutcome | ScanOutcome) -> None:
        if isinstance(out, ScanOutcome):
            self._show_scan(out)
            return
        if out.kind is OpenKind.OPENED:
            self._rejected_g = None
            self._show_parcel()
            self._poll_timer.start()
            if out.taken_from:
                self.banner.ok(self.tr("Taken over from station {station}, which stopped "
                                 "answering: scan the items").format(station=out.taken_from))
            else:
                self.banner.ok(self.tr("Scan the items"))
            self.feedback.emit(out.kind.value)
            self._after_count()
            return
        self._clear_parcel()
        if out.kind is OpenKind.NOT_FOUND:
            self.banner.error(self.tr("No parcel for {code}").format(code=out.code))
        elif out.kind is OpenKind.TAKEN:
            self.banner.error(self.tr("Station {station} is packing this parcel").format(
                station=out.station or "?"))
        elif out.kind is OpenKind.SHIPPED:
            self.banner.error(self.tr("This parcel has already been shipped"))
        elif out.kind is OpenKind.STOPPED:
            self._stopped_banner(out.status)
        self.feedback.emit(out.kind.value)

    # -- showing

    def _show_parcel(self) -> None:
        st = self.station
        assert st is not None and st.view is not None
        view = st.view
        ids = ", ".join(o.platform_order_id for o in view.orders)
        self.order_label.setText(self.tr("Order {ids}   parcel {seq}").format(
            ids=ids, seq=view.seq))
        msgs = [o.buyer_message for o in view.orders if o.buyer_message]
        memos = [o.seller_memo for o in view.orders if o.seller_memo]
        self.message.setText(self.tr("Buyer: {text}").format(text=" / ".join(msgs))
                             if msgs else "")
        self.memo.setText(self.tr("Memo: {text}").format(text=" / ".join(memos))
                          if memos else "")
        lines = st.lines()
        self.table.setRowCount(len(lines))
        for r, ln in enumerate(lines):
            for c, text in enumerate((ln.code, ln.name, "0", str(ln.qty))):
                item = QTableWidgetItem(text)
                if c in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
        self._rows = {ln.sku_id: r for r, ln in enumerate(lines)}
        self._paint_counts()
        self.weight_label.setText(self.tr("Expected weight {g} g").format(
            g=st.verification.expected_weight_g if st.verification else 0))

    def _paint_counts(self, only: set[int] | None = None) -> None:
        st = self.station
        if st is None or st.verification is None:
            return
        v = st.verification
        for sku, r in self._rows.items():
            if only is not None and sku not in only:
                continue
            done = v.counted.get(sku, 0)
            want = v.expected(sku)
            self.table.item(r, 2).setText(str(done))
            colour = QColor("#c8e6c9") if done >= want else QColor("#ffffff")
            for c in range(4):
                self.table.item(r, c).setBackground(colour)

    def _show_scan(self, out: ScanOutcome) -> None:
        st = self.station
        assert st is not None and st.verification is not None
        v = st.verification
        if out.result.is_error:
            texts = {
                ScanResult.UNKNOWN: self.tr("Unknown code {code}: nothing counted"),
                ScanResult.WRONG_ITEM: self.tr("Wrong item {code}: not in this parcel"),
                ScanResult.TOO_MANY: self.tr("Too many {code}: already all scanned"),
                ScanResult.OTHER_ORDER: self.tr("{code} belongs to another order"),
                ScanResult.NOT_SCANNING: self.tr("Not counting now"),
            }
            self.banner.error(texts.get(out.result, "{code}").format(code=out.code))
        elif out.result is ScanResult.SAME_PARCEL:
            pass
        else:
            self.banner.ok(self.tr("{done} of {total} scanned").format(
                done=v.units_counted, total=v.units_total))
        changed: set[int] = set()
        if out.sku_id is not None:
            changed = {out.sku_id} | {c for c, _ in v.bundles.get(out.sku_id, ())}
        self._paint_counts(changed or None)
        self.table.viewport().update()
        self._refresh_counters_local()
        self.feedback.emit(out.result.value)
        if out.result is ScanResult.COMPLETE:
            self._after_count()

    def _after_count(self) -> None:
        st = self.station
        if st is None or st.verification is None:
            return
        stage = st.verification.stage
        if stage is Stage.WEIGHING:
            self.banner.ok(self.tr("Complete: put the parcel on the scale"))
            if self.has_scale:
                self._wait_weight()
            else:
                self.weight.setEnabled(True)
                self.weight.setFocus()
                self.banner.ok(self.tr("Complete: type the weight in grams and press Enter"))
        elif stage is Stage.READY:
            self._finish()

    # -- weighing

    def _wait_weight(self) -> None:
        if self._weighing:
            return
        self._weighing = True
        latest = self.latest

        def done(r: ScaleReading | None) -> None:
            self._weighing = False
            st = self.station
            if st is None or st.verification is None or st.verification.stage not in (
                    Stage.WEIGHING,):
                return
            if r is None or r.grams_int is None:
                self.banner.warn(self.tr("No stable weight yet: check the scale"))
                QTimer.singleShot(200, self._wait_weight)
                return
            if self._rejected_g is not None and abs(r.grams_int - self._rejected_g) <= 5:
                QTimer.singleShot(100, self._wait_weight)  # still the refused weight
                return
            self._weighed(r.grams_int)

        def failed(exc: BaseException) -> None:
            self._weighing = False
            self.banner.error(str(exc))

        run_op(lambda: latest.wait_usable(3.0, max_age_s=1.0), owner=self,
               on_success=done, on_failure=failed, pool=self._scale_lane)

    def _manual_weight(self) -> None:
        text = self.weight.text().strip()
        self.weight.clear()
        st = self.station
        if st is None or st.verification is None:
            return
        if not text.isdigit() or not 0 < int(text) < 10**7:
            self.banner.error(self.tr("Type the weight in whole grams"))
            return
        if st.verification.stage in (Stage.WEIGHING, Stage.WEIGHT_REJECTED, Stage.READY):
            self._weighed(int(text))

    def _weighed(self, grams: int) -> None:
        st = self.station
        assert st is not None
        check = st.weigh(grams)
        self.weight_label.setText(self.tr("Weighed {g} g, expected {e} g (±{t} g)").format(
            g=check.measured_g, e=check.expected_g, t=check.tolerance_g))
        self._rejected_g = None if check.ok else check.measured_g
        if check.ok:
            self.weight.setEnabled(False)
            self._finish()
        else:
            self.supervisor.setEnabled(True)
            self.weight.setEnabled(True)
            self.supervisor.setFocus()
            self.banner.error(self.tr("Weight off by {d} g: re-weigh, or a supervisor code")
                        .format(d=check.deviation_g))
            self.feedback.emit("weight_rejected")
            if self.has_scale:
                QTimer.singleShot(500, self._rewait)

    def _rewait(self) -> None:
        st = self.station
        if st is not None and st.verification is not None and \
                st.verification.stage is Stage.WEIGHT_REJECTED:
            st.verification.stage = Stage.WEIGHING  # take the next stable reading
            self._wait_weight()

    def _supervisor_typed(self) -> None:
        code = self.supervisor.text()
        self.supervisor.clear()
        self._supervisor(code)

    def _supervisor(self, code: str) -> None:
        st = self.station
        if st is None or st.verification is None:
            return
        if st.verification.stage is Stage.WEIGHING:  # the scale loop re-armed meanwhile
            st.verification.stage = Stage.WEIGHT_REJECTED
        if st.accept_weight(code):
            self.supervisor.setEnabled(False)
            self.weight.setEnabled(False)
            self._finish()
        else:
            self.banner.error(self.tr("Wrong supervisor code"))

    # -- print and ship

    def _finish(self) -> None:
        st = self.station
        assert st is not None
        self.banner.ok(self.tr("Printing and shipping…"))
        self._ops.run(st.finish, self._finished)

    def _finished(self, out: tuple[PrintOutcome | None, ShipOutcome]) -> None:
        printed, shipped = out
        if shipped.ok:
            self._poll_timer.stop()
            self.banner.ok(self.tr("Shipped. Scan the next parcel"))
            self._refresh_counters()
            self.feedback.emit("shipped")
            return
        if shipped.stopped:
            self._stop(shipped.stopped)
            return
        if printed is not None and not printed.ok:
            why = describe(printed.error) if printed.error is not None else printed.message
            self.banner.error(self.tr("Not printed, the job stays queued: {why}. F5 tries again")
                        .format(why=why))
            self.feedback.emit("print_failed")
            return
        why = describe(shipped.error) if shipped.error is not None else shipped.message
        self.banner.error(self.tr("Not shipped: {why}").format(why=why))
        self.feedback.emit("ship_failed")

    # -- live status

    def _poll(self) -> None:
        st = self.station
        if st is None or not st.busy or self._polling:
            if st is None or not st.busy:
                self._poll_timer.stop()
            return
        self._polling = True

        def done(status: LiveStatus | None) -> None:
            self._polling = False
            if self.station is not None and self.station.busy:
                why = self.station.stop_if(status)
                if why:
                    self._stop(why)

        def failed(_exc: BaseException) -> None:
            self._polling = False

        # its own lane: a long print on the database lane must not delay the intercept
        run_op(st.poll, owner=self, on_success=done, on_failure=failed,
               pool=lane("packing-poll", 1))

    def _stop(self, why: str) -> None:
        self._poll_timer.stop()
        if self.station is not None and self.station.verification is not None:
            self.station.verification.stop()
        self._stopped_banner(why)
        self.table.setEnabled(False)
        self.weight.setEnabled(False)
        self.supervisor.setEnabled(False)
        self.feedback.emit("stopped")

    def _stopped_banner(self, why: str) -> None:
        if why.startswith("station:"):
            text = self.tr("Station {station} took this parcel: stop").format(
                station=why.partition(":")[2])
        elif why == "intercepted":
            text = self.tr("INTERCEPTED: do not ship, put the items back")
        elif why == "cancelled":
            text = self.tr("CANCELLED: do not ship, put the items back")
        else:
            text = self.tr("This parcel cannot be packed ({status})").format(status=why)
        self.banner.error(text)

    # -- counters

    def _refresh_counters(self) -> None:
        st = self.station
        if st is None:
            return
        run_op(st.counters, owner=self, on_success=self._show_counters,
               pool=lane("packing-poll", 1))

    def _show_counters(self, c: StationCounts) -> None:
        self._counts = c
        self._refresh_counters_local()

    def _refresh_counters_local(self) -> None:
        c = getattr(self, "_counts", None)
        st = self.station
        if c is None or st is None:
            return
        avg = "–" if c.avg_seconds is None else f"{c.avg_seconds:.0f}"
        self.counters.setText(self.tr(
            "This hour: {n} parcels · {avg} s each · {e} errors (this session {s})").format(
            n=c.parcels, avg=avg, e=c.errors, s=st.session_errors))

    # -- feedback

    def _clear_parcel(self) -> None:
        self._poll_timer.stop()
        self.table.setRowCount(0)
        self.table.setEnabled(True)
        self._rows = {}
        for lbl in (self.order_label, self.message, self.memo, self.weight_label):
            lbl.clear()

    # -- keys and devices

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        if self._key(ev):
            return
        super().keyPressEvent(ev)

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.KeyPress and isinstance(ev, QKeyEvent) and self._key(ev):
            return True
        return super().eventFilter(obj, ev)

    def _key(self, ev: QKeyEvent) -> bool:
        st = self.station
        if ev.key() == Qt.Key.Key_Escape and st is not None and not self._ops.busy:
            self._ops.run(st.abandon, lambda _r: (self._clear_parcel(), self.banner.idle(
                self.tr("Parcel put back. Scan a pick slip, order number or waybill"))))
            return True
        if ev.key() == Qt.Key.Key_F5 and st is not None and st.verification is not None \
                and st.verification.stage is Stage.READY and not self._ops.busy:
            self._finish()
            return True
        return False

    def _on_weight(self, device: str, reading: ScaleReading) -> None:
        self.latest.on_event(WeightRead(device, reading))

    def _on_connection(self, device: str, connected: bool, detail: str) -> None:
        self.latest.on_event(Connected(device, detail) if connected
                             else Disconnected(device, detail, detail))

    def _devices_on(self) -> None:
        if not self._start_devices or self.station is None or self._devices.running \
                or not self.isVisible():
            return
        try:
            self._devices = start_station_devices(self._choice, load_profiles(),
                                                  self.bridge, self._filter)
        except Exception as exc:  # a broken profile folder must not stop packing
            self.banner.error(str(exc))
        self.has_scale = self._devices.scale is not None

    def showEvent(self, ev: Any) -> None:
        super().showEvent(ev)
        self._devices_on()

    def hideEvent(self, ev: Any) -> None:
        super().hideEvent(ev)
        self._devices.stop()  # the serial ports are free for the devices page meanwhile

    def closeEvent(self, ev: Any) -> None:
        self.shutdown()
        super().closeEvent(ev)

    def shutdown(self) -> None:
        """Stop device threads and polling; give an unfinished parcel back."""
        self._poll_timer.stop()
        self._devices.stop()
        self._scans.stop()
        st = self.station
        if st is not None and st.busy:  # off the GUI thread; ops.wait_all() lets it finish
            run_op(st.abandon)
