"""The ``divert`` command: Django's manage.py plus the domain commands (``divert synth`` ...)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "divert.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        # Domain commands read better with hyphens (``divert import-903``); Django's command
        # modules are named with underscores.
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["divert", *args])


if __name__ == "__main__":
    main()
