"""Strict readers for environment variables, used only by settings.py.

Every name read here is recorded in ``NAMES_READ`` so that a test can check that
docs/configuration.md lists each one. Bad values fail loudly at start-up instead of
being silently taken as a default. A variable comes from the environment, else from the file
named by ``<name>_FILE``, else from the env file (``load_file``: ``.env`` of a source checkout
or ``TOWNSQUARE_ENV_FILE``).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import dotenv_values

NAMES_READ: set[str] = set()
_FROM_FILE: dict[str, str] = {}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def load_env_file(default: Path | None) -> None:
    """The file TOWNSQUARE_ENV_FILE names (which must exist; empty: none), else ``default`` if
    it exists."""
    NAMES_READ.add("TOWNSQUARE_ENV_FILE")
    named = os.environ.get("TOWNSQUARE_ENV_FILE")
    if named is not None:
        if named:
            load_file(Path(named))
    elif default is not None and default.is_file():
        load_file(default)


def load_file(path: Path) -> None:
    """Read ``KEY=value`` lines (``#`` comments, quotes as in a shell) from an env file, for
    the variables the environment does not set: the environment always wins."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImproperlyConfigured(f"TOWNSQUARE_ENV_FILE: cannot read {path}: {exc}") from exc
    _FROM_FILE.clear()
    for name, value in dotenv_values(stream=io.StringIO(text), interpolate=False).items():
        if not name.isidentifier():
            raise ImproperlyConfigured(f"{path}: {name!r} is not a variable name")
        _FROM_FILE[name] = value or ""


def _get(name: str) -> str | None:
    return os.environ.get(name, _FROM_FILE.get(name))


def _raw(name: str) -> str | None:
    """The variable's value, or the contents of the file named by ``<name>_FILE``."""
    NAMES_READ.add(name)
    value = _get(name)
    file_name = _get(f"{name}_FILE")
    if value is None and file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc}") from exc
    return value


def string(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def boolean(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def integer(name: str, default: int, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def string_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = string(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value
