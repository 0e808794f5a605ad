"""A local IAM Identity Center endpoint that speaks SSO Admin's real wire protocol.

Unmodified clients (aiobotocore, boto3, the AWS CLI) pointed at it with an endpoint URL see
the AWS JSON 1.1 protocol of the real service for every operation a rollout uses: the
instance operations (Create, Describe, List, Update, DeleteInstance), Regions (AddRegion,
RemoveRegion, DescribeRegion, ListRegions), attribute-based access control (Create, Describe,
Update, DeleteInstanceAccessControlAttributeConfiguration), permission sets and their
provisioning (CreatePermissionSet, DescribePermissionSet, ListPermissionSets,
ProvisionPermissionSet, Describe/ListPermissionSetProvisioningStatus) and account assignments
(Create/DeleteAccountAssignment, their Describe/List status operations,
ListAccountAssignments, ListAccountAssignmentsForPrincipal). Inputs are checked against
botocore's service model. Lifecycles run on a simulated clock that can run faster than the
real one, each request's duration fixed or drawn from a seeded log-normal; failures can be
asked for, and faults (throttling, 5xx, dropped connections ...) scripted per operation,
instance, Region or request. With ``aws_limits=True`` the endpoint enforces IAM Identity
Center's documented limits (20 requests a second over every operation, 15 outstanding
asynchronous writes per instance, one update of a permission set at a time) and counts what
they refuse::

    sim = Simulator(time_scale=1000.0, aws_limits=True, assignment_sigma=0.5, seed=7)
    arn = sim.create_instance("demo")
    sim.add_fault(Fault.throttling(count=3), operation="DescribeInstance")
    sim.fail_assignments("The account is suspended.", account_id="111122223333")
    async with serve(sim) as server:
        ...  # point a client at server.endpoint_url
    assert sim.limit_counters().peak_outstanding <= 15

From a shell: ``python -m poller.simulator --help``; :data:`simulate_command` is that command
as a click command, for a group to register (``poller simulate``).

The server also answers an admin path, JSON over HTTP under ``/_poller`` (``GET /_poller``
lists its routes), so that a script can change a running simulator: create, delete and force
the status of instances (``POST /_poller/instances``, ``.../instances/delete``,
``.../instances/status``, ``.../instances/encryption-status``), Regions and access control
(``POST /_poller/regions``, ``.../regions/status``, ``.../access-control/status``), requests
(``POST /_poller/requests/status``), failures (``POST``/``DELETE /_poller/failures``), faults
(``POST /_poller/faults`` with a ``--fault`` spec, ``DELETE`` to clear), the clock
(``POST /_poller/time``), the request log (``GET /_poller/requests?limit=N``), the service
limits and their counters (``GET``/``POST /_poller/limits``, ``DELETE
/_poller/limits/counters``) and the requests' durations (``GET``/``POST
/_poller/lifecycles``). Admin
requests are not SigV4-checked, not subject to faults and not logged: this is a local test
endpoint, on loopback by default::

    curl http://127.0.0.1:4566/_poller/instances -d '{"name": "demo", "create_seconds": 5}'
"""

from __future__ import annotations

from poller.simulator._cli import simulate_command
from poller.simulator._errors import ServiceError
from poller.simulator._faults import Fault, FaultKind
from poller.simulator._limits import LimitCounters
from poller.simulator._log import RequestRecord
from poller.simulator._server import Server, make_app, serve, serve_in_thread
from poller.simulator._simulator import Simulator

__all__ = [
    "Fault",
    "FaultKind",
    "LimitCounters",
    "RequestRecord",
    "Server",
    "ServiceError",
    "Simulator",
    "make_app",
    "serve",
    "serve_in_thread",
    "simulate_command",
]
