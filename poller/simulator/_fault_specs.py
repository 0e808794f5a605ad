"""The ``--fault`` specs of the simulator's command: ``KIND[,key=value...]``.

A spec names a fault kind, its own settings, how often it applies (``count=``), and which
requests it applies to: ``operation=``, ``instance=`` (an ``InstanceArn``), ``region=`` (a
``RegionName``) and ``request=`` (the request ID a Describe or List operation asks about).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final

from poller.simulator._faults import Fault
from poller.simulator._model import matches
from poller.simulator._operations import OPERATIONS

#: A parsed spec: the fault, and the keyword arguments of ``Simulator.add_fault`` it filters by.
FaultSpec = tuple[Fault, dict[str, str]]
_Builder = Callable[[dict[str, str], int | None], Fault]

_FOREVER: Final = frozenset({"forever", "inf", "none"})
#: Each filter key of a spec: the ``add_fault`` argument, the model shape it must match, and
#: what that is in words.
_FILTERS: Final = {
    "instance": ("instance_arn", "InstanceArn", "an instance ARN"),
    "region": ("region_name", "RegionName", "a Region name such as eu-west-1"),
    "request": ("request_id", "UUId", "a request ID (a lowercase UUID)"),
}
#: Keys every fault kind takes: how often, and which requests it applies to.
_COMMON_KEYS: Final = frozenset({"count", "operation", *_FILTERS})


def _status(options: dict[str, str]) -> int | None:
    text = options.get("status")
    if text is None:
        return None
    if not text.isdecimal() or not 400 <= int(text) <= 599:  # noqa: PLR2004 - HTTP errors
        raise ValueError(f"status must be an HTTP error status from 400 to 599, not {text!r}")
    return int(text)


def _seconds(options: dict[str, str]) -> float:
    text = options.get("seconds", "1")
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds >= 0):
        raise ValueError(f"seconds must be a number of seconds, 0 or more, not {text!r}")
    return seconds


def _count(text: str) -> int | None:
    if text.lower() in _FOREVER:
        return None
    if not text.isdecimal() or int(text) < 1:
        raise ValueError(f"count must be a positive integer or 'forever', not {text!r}")
    return int(text)


#: Each kind: the keys it takes beyond the filters, and how it is built from them and the count.
KINDS: Final[dict[str, tuple[frozenset[str], _Builder]]] = {
    "throttling": (frozenset(), lambda o, n: Fault.throttling(n)),
    "kms-throttling": (frozenset(), lambda o, n: Fault.throttling(n, kms=True)),
    "internal-error": (frozenset(), lambda o, n: Fault.internal_error(n)),
    "http-error": (frozenset({"status"}), lambda o, n: Fault.http_error(_status(o) or 503, n)),
    "slow": (frozenset({"seconds"}), lambda o, n: Fault.slow(_seconds(o), n)),
    "drop-connection": (frozenset(), lambda o, n: Fault.drop_connection(n)),
    "malformed-body": (frozenset(), lambda o, n: Fault.malformed_body(n)),
    "access-denied": (frozenset(), lambda o, n: Fault.access_denied(n)),
    "kms-access-denied": (frozenset(), lambda o, n: Fault.access_denied(n, kms=True)),
    "validation": (
        frozenset({"message"}),
        lambda o, n: Fault.validation(n, message=o.get("message")),
    ),
    "error": (
        frozenset({"code", "message", "reason", "status"}),
        lambda o, n: Fault.error(
            o["code"], message=o.get("message"), reason=o.get("reason"), status=_status(o), count=n
        ),
    ),
}
HELP: Final = (
    "Misbehave: KIND[,key=value...], repeatable. KIND is one of "
    + ", ".join(KINDS)
    + ". Every kind takes count=N|forever (default 1), and the filters operation=NAME, "
    "instance=ARN, region=NAME and request=ID (the request ID a Describe or List status "
    "operation asks about); http-error takes status=503; slow takes seconds=1 (real seconds); "
    "error needs code=ExpiredTokenException and takes message=, reason= and status=; "
    "validation takes message=."
)


def parse_fault(spec: str) -> FaultSpec:
    """Parse a ``--fault`` spec into the fault and its filters.

    Example: ``"throttling,count=3,operation=DescribeRegion,region=eu-west-1"`` gives
    ``(Fault.throttling(3), {"operation": "DescribeRegion", "region_name": "eu-west-1"})``.

    Raises:
        ValueError: For an unknown kind, operation or key, or a bad value, saying which.
    """
    kind, *pairs = (part.strip() for part in spec.split(","))
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; choose from {', '.join(KINDS)}")
    keys, build = KINDS[kind]
    allowed = sorted(_COMMON_KEYS | keys)
    options: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = (part.strip() for part in pair.partition("="))
        if not sep:
            raise ValueError(f"{pair!r} is not key=value")
        if key not in allowed:
            raise ValueError(f"a {kind} fault takes no {key!r}; its keys are {', '.join(allowed)}")
        options[key] = value
    if kind == "error" and not options.get("code"):
        raise ValueError("an error fault needs code=<ErrorCode>, e.g. code=ExpiredTokenException")
    filters: dict[str, str] = {}
    operation = options.get("operation")
    if operation is not None:
        if operation not in OPERATIONS:
            raise ValueError(
                f"unknown operation {operation!r}; choose from {', '.join(OPERATIONS)}"
            )
        filters["operation"] = operation
    for key, (argument, shape, what) in _FILTERS.items():
        given = options.get(key)
        if given is not None:
            if not matches(shape, given):
                raise ValueError(f"{key} must be {what}, not {given!r}")
            filters[argument] = given
    return build(options, _count(options.get("count", "1"))), filters
