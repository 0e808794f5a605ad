"""``--debug``: botocore's wire log on stderr, with no credentials in it.

botocore (and aiobotocore) log every request and answer at DEBUG through the standard library;
``--debug`` shows those records on stderr, through the console (under the live status line).
Nothing that signs or authenticates a request is shown: botocore's signing log (the canonical
request, the string to sign) is dropped whole, the ``Authorization`` and
``X-Amz-Security-Token`` headers and any ``Signature=``/``Credential=`` are replaced by
``<redacted>``, and so is any credential value found in the environment, wherever it appears.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
from collections.abc import Iterable
from typing import Final

from poller.cli._render import Console

__all__ = ["WireLog", "log_the_wire", "redact"]

#: The loggers shown: botocore's and aiobotocore's, which send the requests.
WIRE_LOGGERS: Final = ("botocore", "aiobotocore")
#: Signing internals: the canonical request and the string to sign carry the session token
#: and everything a signature is made of. Never shown.
_SIGNING_LOGGERS: Final = ("botocore.auth", "botocore.signers", "aiobotocore.signers")
#: Environment variables whose values are credentials.
_SECRET_VARIABLES: Final = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
_REDACTED: Final = "<redacted>"
_HEADER_NAMES: Final = r"(?:authorization|x-amz-security-token|x-amz-credential|x-amz-signature)"
_PATTERNS: Final = (
    # 'Authorization': b'AWS4-HMAC-SHA256 ...' in a dict of headers (bytes or str)
    re.compile(rf"(['\"]{_HEADER_NAMES}['\"]\s*:\s*b?)(['\"]).*?\2", re.IGNORECASE),
    # Authorization: AWS4-HMAC-SHA256 ... as a raw header line
    re.compile(rf"(^|\n)(\s*{_HEADER_NAMES}\s*:\s*)[^\n]*", re.IGNORECASE),
    # X-Amz-Signature=... and friends in a presigned query string
    re.compile(rf"({_HEADER_NAMES}=)[^&\s'\"]+", re.IGNORECASE),
    re.compile(r"((?:Signature|Credential)=)[^,\s'\"]+"),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """*text* with credentials, signatures and each of *secrets* replaced by ``<redacted>``."""
    text = _PATTERNS[0].sub(rf"\1\2{_REDACTED}\2", text)
    text = _PATTERNS[1].sub(rf"\1\2{_REDACTED}", text)
    for pattern in _PATTERNS[2:]:
        text = pattern.sub(rf"\1{_REDACTED}", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, _REDACTED)
    return text


class WireLog(logging.Handler):
    """Writes botocore's records through the console, redacted.

    Args:
        console: The stderr writer.
        json_lines: One JSON object per record (``--log-format json``), else a console line.
        secrets: Values never to show (the credentials in the environment).
    """

    def __init__(self, console: Console, *, json_lines: bool, secrets: Iterable[str]) -> None:
        super().__init__(logging.DEBUG)
        self.console = console
        self.json_lines = json_lines
        self.secrets = tuple(s for s in secrets if s)

    def emit(self, record: logging.LogRecord) -> None:
        """Show *record*, unless it comes from the signing code."""
        if record.name.startswith(_SIGNING_LOGGERS):
            return
        try:
            message = record.getMessage()
            if record.exc_info:
                message += "\n" + logging.Formatter().formatException(record.exc_info)
            message = redact(message, self.secrets)
            moment = dt.datetime.fromtimestamp(record.created, dt.UTC)
            if self.json_lines:
                line = json.dumps(
                    {
                        "event": "wire",
                        "logger": record.name,
                        "level": record.levelname.lower(),
                        "message": message,
                        "timestamp": moment.isoformat(),
                    }
                )
            else:
                clock = moment.astimezone().strftime("%H:%M:%S")
                line = f"{clock} {record.name:<24} {message}"
            self.console.write_line(line)
        except Exception:  # a log line must never end a wait
            self.handleError(record)


def log_the_wire(console: Console, *, json_lines: bool) -> None:
    """Show botocore's and aiobotocore's DEBUG records on *console*, redacted."""
    # Handler errors must not print tracebacks on a broken stderr: they are dropped.
    logging.raiseExceptions = False
    handler = WireLog(
        console,
        json_lines=json_lines,
        secrets=(os.environ.get(name, "") for name in _SECRET_VARIABLES),
    )
    for name in WIRE_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        logger.propagate = False
