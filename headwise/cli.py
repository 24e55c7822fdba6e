"""The ``headwise`` command: Django's management commands, plus ``headwise analyse``.

``headwise analyse DIARY.json`` runs the pure clinical engine on a diary file and needs no
database or settings, so it is dispatched before Django is set up.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "analyse":
        from headwise.analyse_cli import main as analyse

        status: int = analyse(args[1:])
        return status
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headwise.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["headwise", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
