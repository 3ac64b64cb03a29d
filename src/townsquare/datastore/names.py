"""Column headers as the file has them become titles; names are safe identifiers derived from
them: lower-case ASCII letters, digits and underscores, starting with a letter, unique."""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 63
# Columns the datastore adds to every table.
# Columns the datastore adds itself (hidden ones, and DuckDB's row number used for stable paging).
RESERVED = {"_row", "_ragged", "_minx", "_miny", "_maxx", "_maxy", "geometry", "file_row_number"}


# Letters that Unicode does not decompose into a base letter and an accent.
_SPELLED_OUT = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
    }
)


def safe_name(title: str, position: int) -> str:
    spelled = title.translate(_SPELLED_OUT)
    ascii_text = unicodedata.normalize("NFKD", spelled).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if not name:
        return f"column_{position + 1}"
    if not name[0].isalpha():
        name = f"c_{name}"
    return name[:MAX_LENGTH].rstrip("_")


def safe_names(titles: list[str], reserved: set[str] = RESERVED) -> list[str]:
    """One safe, unique name per title, in order."""
    taken = set(reserved)
    names = []
    for position, title in enumerate(titles):
        base = safe_name(title, position)
        name, n = base, 2
        while name in taken:
            suffix = f"_{n}"
            name = base[: MAX_LENGTH - len(suffix)] + suffix
            n += 1
        taken.add(name)
        names.append(name)
    return names


def quote(identifier: str) -> str:
    """An SQL identifier, double-quoted."""
    return '"' + identifier.replace('"', '""') + '"'
