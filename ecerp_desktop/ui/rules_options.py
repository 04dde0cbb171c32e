"""The pipeline's merge and split settings (合单与拆单) on the rules screen: merging on or
off and its time window, splitting by warehouse, pre-sale lines apart, and the per-parcel
weight and volume limits (a SKU without a volume counts as 0 cm³). They apply to the next
run and to the dry run."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ecerp_desktop.domain.pipeline import Options
from ecerp_desktop.ui.rules_panel import ok_cancel


def _limit(name: str, suffix: str, top: int, value: int | None, none_text: str) -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(0, top)
    box.setSingleStep(100)
    box.setSuffix(suffix)
    box.setSpecialValueText(none_text)  # 0: no limit
    box.setValue(value or 0)
    return box


class PipelineOptionsDialog(QDialog):
    """Edit the pipeline options; ``options`` holds the result after ``accept``."""

    def __init__(self, options: Options, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pipelineOptions")
        self.setWindowTitle(self.tr("Merge and split"))
        self.options = options
        self.merge = QCheckBox(self.tr("Merge orders of one buyer to one address (合单)"))
        self.merge.setObjectName("optMerge")
        self.merge.setChecked(options.merge)
        self.window = QDoubleSpinBox()
        self.window.setObjectName("optMergeWindow")
        self.window.setRange(0.5, 720)
        self.window.setDecimals(1)
        self.window.setSuffix(self.tr(" h"))
        self.window.setValue(options.merge_window_hours)
        self.by_warehouse = QCheckBox(self.tr("Split by warehouse when no single one has "
                                              "every line"))
        self.by_warehouse.setObjectName("optSplitWarehouse")
        self.by_warehouse.setChecked(options.split_by_warehouse)
        self.presale = QCheckBox(self.tr("Pre-sale lines in parcels of their own"))
        self.presale.setObjectName("optSplitPresale")
        self.presale.setChecked(options.split_presale)
        no_limit = self.tr("no limit")
        self.weight = _limit("optMaxWeight", " g", 1_000_000, options.max_parcel_weight_g,
                             no_limit)
        self.volume = _limit("optMaxVolume", " cm³", 100_000_000,
                             options.max_parcel_volume_cm3, no_limit)
        form = QFormLayout()
        form.addRow("", self.merge)
        form.addRow(self.tr("Merge orders paid within"), self.window)
        form.addRow("", self.by_warehouse)
        form.addRow("", self.presale)
        form.addRow(self.tr("Parcel weight at most"), self.weight)
        form.addRow(self.tr("Parcel volume at most"), self.volume)
        note = QLabel(self.tr("A SKU without a volume counts as 0 cm³."))
        note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(ok_cancel(self))
        self.merge.toggled.connect(self.window.setEnabled)
        self.window.setEnabled(options.merge)

    def accept(self) -> None:
        self.options = dataclasses.replace(
            self.options, merge=self.merge.isChecked(),
            merge_window_hours=float(self.window.value()),
            split_by_warehouse=self.by_warehouse.isChecked(),
            split_presale=self.presale.isChecked(),
            max_parcel_weight_g=self.weight.value() or None,
            max_parcel_volume_cm3=self.volume.value() or None)
        super().accept()
