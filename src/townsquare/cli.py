"""The ``townsquare`` command: a thin shell over Django's management commands.

``townsquare demo``, ``townsquare serve``, ``townsquare worker``, ``townsquare createuser``,
``townsquare token create USERNAME`` and every other management command (``migrate``, ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "townsquare.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415  (settings first)

    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["changepassword"]:  # Django's asks at a terminal only: ours reads files too
        args[0] = "password"
    execute_from_command_line(["townsquare", *args])


if __name__ == "__main__":
    main()
