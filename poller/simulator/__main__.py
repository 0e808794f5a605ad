"""``python -m poller.simulator``: run the local endpoint until interrupted."""

from __future__ import annotations

import sys

from poller.simulator._cli import main

if __name__ == "__main__":
    sys.exit(main())
