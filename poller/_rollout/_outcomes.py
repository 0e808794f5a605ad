"""How each item of a rollout ended: one outcome per item, in input order."""

from __future__ import annotations

import dataclasses

from poller._outcome import Outcome
from poller._resources._request_description import RequestDescription
from poller._rollout._plan import Assignment
from poller.exceptions import PollerError

__all__ = ["AssignmentOutcome", "ProvisionOutcome"]


@dataclasses.dataclass(frozen=True, slots=True)
class AssignmentOutcome:
    """How one assignment of :func:`poller.apply_account_assignments` ended.

    Attributes:
        assignment: The assignment, as given.
        outcome: ``reached`` (this run's request, or an earlier run's it adopted, succeeded),
            ``unchanged`` (it was in place already, or absent for a deletion: no request), or
            the outcome of :attr:`error` (``failed``, ``timed-out``, ``denied`` ...).
        request_id: The CreateAccountAssignment (DeleteAccountAssignment) request waited on;
            None when none was (unchanged, or never written).
        description: The request's final status object (its ``failure_reason`` is AWS's
            FailureReason); None when no request was described.
        error: Why it did not end as planned; None when it did.
        adopted: Whether the request was an earlier run's, found IN_PROGRESS and waited on
            rather than sent again.
    """

    assignment: Assignment
    outcome: Outcome
    request_id: str | None = None
    description: RequestDescription | None = None
    error: PollerError | None = None
    adopted: bool = False

    @property
    def ok(self) -> bool:
        """Whether the assignment is as planned: in place (absent, for a deletion)."""
        return self.error is None


@dataclasses.dataclass(frozen=True, slots=True)
class ProvisionOutcome:
    """How one permission set of :func:`poller.provision_permission_sets` ended.

    Attributes:
        permission_set_arn: The permission set, as given.
        outcome: ``reached`` when its ProvisionPermissionSet request succeeded, else the
            outcome of :attr:`error`.
        request_id: This run's ProvisionPermissionSet request, if one was accepted.
        description: Its final status object (``failure_reason``: AWS's FailureReason).
        error: Why it did not succeed; None when it did.
    """

    permission_set_arn: str
    outcome: Outcome
    request_id: str | None = None
    description: RequestDescription | None = None
    error: PollerError | None = None

    @property
    def ok(self) -> bool:
        """Whether the permission set was provisioned to every account it is assigned in."""
        return self.error is None
