"""A local IAM Identity Center endpoint that speaks SSO Admin's real wire protocol.

Unmodified clients (aiobotocore, boto3, the AWS CLI) pointed at it with an endpoint URL see
the AWS JSON 1.1 protocol of the real service for CreateInstance, DescribeInstance,
ListInstances, UpdateInstance and DeleteInstance. Lifecycles run on a simulated clock that
can run faster than the real one, and faults (throttling, 5xx, dropped connections …) can be
scripted per operation and per instance::

    sim = Simulator(time_scale=1000.0)
    arn = sim.create_instance("demo")
    sim.add_fault(Fault.throttling(count=3), operation="DescribeInstance")
    async with serve(sim) as server:
        ...  # point a client at server.endpoint_url

From a shell: ``python -m poller.simulator --help``; :data:`simulate_command` is that command
as a click command, for a group to register (``poller simulate``).
"""

from __future__ import annotations

from poller.simulator._cli import simulate_command
from poller.simulator._errors import ServiceError
from poller.simulator._faults import Fault, FaultKind
from poller.simulator._log import RequestRecord
from poller.simulator._server import Server, make_app, serve, serve_in_thread
from poller.simulator._simulator import Simulator

__all__ = [
    "Fault",
    "FaultKind",
    "RequestRecord",
    "Server",
    "ServiceError",
    "Simulator",
    "make_app",
    "serve",
    "serve_in_thread",
    "simulate_command",
]
