"""The small per-PC configuration file: data_dir()/config.json (database URL, language).

Never a secret in it: a database password typed into the settings page goes to the OS
credential store (keyring) and the file keeps the URL without it.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ecerp_desktop.paths import data_dir

log = logging.getLogger(__name__)
KEYRING_SERVICE = "ecerp-database"


@dataclass
class AppConfig:
    database_url: str | None = None
    language: str | None = None


def config_path() -> Path:
    return data_dir() / "config.json"


def load() -> AppConfig:
    """The saved configuration; a missing or damaged file gives the defaults."""
    path = config_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return AppConfig()
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s: %s", path, exc)
        return AppConfig()
    if not isinstance(raw, dict):
        return AppConfig()
    url = raw.get("database_url")
    lang = raw.get("language")
    return AppConfig(database_url=url if isinstance(url, str) and url else None,
                     language=lang if isinstance(lang, str) and lang else None)


def save(config: AppConfig) -> None:
    """Write the file atomically (a crash never leaves half a config)."""
    path = config_path()
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(config), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _secret_key(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.hostname or not parts.username:
        return None
    return f"{parts.username}@{parts.hostname}:{parts.port or ''}{parts.path}"


def split_password(url: str) -> tuple[str, str | None]:
    """``postgresql://u:pw@h/db`` → (``postgresql://u@h/db``, ``pw``)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc)), parts.password


def join_password(url: str, password: str | None) -> str:
    if not password:
        return url
    parts = urlsplit(url)
    if parts.password is not None or not parts.username:
        return url
    netloc = parts.netloc.replace(f"{parts.username}@", f"{parts.username}:{password}@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def store_database_url(url: str | None) -> None:
    """Save *url* as the database of this PC: the password to keyring, the rest to the file."""
    config = load()
    if url:
        bare, password = split_password(url)
        key = _secret_key(bare)
        if password is not None and key is not None:
            import keyring  # only when there is a secret to keep

            keyring.set_password(KEYRING_SERVICE, key, password)
        config.database_url = bare
    else:
        config.database_url = None
    save(config)


def saved_database_url() -> str | None:
    """The configured URL with its password from keyring put back in."""
    url = load().database_url
    if not url:
        return None
    key = _secret_key(url)
    if key is None or urlsplit(url).scheme.startswith("sqlite"):
        return url
    try:
        import keyring

        return join_password(url, keyring.get_password(KEYRING_SERVICE, key))
    except Exception as exc:  # no credential store: connect without a password
        log.warning("cannot read the database password from keyring: %s", exc)
        return url


def store_language(language: str) -> None:
    config = load()
    config.language = language
    save(config)
