"""``python -m pipolicy``: the command line."""

from pipolicy.cli import main

raise SystemExit(main())
