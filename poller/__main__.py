"""``python -m poller``: the ``poller`` command."""

from __future__ import annotations

import sys

from poller.cli import script

if __name__ == "__main__":
    sys.exit(script())
