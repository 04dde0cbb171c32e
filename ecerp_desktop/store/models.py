"""All tables: the core (schema.py) plus each feature's own ``schema_<area>.py`` module.

Import this (not schema.py) wherever the complete metadata matters: migrations, tests.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from ecerp_desktop.store.schema import Base

for _info in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _info.name.startswith("schema_"):
        importlib.import_module(f"ecerp_desktop.store.{_info.name}")

metadata = Base.metadata
