#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vocaleyes.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A clear message, not a traceback, when the environment is wrong (e.g. no SECRET_KEY).
        sys.stderr.write(f"VocalEyes cannot start: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
