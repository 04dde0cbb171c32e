"""On-screen previews of a label template: a one-page PDF (Qt's QPdfDocument shows it).

The preview is drawn by the PDF renderer at the printer's resolution, so bars fall where
the thermal printer puts them; thermal-only details (the printer's own font) may differ.
"""

from __future__ import annotations

from collections.abc import Mapping

from ecerp_desktop.printing.fields import (
    SkuLabelData,
    sample_waybill,
    sku_values,
    waybill_values,
)
from ecerp_desktop.printing.layout import Template
from ecerp_desktop.printing.profiles import PrinterProfile, generic_profile
from ecerp_desktop.printing.render import render_values


def sample_values(template: Template) -> dict[str, str]:
    """Made-up values of the right kind for *template* (no real buyer)."""
    if template.kind == "sku":
        return sku_values(SkuLabelData("TS-W-XL", "纯棉短袖T恤", "白色 XL", "6901234567892"))
    return waybill_values(sample_waybill(0))


def preview_pdf(template: Template, values: Mapping[str, str] | None = None,
                profile: PrinterProfile | None = None) -> bytes:
    """*template* filled with *values* (default: sample values) as a one-page PDF."""
    dpi = profile.dpi if profile else 203
    return render_values(template, generic_profile("pdf", dpi),
                         [values if values is not None else sample_values(template)])
