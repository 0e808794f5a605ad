"""The Describe and List operations of requests, shared by provisioning and assignments."""

from __future__ import annotations

from typing import Any

from poller.simulator._errors import ServiceError
from poller.simulator._model import validate
from poller.simulator._operations._paging import listing, paginate_where
from poller.simulator._requests import RequestKind
from poller.simulator._simulator import Simulator


def describe_request(
    sim: Simulator, body: dict[str, Any], operation: str, kind: RequestKind, id_member: str
) -> dict[str, Any]:
    """Answer ``{<kind>Status: {...}}`` for the request *id_member* names.

    Raises:
        ServiceError: ResourceNotFoundException for a request that is not one of *kind* on
            that instance.
    """
    validate(operation, body)
    arn, request_id = body["InstanceArn"], body[id_member]
    sim.require(arn, operation)
    try:
        request = sim.find_request(request_id)
    except ServiceError:
        request = None
    if request is None or request.kind is not kind or request.instance_arn != arn:
        raise ServiceError(
            "ResourceNotFoundException",
            f"Could not find the {kind.value} request {request_id} on instance {arn}.",
        )
    return {f"{kind.value}Status": request.status_object(sim.now(), sim.clock.epoch_origin)}


def list_requests(
    sim: Simulator, body: dict[str, Any], operation: str, kind: RequestKind, key: str
) -> dict[str, Any]:
    """Answer a page of the instance's requests of *kind*, oldest first, under *key*.

    ``Filter.Status`` (IN_PROGRESS, FAILED or SUCCEEDED) keeps only the requests in that
    status now; ``MaxResults`` (at most 100, the default) and ``NextToken`` page through them.
    A token resumes where the previous page ended among all the requests, so a request that
    ends between two pages moves no other from one page to the next.
    """
    validate(operation, body)
    instance = sim.require(body["InstanceArn"], operation)
    now, epoch = sim.now(), sim.clock.epoch_origin
    wanted = (body.get("Filter") or {}).get("Status")
    requests = instance.requests.get(kind, [])
    page, token = paginate_where(
        requests, body, lambda request: wanted is None or request.status(now) == wanted
    )
    return listing(key, [request.summary(now, epoch) for request in page], token)
