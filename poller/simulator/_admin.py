"""The admin path: JSON over HTTP under ``/_poller``, to change a running simulator.

For a person or a shell script driving ``poller simulate``: create and delete instances,
force a status, arm faults and failures, move the clock, read the request log, turn the
service limits on or off and read their counters, change how long requests take, without a
restart. AWS clients never reach it (the AWS JSON 1.1 protocol always POSTs to ``/``).

Admin requests are not SigV4-checked, not subject to faults and not counted in the request
log: the endpoint is a local test tool, listening on loopback by default. ``GET /_poller``
lists the routes. A bad body is HTTP 400, an unknown resource 404, an unknown route 404, a
known route with another method 405; each with ``{"error": "..."}``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from aiohttp import web

from poller.simulator._errors import ServiceError
from poller.simulator._fault_specs import parse_fault
from poller.simulator._log import RequestRecord
from poller.simulator._simulator import Simulator

#: The path prefix of the admin routes.
PREFIX: Final = "/_poller"
#: Service errors that mean "no such thing".
_NOT_FOUND: Final = frozenset({"AccessDeniedException", "ResourceNotFoundException"})
_FAILURE_KINDS: Final = ("assignment", "provisioning")


class AdminError(Exception):
    """A request the admin path refuses: its HTTP status and what was wrong."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Body:
    """The JSON object of a request, read one typed key at a time."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def text(self, key: str, *, required: bool = False) -> str | None:
        """A string (or ``null`` when not *required*)."""
        if required and self.values.get(key) is None:
            raise AdminError(400, f"{key!r} is required")
        value = self.values.get(key)
        if value is not None and not isinstance(value, str):
            raise AdminError(400, f"{key!r} must be a string, not {json.dumps(value)}")
        return value

    def number(self, key: str, *, positive: bool = False) -> float | None:
        """A number, 0 or more (above 0 with *positive*); ``Infinity`` for never."""
        value = self.values.get(key)
        if value is None:
            return None
        low = "above 0" if positive else "0 or more"
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or math.isnan(value)
            or value < 0
            or (positive and (value == 0 or math.isinf(value)))
        ):
            raise AdminError(400, f"{key!r} must be a number {low}, not {json.dumps(value)}")
        return float(value)

    def flag(self, key: str) -> bool | None:
        """A boolean (or ``null``: unchanged)."""
        value = self.values.get(key)
        if value is not None and not isinstance(value, bool):
            raise AdminError(400, f"{key!r} must be true or false, not {json.dumps(value)}")
        return value

    def finite(self, key: str) -> float | None:
        """A finite number, 0 or more."""
        value = self.number(key)
        if value is not None and math.isinf(value):
            raise AdminError(400, f"{key!r} must be finite")
        return value

    def integer(self, key: str) -> int | None:
        """Any integer (or ``null``)."""
        value = self.values.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise AdminError(400, f"{key!r} must be an integer, not {json.dumps(value)}")
        return value

    def count(self, key: str) -> int | None:
        """A positive integer, or ``null`` for every one."""
        value = self.values.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise AdminError(400, f"{key!r} must be a positive integer, not {json.dumps(value)}")
        if value is not None and value < 1:
            raise AdminError(400, f"{key!r} must be a positive integer, not {value}")
        return value


_Handler = Callable[[Simulator, _Body, web.Request], Any]


@dataclass(frozen=True, slots=True)
class _Route:
    method: str
    path: str
    keys: tuple[str, ...]  # the body's keys (required ones first); others are refused
    summary: str
    handler: _Handler


def _record(record: RequestRecord, offset: float) -> dict[str, Any]:
    when = dt.datetime.fromtimestamp(record.time + offset, dt.UTC)
    return {
        "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "operation": record.operation,
        "instance_arn": record.instance_arn,
        "region_name": record.region_name,
        "request_id": record.request_id,
        "permission_set_arn": record.permission_set_arn,
        "target_id": record.target_id,
        "principal_type": record.principal_type,
        "principal_id": record.principal_id,
        "status": record.status,
        "error_code": record.error_code,
    }


def _requests(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    records = list(sim.requests)
    limit = request.query.get("limit")
    if limit is not None:
        if not limit.isdecimal():
            raise AdminError(400, f"limit must be an integer, 0 or more, not {limit!r}")
        records = records[len(records) - int(limit) :] if int(limit) else []
    offset = time.time() - time.monotonic()  # record times are monotonic
    return {"count": sim.request_count, "requests": [_record(r, offset) for r in records]}


def _create(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    fail_reason = body.text("fail_reason") if "fail_reason" in body else sim.create_fail_reason
    arn = sim.create_instance(
        body.text("name"), create_seconds=body.number("create_seconds"), fail_reason=fail_reason
    )
    return {"InstanceArn": arn}


def _delete(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    arn = str(body.text("InstanceArn", required=True))
    sim.delete_instance(arn, delete_seconds=body.number("delete_seconds"))
    return {"InstanceArn": arn}


def _forcing(
    force: Callable[..., None], *names: str
) -> Callable[[Simulator, _Body, web.Request], dict[str, Any]]:
    """A handler that forces a status with *force*, given the body's *names* and status."""

    def handle(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
        identity = [str(body.text(name, required=True)) for name in names]
        if "status" not in body:
            raise AdminError(400, "'status' is required (null lifts a forced status)")
        reason = {"reason": body.text("reason")} if "reason" in body.values else {}
        force(sim, *identity, body.text("status"), **reason)
        return dict(zip(names, identity, strict=True))

    return handle


def _add_fault(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    try:
        fault, filters = parse_fault(str(body.text("fault", required=True)))
    except ValueError as exc:
        raise AdminError(400, str(exc)) from None
    sim.add_fault(fault, **filters)
    return {"faults": len(sim.faults)}


def _clear_faults(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    sim.clear_faults()
    return {"faults": 0}


def _time(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    advance, scale = body.number("advance"), body.number("time_scale", positive=True)
    if advance is None and scale is None:
        raise AdminError(400, "give 'advance' (simulated seconds) or 'time_scale', or both")
    if advance is not None:
        if math.isinf(advance):
            raise AdminError(400, "'advance' must be finite")
        sim.advance(advance)
    if scale is not None:
        sim.time_scale = scale
    return {"now": sim.now(), "time_scale": sim.time_scale}


def _fail(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    kind = body.text("kind", required=True)
    if kind not in _FAILURE_KINDS:
        raise AdminError(400, f"'kind' must be one of {', '.join(_FAILURE_KINDS)}, not {kind!r}")
    arm = sim.fail_assignments if kind == "assignment" else sim.fail_provisioning
    arm(
        str(body.text("reason", required=True)),
        account_id=body.text("account_id"),
        permission_set_arn=body.text("permission_set_arn"),
        count=body.count("count"),
    )
    return {"kind": kind}


def _clear_failures(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    sim.clear_failures()
    return {}


def _add_region(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    arn = str(body.text("InstanceArn", required=True))
    name = str(body.text("RegionName", required=True))
    sim.add_region(arn, name, seconds=body.number("seconds"))
    return {"InstanceArn": arn, "RegionName": name}


def _limits_state(sim: Simulator) -> dict[str, Any]:
    counters = sim.limit_counters()
    limits = sim.limits
    return {
        "enabled": limits.enabled,
        "rate": limits.rate,
        "burst": limits.burst,
        "outstanding": limits.outstanding,
        "counters": {
            "throttled": {
                "rate": counters.throttled_rate,
                "outstanding": counters.throttled_outstanding,
            },
            "conflicts": counters.conflicts,
            "peak_outstanding_writes": counters.peak_outstanding,
            "peak_outstanding_writes_by_instance": dict(counters.peak_outstanding_by_instance),
            "outstanding_writes": sim.outstanding_by_instance(),
        },
    }


def _limits(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    return _limits_state(sim)


def _set_limits(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    rate, burst = body.number("rate", positive=True), body.finite("burst")
    sim.configure_limits(
        body.flag("enabled"), rate=rate, burst=burst, outstanding=body.count("outstanding")
    )
    return _limits_state(sim)


def _reset_counters(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    sim.reset_limit_counters()
    return _limits_state(sim)


_LIFECYCLE_KEYS: Final = (
    "assignment_seconds",
    "assignment_sigma",
    "provisioning_seconds",
    "provisioning_sigma",
    "seed",
)


def _lifecycles_state(sim: Simulator) -> dict[str, Any]:
    return {
        "assignment_seconds": sim.assignment_seconds,
        "assignment_sigma": sim.assignment_sigma,
        "provisioning_seconds": sim.provisioning_seconds,
        "provisioning_sigma": sim.provisioning_sigma,
        "seed": sim.lifecycle_seed,
    }


def _lifecycles(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    return _lifecycles_state(sim)


def _set_lifecycles(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    sim.set_lifecycles(
        assignment_seconds=body.finite("assignment_seconds"),
        assignment_sigma=body.finite("assignment_sigma"),
        provisioning_seconds=body.finite("provisioning_seconds"),
        provisioning_sigma=body.finite("provisioning_sigma"),
        seed=body.integer("seed"),
    )
    return _lifecycles_state(sim)


def _index(sim: Simulator, body: _Body, request: web.Request) -> dict[str, Any]:
    return {
        "routes": [
            {"method": r.method, "path": r.path, "body": list(r.keys), "summary": r.summary}
            for r in ROUTES
        ]
    }


_STATUS_KEYS: Final = ("InstanceArn", "status", "reason")
ROUTES: Final[tuple[_Route, ...]] = (
    _Route("GET", PREFIX, (), "These routes.", _index),
    _Route(
        "GET",
        f"{PREFIX}/requests",
        (),
        "The request log, oldest first, and how many requests came in all; ?limit=N: the last N.",
        _requests,
    ),
    _Route(
        "POST",
        f"{PREFIX}/instances",
        ("name", "create_seconds", "fail_reason"),
        "Create an instance; answers its InstanceArn. fail_reason defaults to "
        "--create-fail-reason (null: none).",
        _create,
    ),
    _Route(
        "POST",
        f"{PREFIX}/instances/delete",
        ("InstanceArn", "delete_seconds"),
        "Start deleting an instance.",
        _delete,
    ),
    _Route(
        "POST",
        f"{PREFIX}/instances/status",
        _STATUS_KEYS,
        "Force an instance's Status and StatusReason (any string); status null lifts it.",
        _forcing(Simulator.set_status, "InstanceArn"),
    ),
    _Route(
        "POST",
        f"{PREFIX}/instances/encryption-status",
        _STATUS_KEYS,
        "Force an instance's EncryptionStatus and its reason; status null lifts it.",
        _forcing(Simulator.set_encryption_status, "InstanceArn"),
    ),
    _Route(
        "POST",
        f"{PREFIX}/regions",
        ("InstanceArn", "RegionName", "seconds"),
        "Add a Region to an instance (ADDING for seconds, then ACTIVE).",
        _add_region,
    ),
    _Route(
        "POST",
        f"{PREFIX}/regions/status",
        ("InstanceArn", "RegionName", "status"),
        "Force a Region's Status; status null lifts it.",
        _forcing(Simulator.set_region_status, "InstanceArn", "RegionName"),
    ),
    _Route(
        "POST",
        f"{PREFIX}/access-control/status",
        _STATUS_KEYS,
        "Force the Status and StatusReason of an instance's attribute-based access control "
        "configuration; status null lifts it.",
        _forcing(Simulator.set_access_control_status, "InstanceArn"),
    ),
    _Route(
        "POST",
        f"{PREFIX}/requests/status",
        ("RequestId", "status", "reason"),
        "Force the Status and FailureReason of a provisioning or assignment request; status "
        "null lifts it.",
        _forcing(Simulator.set_request_status, "RequestId"),
    ),
    _Route(
        "POST",
        f"{PREFIX}/failures",
        ("kind", "reason", "account_id", "permission_set_arn", "count"),
        "Make new assignment or provisioning requests (kind) end FAILED with reason; "
        "count null: every one.",
        _fail,
    ),
    _Route("DELETE", f"{PREFIX}/failures", (), "Disarm every failure rule.", _clear_failures),
    _Route(
        "POST",
        f"{PREFIX}/faults",
        ("fault",),
        "Arm a fault: a --fault spec, e.g. throttling,count=3,operation=DescribeInstance.",
        _add_fault,
    ),
    _Route("DELETE", f"{PREFIX}/faults", (), "Disarm every fault.", _clear_faults),
    _Route(
        "GET",
        f"{PREFIX}/limits",
        (),
        "The service limits (enabled, rate, burst, outstanding) and their counters: requests "
        "throttled by each limit, conflicts, outstanding writes now and at their peak.",
        _limits,
    ),
    _Route(
        "POST",
        f"{PREFIX}/limits",
        ("enabled", "rate", "burst", "outstanding"),
        "Turn the service limits on or off (enabled), or tune them: rate (requests a simulated "
        "second), burst, outstanding (asynchronous writes per instance).",
        _set_limits,
    ),
    _Route(
        "DELETE",
        f"{PREFIX}/limits/counters",
        (),
        "Zero the limits' counters; peaks start again from the outstanding writes now.",
        _reset_counters,
    ),
    _Route(
        "GET",
        f"{PREFIX}/lifecycles",
        (),
        "How long assignment and provisioning requests take: median seconds and sigma (0: "
        "fixed), and the seed of the drawn durations.",
        _lifecycles,
    ),
    _Route(
        "POST",
        f"{PREFIX}/lifecycles",
        _LIFECYCLE_KEYS,
        "Set the (median) seconds and sigma of assignment or provisioning requests started from "
        "now on (sigma above 0: log-normal durations); seed starts the draws again.",
        _set_lifecycles,
    ),
    _Route(
        "POST",
        f"{PREFIX}/time",
        ("advance", "time_scale"),
        "Jump simulated time forward by advance seconds and/or set time_scale.",
        _time,
    ),
)
_BY_PATH: Final = {(r.method, r.path): r for r in ROUTES}


class Admin:
    """The aiohttp handler of every path under :data:`PREFIX`."""

    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    async def handle(self, request: web.Request) -> web.Response:
        """Answer one admin request with JSON."""
        try:
            route = self._route(request)
            body = _Body(await self._body(request, route))
            answer = route.handler(self.simulator, body, request)
        except AdminError as err:
            return _json({"error": err.message}, err.status)
        except ServiceError as err:
            if err.code in _NOT_FOUND:  # the service denies access to an unknown instance
                return _json({"error": f"not found: {err.message}", "code": err.code}, 404)
            return _json({"error": err.message, "code": err.code}, 400)
        except ValueError as exc:  # a bad value the simulator refused
            return _json({"error": str(exc)}, 400)
        return _json(answer, 200)

    @staticmethod
    def _route(request: web.Request) -> _Route:
        path = request.path.rstrip("/") or "/"
        route = _BY_PATH.get((request.method, path))
        if route is not None:
            return route
        allowed = sorted(method for method, known in _BY_PATH if known == path)
        if allowed:
            raise AdminError(405, f"{request.method} {path}: use {' or '.join(allowed)}")
        raise AdminError(404, f"no admin route {request.method} {path}; GET {PREFIX} lists them")

    @staticmethod
    async def _body(request: web.Request, route: _Route) -> dict[str, Any]:
        raw = await request.read()
        if not raw.strip():
            return {}
        try:
            values = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise AdminError(400, f"the body is not JSON: {exc}") from None
        if not isinstance(values, dict):
            raise AdminError(400, "the body must be a JSON object")
        unknown = sorted(set(values) - set(route.keys))
        if unknown:
            takes = ", ".join(route.keys) or "no keys"
            raise AdminError(400, f"unknown key(s) {', '.join(unknown)}; it takes {takes}")
        return values


def _json(value: Any, status: int) -> web.Response:
    return web.Response(
        status=status, text=json.dumps(value, allow_nan=False), content_type="application/json"
    )


def add_routes(app: web.Application, simulator: Simulator) -> None:
    """Serve the admin path of *simulator* on *app* (before any catch-all route)."""
    handler = Admin(simulator).handle
    app.router.add_route("*", PREFIX, handler)
    app.router.add_route("*", PREFIX + "/{tail:.*}", handler)
