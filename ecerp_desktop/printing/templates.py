"""Finding label templates: the bundled ones and the user's own copies.

Bundled templates live in resources/templates/labels/; a file of the same name in the
user's data folder (``<data>/templates/labels/``) replaces it, so a user copies a bundled
file there, edits it, and every print uses the edited version. Templates are loaded once
and kept (loading parses TOML; binding and rendering then need no file I/O).
"""

from __future__ import annotations

from pathlib import Path

from ecerp_desktop.domain.errors import DomainError, ErrorCode
from ecerp_desktop.paths import data_dir, resources_dir
from ecerp_desktop.printing.fields import FIELDS_BY_KIND
from ecerp_desktop.printing.layout import Template, load_template

_cache: dict[Path, tuple[float, Template]] = {}


def template_dirs() -> list[Path]:
    """Where templates are looked up, first match wins: the user's folder, then ours."""
    return [data_dir() / "templates" / "labels", resources_dir() / "templates" / "labels"]


def _load(path: Path) -> Template:
    mtime = path.stat().st_mtime
    hit = _cache.get(path)
    if hit is not None and hit[0] == mtime:
        return hit[1]
    tpl = load_template(path)
    allowed = FIELDS_BY_KIND[tpl.kind]
    unknown = tpl.placeholders() - allowed
    if unknown:
        raise DomainError(ErrorCode.TEMPLATE_INVALID, template=path.stem,
                          error=f"unknown placeholder(s) {', '.join(sorted(unknown))}")
    _cache[path] = (mtime, tpl)
    return tpl


def template_paths() -> dict[str, Path]:
    """Every template name → the file that wins for it."""
    found: dict[str, Path] = {}
    for d in reversed(template_dirs()):
        if d.is_dir():
            for p in sorted(d.glob("*.toml")):
                found[p.stem] = p
    return found


def get_template(name: str) -> Template:
    path = template_paths().get(name)
    if path is None:
        raise DomainError(ErrorCode.NOT_FOUND, what="label template", key=name)
    return _load(path)


def list_templates() -> tuple[list[Template], list[DomainError]]:
    """All loadable templates, and the errors of those that do not load (never fatal)."""
    good: list[Template] = []
    broken: list[DomainError] = []
    for path in template_paths().values():
        try:
            good.append(_load(path))
        except DomainError as exc:
            broken.append(exc)
    return good, broken


def find_template(kind: str, size: str) -> Template:
    """The template of *kind* ("waybill", "sku", "packing") for *size* ("100x180", "A4")."""
    size = size.lower().replace("×", "x").replace("*", "x")
    name = f"{kind}-{size}"
    paths = template_paths()
    if name in paths:
        return _load(paths[name])
    sizes = sorted(n.split("-", 1)[1] for n in paths if n.startswith(kind + "-"))
    raise DomainError(ErrorCode.NOT_FOUND, what=f"{kind} template of size",
                      key=f"{size} (available: {', '.join(sizes) or 'none'})")
