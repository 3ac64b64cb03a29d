"""NUL characters: PostgreSQL refuses them in text, and no legitimate input contains one.
Requests carrying one are refused at the edges (core/middleware.py for addresses and forms,
townsquare/api.py for JSON and API form bodies) with the field named."""

from __future__ import annotations

from typing import Any

from townsquare.core.errors import DomainError

MESSAGE = "Text may not contain NUL (\\u0000) characters."


class NulCharacter(DomainError):
    title = "Invalid input"

    def __init__(self, field: str) -> None:
        super().__init__(MESSAGE, field=field)


def find_nul(data: Any, path: str = "") -> str | None:
    """The dotted path of the first value (or key) holding a NUL character, else None."""
    if isinstance(data, str):
        return path if "\x00" in data else None
    if isinstance(data, dict):
        for key, value in data.items():
            key_path = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return key_path
            found = find_nul(value, key_path)
            if found is not None:
                return found
    if isinstance(data, list | tuple):
        for index, item in enumerate(data):
            found = find_nul(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    return None
