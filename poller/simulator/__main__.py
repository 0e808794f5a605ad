"""``python -m poller.simulator``: run the local endpoint until SIGINT or SIGTERM."""

from __future__ import annotations

import sys

from poller.simulator._cli import main

if __name__ == "__main__":
    sys.exit(main())
