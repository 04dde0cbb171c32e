"""Developer tool: write the next Alembic revision for the tables of one schema module.

    python -m ecerp_desktop.store.newmigration schema_sync "sync leases"

Only tables defined in the named module are compared, so work in progress elsewhere never
leaks into the revision. The revision id is the next number after the current head.
"""

from __future__ import annotations

import importlib
import sys
import tempfile

from alembic import command

from ecerp_desktop.store import migrate
from ecerp_desktop.store.database import Store
from ecerp_desktop.store.models import Base


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    module_name, message = argv
    module = importlib.import_module(f"ecerp_desktop.store.{module_name}")
    wanted = {t.name for t in Base.metadata.sorted_tables
              if any(getattr(obj, "__table__", None) is t for obj in vars(module).values())}
    head = migrate.head_revision()
    rev_id = f"{int(head.split('_')[0]) + 1:04d}"
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/gen.sqlite3")
        migrate.upgrade(store, backup=False)
        cfg = migrate._config()

        def include(obj, name, type_, reflected, compare_to):
            table = obj if type_ == "table" else getattr(obj, "table", None)
            return getattr(table, "name", name) in wanted

        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            cfg.attributes["include_object"] = include
            command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)
    print(f"wrote revision {rev_id}; replace any ecerp_desktop.store.types.* with sa types")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
