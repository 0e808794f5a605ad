"""Permission sets, and provisioning them to accounts.

Provisioning is a request: IN_PROGRESS, then SUCCEEDED or FAILED.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from poller.simulator._errors import ServiceError
from poller.simulator._model import check
from poller.simulator._requests import IN_PROGRESS, Request, RequestKind, RequestScripts

DEFAULT_SESSION_DURATION: Final = "PT1H"


@dataclass(slots=True)
class PermissionSet:
    """A permission set; ``created_at`` is wall-clock seconds since the clock started."""

    arn: str
    name: str
    created_at: float
    session_duration: str = DEFAULT_SESSION_DURATION
    description: str | None = None
    relay_state: str | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    #: The latest ProvisionPermissionSet request, to refuse a second one while it runs.
    provisioning: Request | None = None

    def describe(self, epoch: float) -> dict[str, Any]:
        """Return the ``PermissionSet`` structure."""
        output: dict[str, Any] = {
            "Name": self.name,
            "PermissionSetArn": self.arn,
            "CreatedDate": round(epoch + self.created_at, 3),
            "SessionDuration": self.session_duration,
        }
        if self.description is not None:
            output["Description"] = self.description
        if self.relay_state is not None:
            output["RelayState"] = self.relay_state
        return output

    def is_provisioning(self, now: float) -> bool:
        """Tell whether a provisioning of this permission set is in progress at *now*."""
        return self.provisioning is not None and self.provisioning.status(now) == IN_PROGRESS

    def is_provisioning_to(self, account_id: str, now: float) -> bool:
        """Tell whether a provisioning in progress at *now* updates the set in *account_id*.

        One to that account, or one to every provisioned account (no ``TargetId``).
        """
        return self.is_provisioning(now) and (
            self.provisioning is not None and self.provisioning.target_id in (None, account_id)
        )


class PermissionSetScripts(RequestScripts):
    """The :class:`~poller.simulator.Simulator` methods that script permission sets."""

    def create_permission_set(
        self,
        arn: str,
        name: str,
        *,
        description: str | None = None,
        session_duration: str = DEFAULT_SESSION_DURATION,
        relay_state: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> str:
        """Create a permission set in instance *arn*; return its ARN.

        Raises:
            ServiceError: ValidationException for a name the model refuses.
        """
        check("PermissionSetName", "name", name)
        with self._lock:
            instance = self.require(arn, "CreatePermissionSet")
            instance_id = arn.rsplit("/", 1)[1]
            while True:
                suffix = f"ps-{self._rng.getrandbits(64):016x}"
                ps_arn = f"arn:{self.partition}:sso:::permissionSet/{instance_id}/{suffix}"
                if ps_arn not in instance.permission_sets:
                    break
            instance.permission_sets[ps_arn] = PermissionSet(
                ps_arn,
                name,
                self.clock.wall_elapsed(),
                session_duration,
                description,
                relay_state,
                list(tags or []),
            )
        return ps_arn

    def require_permission_set(
        self, arn: str, permission_set_arn: str, operation: str = "DescribePermissionSet"
    ) -> PermissionSet:
        """Return the permission set *permission_set_arn* of the live instance *arn*.

        Raises:
            ServiceError: As :meth:`require` for the instance; ValidationException for a
                malformed ARN; ResourceNotFoundException for one the instance does not have.
        """
        check("PermissionSetArn", "permissionSetArn", permission_set_arn)
        instance = self.require(arn, operation)
        found = instance.permission_sets.get(permission_set_arn)
        if found is None:
            raise ServiceError(
                "ResourceNotFoundException",
                f"Could not find PermissionSet with ARN {permission_set_arn}.",
            )
        return found

    def provision_permission_set(
        self,
        arn: str,
        permission_set_arn: str,
        *,
        account_id: str | None = None,
        seconds: float | None = None,
        fail_reason: str | None = None,
        never_finish: bool = False,
    ) -> str:
        """Start provisioning a permission set; return the request ID.

        The request is ``IN_PROGRESS`` for *seconds*, then ``SUCCEEDED``, or ``FAILED`` with
        *fail_reason*. Unlike ProvisionPermissionSet on the wire, this starts even while another
        provisioning of the same permission set is in progress.

        Args:
            arn: The instance.
            permission_set_arn: The permission set.
            account_id: The ``TargetId`` (``None``: every provisioned account).
            seconds: How long it takes; by default, the simulator's ``provisioning_seconds``
                (or, with a ``provisioning_sigma``, a draw from that log-normal).
            fail_reason: End ``FAILED`` with this ``FailureReason``.
            never_finish: Stay ``IN_PROGRESS`` for ever.
        """
        if account_id is not None:
            check("TargetId", "targetId", account_id)
        with self._lock:
            permission_set = self.require_permission_set(
                arn, permission_set_arn, "ProvisionPermissionSet"
            )
            request = self._start_request(
                RequestKind.PROVISIONING,
                self.require(arn),
                permission_set_arn,
                seconds=seconds,
                fail_reason=fail_reason,
                never_finish=never_finish,
                target_id=account_id,
            )
            permission_set.provisioning = request
        return request.request_id
