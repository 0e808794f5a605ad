"""AWS JSON 1.1 on the wire, as SSO Admin speaks it: routing, authentication, answers.

Pure functions from request headers and bodies to :class:`Answer` values; the HTTP server
only copies them onto the socket.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from poller.simulator._errors import ServiceError

TARGET_PREFIX: Final = "SWBExternalService."
CONTENT_TYPE: Final = "application/x-amz-json-1.1"
SIGV4_ALGORITHM: Final = "AWS4-HMAC-SHA256"
#: The body of a malformed-body fault: a JSON document cut short.
MALFORMED_BODY: Final = b'{"InstanceArn": "arn:aws:sso:::instance/ssoins-'
_GATEWAY_BODY: Final = "<html><body><h1>{status}</h1>The server is unavailable.</body></html>\n"
#: The input members that name the provisioning or assignment request an operation asks about.
_REQUEST_ID_MEMBERS: Final = (
    "ProvisionPermissionSetRequestId",
    "AccountAssignmentCreationRequestId",
    "AccountAssignmentDeletionRequestId",
)


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer: status, headers and body bytes."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    error_code: str | None = None


@dataclass(frozen=True, slots=True)
class Subject:
    """What a request is about, as its input names it: what fault filters and the log see."""

    instance_arn: str | None = None
    region_name: str | None = None
    request_id: str | None = None
    permission_set_arn: str | None = None
    target_id: str | None = None
    principal_type: str | None = None
    principal_id: str | None = None


def subject_of(arguments: Mapping[str, Any]) -> Subject:
    """Return the instance, Region, request and assignment that *arguments* name (strings only).

    The assignment's members are those of CreateAccountAssignment's input (``TargetId``,
    ``PermissionSetArn``, ``PrincipalType``, ``PrincipalId``), as any input has them.
    """

    def text(member: str) -> str | None:
        value = arguments.get(member)
        return value if isinstance(value, str) else None

    request_id = next(
        (found for member in _REQUEST_ID_MEMBERS if (found := text(member)) is not None), None
    )
    return Subject(
        text("InstanceArn"),
        text("RegionName"),
        request_id,
        text("PermissionSetArn"),
        text("TargetId"),
        text("PrincipalType"),
        text("PrincipalId"),
    )


def new_request_id() -> str:
    """Return a fresh ``x-amzn-RequestId``."""
    return str(uuid.uuid4())


def success(output: Mapping[str, Any], request_id: str) -> Answer:
    """Encode an operation's output: HTTP 200 and the JSON document."""
    return Answer(
        200,
        json.dumps(output, separators=(",", ":")).encode(),
        {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id},
    )


def error(err: ServiceError, request_id: str) -> Answer:
    """Encode an AWS error: ``__type`` with its namespace, ``Message`` and ``Reason``.

    Every error body has ``Message`` (DESIGN.md, "Wire notes"); the request
    framework's errors (authentication, routing, parsing) also spell it ``message``, as AWS's
    own framework does. botocore reads either, and lifts ``Reason`` to the top level of the
    error response as a modeled member.
    """
    own = err.namespace.endswith("swbexternalservice")
    body: dict[str, Any] = {"__type": f"{err.namespace}#{err.code}"}
    if err.message:
        body["Message"] = err.message
        if not own:
            body["message"] = err.message
    if err.reason is not None:
        body["Reason"] = err.reason
    return Answer(
        err.status,
        json.dumps(body, separators=(",", ":")).encode(),
        {
            "Content-Type": CONTENT_TYPE,
            "x-amzn-RequestId": request_id,
            "x-amzn-ErrorType": err.code,
        },
        error_code=err.code,
    )


def bare_http_error(status: int) -> Answer:
    """A gateway's answer: an HTTP error with an HTML body and no AWS error code."""
    return Answer(
        status, _GATEWAY_BODY.format(status=status).encode(), {"Content-Type": "text/html"}
    )


def malformed(request_id: str) -> Answer:
    """HTTP 200 with a body that is not JSON."""
    return Answer(
        200, MALFORMED_BODY, {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id}
    )


def check_authorization(headers: Mapping[str, str]) -> None:
    """Require a SigV4 ``Authorization`` header; its signature is not verified.

    Raises:
        ServiceError: MissingAuthenticationTokenException (403) when there is no header,
            IncompleteSignatureException (400) when it is not SigV4.
    """
    authorization = headers.get("Authorization")
    if not authorization:
        raise ServiceError(
            "MissingAuthenticationTokenException", "Missing Authentication Token", status=403
        )
    algorithm, _, rest = authorization.partition(" ")
    if algorithm != SIGV4_ALGORITHM or "Credential=" not in rest or "Signature=" not in rest:
        raise ServiceError(
            "IncompleteSignatureException",
            f"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
            f"header and a {SIGV4_ALGORITHM} signature. Authorization={authorization[:40]}",
        )


def operation_name(headers: Mapping[str, str], known: Mapping[str, object]) -> str:
    """Return the operation ``X-Amz-Target`` names.

    Raises:
        ServiceError: UnknownOperationException for a target the service does not serve.
    """
    target = headers.get("X-Amz-Target", "")
    prefix, _, name = target.partition(".")
    if f"{prefix}." != TARGET_PREFIX or name not in known:
        shown = target or "(no X-Amz-Target header)"
        raise ServiceError(
            "UnknownOperationException",
            f"Operation {shown} is not supported by this endpoint "
            f"(it serves {', '.join(sorted(known))})",
        )
    return name


def decode_input(body: bytes) -> dict[str, Any]:
    """Decode the JSON input of an operation (an empty body is an empty input).

    Raises:
        ServiceError: SerializationException when the body is not a JSON object.
    """
    if not body.strip():
        return {}
    try:
        decoded = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        decoded = None
    if not isinstance(decoded, dict):
        raise ServiceError(
            "SerializationException", "Start of structure or map found where not expected."
        )
    return decoded
