"""The bundle's `zhenggai-cli`: the same command line as `python -m tracker` and the venv's
`zhenggai-cli`."""

from __future__ import annotations

import sys

from tracker.cli import main

if __name__ == "__main__":
    sys.exit(main())
