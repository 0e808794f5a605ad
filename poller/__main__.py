"""``python -m poller``: the ``poller`` command.

:mod:`poller.cli._process` is imported first: from then on a signal ends the command with the
shell's code, however early (the package ``poller`` itself is imported before this module).
"""

from __future__ import annotations

import sys

from poller.cli._process import script

if __name__ == "__main__":
    sys.exit(script())
