"""Entry point for `python -m tracker`."""

from .cli import main

raise SystemExit(main())
