"""Raw HTTP against the endpoint: what the framework answers before an operation runs."""

# STYLE.md asks for `assert expected == actual`, which ruff's SIM300 calls a Yoda condition.

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from poller.simulator import Server, Simulator, serve
from poller.simulator._operations import OPERATIONS

from .conftest import KMS_KEY
from .shapes import model_violations

SIGNED = {
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/sso/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-target, Signature=00"
    ),
    "Content-Type": "application/x-amz-json-1.1",
}


@pytest.fixture
async def endpoint() -> AsyncIterator[Server]:
    """A served simulator on the test's own event loop."""
    async with serve(Simulator(seed=1)) as server:
        yield server


async def _post(
    server: Server, headers: dict[str, str], body: bytes = b"{}"
) -> tuple[int, Any, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(server.endpoint_url + "/", headers=headers, data=body) as response,
    ):
        text = await response.read()
        return response.status, dict(response.headers), json.loads(text) if text else None


async def test_missing_authentication(endpoint: Server) -> None:
    """No Authorization header: 403 MissingAuthenticationTokenException, Message as coral's too."""
    headers = {"X-Amz-Target": "SWBExternalService.ListInstances"}
    status, answer_headers, body = await _post(endpoint, headers)

    assert (403, "MissingAuthenticationTokenException") == (
        status,
        answer_headers["x-amzn-ErrorType"],
    )
    assert {
        "__type": "com.amazon.coral.service#MissingAuthenticationTokenException",
        "Message": "Missing Authentication Token",
        "message": "Missing Authentication Token",
    } == body


async def test_not_sigv4(endpoint: Server) -> None:
    """An Authorization header that is not SigV4 is an IncompleteSignatureException."""
    headers = {"Authorization": "Bearer x", "X-Amz-Target": "SWBExternalService.ListInstances"}
    status, _, body = await _post(endpoint, headers)

    assert (400, "com.amazon.coral.service#IncompleteSignatureException") == (
        status,
        body["__type"],
    )


async def test_unknown_operation(endpoint: Server) -> None:
    """A target the service does not serve is UnknownOperationException."""
    headers = {**SIGNED, "X-Amz-Target": "SWBExternalService.DeletePermissionSet"}

    status, _, body = await _post(endpoint, headers)

    assert (400, "com.amazon.coral.service#UnknownOperationException") == (status, body["__type"])
    assert body["message"].startswith(
        "Operation SWBExternalService.DeletePermissionSet is not supported by this endpoint"
    )


async def test_missing_target(endpoint: Server) -> None:
    """A request without X-Amz-Target is told that it named no operation."""
    status, _, body = await _post(endpoint, SIGNED)

    assert (400, "com.amazon.coral.service#UnknownOperationException") == (status, body["__type"])
    assert body["message"].startswith("Operation (no X-Amz-Target header) is not supported")


async def test_body_not_json(endpoint: Server) -> None:
    """A body that is not a JSON object is a SerializationException."""
    headers = {**SIGNED, "X-Amz-Target": "SWBExternalService.ListInstances"}
    status, _, body = await _post(endpoint, headers, b"[1, 2")

    assert (400, "com.amazon.coral.service#SerializationException") == (status, body["__type"])


async def test_service_error_shape(endpoint: Server) -> None:
    """A service error carries its namespace, Message, and the ErrorType header."""
    headers = {**SIGNED, "X-Amz-Target": "SWBExternalService.DescribeInstance"}
    arn = "arn:aws:sso:::instance/ssoins-0000000000000000"
    status, answer_headers, body = await _post(
        endpoint, headers, json.dumps({"InstanceArn": arn}).encode()
    )

    assert (400, "AccessDeniedException") == (status, answer_headers["x-amzn-ErrorType"])
    assert {
        "__type": "com.amazonaws.swbexternalservice#AccessDeniedException",
        "Message": f"User is not authorized to perform: sso:DescribeInstance on resource: {arn}",
    } == body
    assert answer_headers["x-amzn-RequestId"]


async def test_success_shape(endpoint: Server) -> None:
    """Success is 200, the JSON 1.1 content type, a request id, dates as epoch numbers."""
    endpoint.simulator.create_instance("n")
    headers = {**SIGNED, "X-Amz-Target": "SWBExternalService.ListInstances"}
    status, answer_headers, body = await _post(endpoint, headers)

    assert (200, "application/x-amz-json-1.1") == (status, answer_headers["Content-Type"])
    assert isinstance(body["Instances"][0]["CreatedDate"], float)
    assert answer_headers["x-amzn-RequestId"]


def test_answers_match_the_service_model() -> None:
    """DescribeInstance and ListInstances outputs validate against botocore's model."""
    sim = Simulator(time_scale=1e-6, seed=5)
    arn = sim.create_instance("model-check", fail_reason="Quota")
    sim.advance(60)
    sim.update_encryption(arn, key_type="CUSTOMER_MANAGED_KEY", kms_key_arn=KMS_KEY)
    outputs = {
        "DescribeInstance": OPERATIONS["DescribeInstance"](sim, {"InstanceArn": arn}),
        "ListInstances": OPERATIONS["ListInstances"](sim, {"MaxResults": 1}),
    }

    for name, output in outputs.items():
        assert [] == model_violations(name, output)
