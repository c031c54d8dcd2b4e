#!/usr/bin/env python
"""Django's command line for the example shop (``python manage.py migrate``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> None:
    # The project is the package django_app: its parent folder goes on the path.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_app.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
