"""``python -m poller``: the ``poller`` command."""

from __future__ import annotations

import sys

from poller.cli._process import script

if __name__ == "__main__":
    sys.exit(script())
