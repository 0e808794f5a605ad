"""Account assignments: a principal's access to an account through a permission set.

They are created and deleted by requests (IN_PROGRESS, then SUCCEEDED or FAILED).

Whether an assignment exists at a time is computed from the last request that changed it and
from whether it existed before that request, so nothing runs in the background.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from poller.simulator._model import check
from poller.simulator._permission_sets import PermissionSetScripts
from poller.simulator._requests import IN_PROGRESS, SUCCEEDED, Request, RequestKind

if TYPE_CHECKING:
    from poller.simulator._instances import Instance

USER: Final = "USER"
GROUP: Final = "GROUP"
#: The principal of scripted assignments that name none: an Identity Store user ID.
DEFAULT_PRINCIPAL_ID: Final = "94482488-3041-7026-18f3-be45837cd0e4"


@dataclass(slots=True)
class Assignment:
    """One (account, permission set, principal) triple and the last request that changed it."""

    account_id: str
    permission_set_arn: str
    principal_type: str
    principal_id: str
    existed: bool = False
    last: Request | None = None

    def exists(self, now: float) -> bool:
        """Tell whether the assignment is in place at *now*."""
        last = self.last
        if last is None or last.status(now) != SUCCEEDED:
            return self.existed
        return last.kind is RequestKind.ASSIGNMENT_CREATION

    def is_changing(self, now: float) -> bool:
        """Tell whether a creation or deletion of it is in progress at *now*."""
        return self.last is not None and self.last.status(now) == IN_PROGRESS

    def is_reserved(self, now: float) -> bool:
        """Tell whether it counts against the quota: in place, or being created."""
        if self.is_changing(now):
            assert self.last is not None  # for the type checker
            return self.last.kind is RequestKind.ASSIGNMENT_CREATION or self.existed
        return self.exists(now)

    def listing(self) -> dict[str, Any]:
        """Return the ``AccountAssignment`` structure that ListAccountAssignments shows."""
        return {
            "AccountId": self.account_id,
            "PermissionSetArn": self.permission_set_arn,
            "PrincipalType": self.principal_type,
            "PrincipalId": self.principal_id,
        }


def find(
    instance: Instance,
    account_id: str,
    permission_set_arn: str,
    principal: tuple[str, str],
    *,
    create: bool = False,
) -> Assignment | None:
    """Return the record of one assignment (made, with *create*, if there is none yet)."""
    by_principal = instance.assignments.get((account_id, permission_set_arn))
    if by_principal is None:
        if not create:
            return None
        by_principal = instance.assignments[(account_id, permission_set_arn)] = {}
    found = by_principal.get(principal)
    if found is None and create:
        found = by_principal[principal] = Assignment(
            account_id, permission_set_arn, principal[0], principal[1]
        )
        instance.principal_assignments.setdefault(principal, []).append(found)
    return found


def reserved(instance: Instance, now: float) -> int:
    """Count the instance's assignments that are in place or being created at *now*."""
    return sum(
        assignment.is_reserved(now)
        for by_principal in list(instance.assignments.values())
        for assignment in list(by_principal.values())
    )


def records(instance: Instance) -> int:
    """Count the assignment records of the instance: an upper bound of :func:`reserved`."""
    return sum(len(by_principal) for by_principal in list(instance.assignments.values()))


class AssignmentScripts(PermissionSetScripts):
    """The :class:`~poller.simulator.Simulator` methods that script account assignments."""

    def create_account_assignment(
        self,
        arn: str,
        permission_set_arn: str,
        account_id: str,
        *,
        principal_id: str = DEFAULT_PRINCIPAL_ID,
        principal_type: str = USER,
        seconds: float | None = None,
        fail_reason: str | None = None,
        never_finish: bool = False,
    ) -> str:
        """Start assigning a permission set to a principal in an account; return the request ID.

        The request is ``IN_PROGRESS`` for *seconds*, then ``SUCCEEDED`` (the assignment is
        in place) or ``FAILED`` with *fail_reason*. Unlike CreateAccountAssignment on the
        wire, this starts even while another change of the same assignment is in progress,
        and counts against no quota and no service limit (though it is one more outstanding
        write of its instance while it runs).

        Args:
            arn: The instance.
            permission_set_arn: The permission set (of that instance).
            account_id: The account (``TargetId``), 12 digits.
            principal_id: The user or group.
            principal_type: ``"USER"`` or ``"GROUP"``.
            seconds: How long it takes; by default, the simulator's ``assignment_seconds``
                (or, with an ``assignment_sigma``, a draw from that log-normal).
            fail_reason: End ``FAILED`` with this ``FailureReason``.
            never_finish: Stay ``IN_PROGRESS`` for ever.
        """
        return self._change_assignment(
            RequestKind.ASSIGNMENT_CREATION,
            arn,
            permission_set_arn,
            account_id,
            (principal_type, principal_id),
            seconds=seconds,
            fail_reason=fail_reason,
            never_finish=never_finish,
        )

    def delete_account_assignment(
        self,
        arn: str,
        permission_set_arn: str,
        account_id: str,
        *,
        principal_id: str = DEFAULT_PRINCIPAL_ID,
        principal_type: str = USER,
        seconds: float | None = None,
        fail_reason: str | None = None,
        never_finish: bool = False,
    ) -> str:
        """Start deleting an assignment; return the request ID.

        As :meth:`create_account_assignment`; once the request has ``SUCCEEDED`` the
        assignment is gone. It need not exist: that is for DeleteAccountAssignment to check.
        """
        return self._change_assignment(
            RequestKind.ASSIGNMENT_DELETION,
            arn,
            permission_set_arn,
            account_id,
            (principal_type, principal_id),
            seconds=seconds,
            fail_reason=fail_reason,
            never_finish=never_finish,
        )

    def _change_assignment(
        self,
        kind: RequestKind,
        arn: str,
        permission_set_arn: str,
        account_id: str,
        principal: tuple[str, str],
        *,
        seconds: float | None,
        fail_reason: str | None,
        never_finish: bool,
    ) -> str:
        check("TargetId", "targetId", account_id)
        check("PrincipalType", "principalType", principal[0])
        check("PrincipalId", "principalId", principal[1])
        operation = (
            "CreateAccountAssignment"
            if kind is RequestKind.ASSIGNMENT_CREATION
            else "DeleteAccountAssignment"
        )
        with self._lock:
            self.require_permission_set(arn, permission_set_arn, operation)
            instance = self.require(arn, operation)
            now = self.clock.now()
            assignment = find(instance, account_id, permission_set_arn, principal, create=True)
            assert assignment is not None  # for the type checker
            request = self._start_request(
                kind,
                instance,
                permission_set_arn,
                seconds=seconds,
                fail_reason=fail_reason,
                never_finish=never_finish,
                target_id=account_id,
                principal=principal,
            )
            # What the previous request did is settled into `existed` before this one counts.
            assignment.existed = assignment.exists(now)
            assignment.last = request
        return request.request_id
