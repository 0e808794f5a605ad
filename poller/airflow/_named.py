"""The named operators: :class:`~poller.airflow.WaitForResourceOperator` with ``resource`` fixed.

Each takes the generic operator's arguments (but ``resource``) and keeps the ones it had
before there was a generic one: ``region`` on the instance's, ``deletion`` on the
assignments'.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from poller import Target
from poller.airflow import _result
from poller.airflow._checks import templated
from poller.airflow._kinds import target_of
from poller.airflow._operator import WaitForResourceOperator
from poller.airflow._trigger import InstanceWaitTrigger

__all__ = [
    "WaitForAccessControlAttributesOperator",
    "WaitForAccountAssignmentOperator",
    "WaitForInstanceOperator",
    "WaitForPermissionSetProvisioningOperator",
    "WaitForRegionOperator",
]

_CREATION: Final = "account-assignment-creation"
_DELETION: Final = "account-assignment-deletion"


class WaitForInstanceOperator(WaitForResourceOperator):
    """Wait until an Identity Center instance settles; return its description.

    ``WaitForResourceOperator(resource="instance")``, deferring to
    :class:`~poller.airflow.InstanceWaitTrigger`. On success the DescribeInstance answer (API
    key names, ISO 8601 dates; None for ``until="deleted"``) is the task's return value, so
    it lands in XCom. A failed instance (CREATE_FAILED, UPDATE_FAILED, deleted) or a
    malformed ARN fails the task without retries (``AirflowFailException``); a timeout, a
    denial or another error fails this try (``AirflowException``), and ``retries`` apply.

    Args:
        instance_arn: The instance to wait on (templated).
        until: ``active`` (the default), ``encryption-enabled``, ``replicated`` or
            ``deleted``, in any case (templated).
        region_name: The AWS Region; overrides the connection's (templated).
        region: The same as *region_name* (the older name, still accepted).
        **kwargs: As for :class:`~poller.airflow.WaitForResourceOperator`: ``timeout``,
            ``min_delay``, ``max_delay`` (default: the instance's, 5 s and 20 s),
            ``waiter_delay``, ``waiter_max_attempts``, ``aws_conn_id``, ``endpoint_url``,
            ``verify``, ``botocore_config``, ``deferrable`` and :class:`BaseOperator`'s.

    Raises:
        ValueError: As for :class:`~poller.airflow.WaitForResourceOperator`; *region_name* and
            *region* that disagree.
    """

    def __init__(
        self,
        *,
        instance_arn: str,
        until: Target | str = Target.ACTIVE,
        region_name: str | None = None,
        region: str | None = None,
        **kwargs: Any,
    ) -> None:
        # Set first: the checks at the end of the generic operator's __init__ read it.
        self.region = region
        super().__init__(
            resource="instance",
            instance_arn=instance_arn,
            until=until,
            region_name=region_name if region_name is not None else region,
            **kwargs,
        )

    def check_literals(self) -> None:
        """The generic operator's checks, and two Regions that disagree."""
        super().check_literals()
        if not templated(self.region_name):
            self._check_regions()

    def check_rendered(self) -> None:
        """The generic operator's checks, and two Regions that disagree."""
        self._check_regions()
        super().check_rendered()

    def _check_regions(self) -> None:
        """Refuse a *region* that says otherwise than *region_name*."""
        if self.region is not None and self.region_name not in (None, self.region):
            raise ValueError(
                f"region_name={self.region_name!r} and region={self.region!r} disagree: pass "
                "region_name"
            )

    def make_trigger(
        self, *, started_at: float, deadline: float, result_for: _result.TaskInstanceKey | None
    ) -> InstanceWaitTrigger:
        """The instance's own trigger, which earlier versions know too.

        A task deferred now still resumes if poller is downgraded before it does. One
        instance's description is small: the event carries it (*result_for* is unused).
        """
        pace = self.pace()
        return InstanceWaitTrigger(
            self.instance_arn,
            deadline=deadline,
            started_at=started_at,
            until=target_of(self.kind, self.until),
            min_delay=pace.min_delay,
            max_delay=pace.max_delay,
            region=self.region_name,
            **self.connection(),
        )


class WaitForRegionOperator(WaitForResourceOperator):
    """Wait until Regions of an instance are ``active`` (after AddRegion) or ``removed``.

    ``WaitForResourceOperator(resource="region")``: polls DescribeRegion for each (default
    delays 10 s / 60 s), all under the one deadline. Returns the DescribeRegion answer (a list
    of them, in order, for a list of Regions; None for a removed one). A Region being removed
    while waiting for it to be active fails the task without retries.

    Args:
        regions: The Region, or Regions, of the instance to wait on (``eu-west-1``;
            templated). Not *region_name*, which is where the client connects: the
            instance's own Region.
        until: ``active`` (the default) or ``removed``, in any case (templated).
        **kwargs: As for :class:`~poller.airflow.WaitForResourceOperator`.
    """

    def __init__(self, *, regions: str | Sequence[str], until: str = "active", **kwargs: Any):
        super().__init__(resource="region", regions=regions, until=until, **kwargs)


class WaitForAccessControlAttributesOperator(WaitForResourceOperator):
    """Wait until an instance's attribute-based access control is ``enabled``.

    ``WaitForResourceOperator(resource="access-control-attributes")``: polls
    DescribeInstanceAccessControlAttributeConfiguration (default delays 2 s / 15 s), after
    CreateInstanceAccessControlAttributeConfiguration, and returns its answer.
    CREATION_FAILED fails the task without retries, with AWS's StatusReason.

    Args:
        **kwargs: As for :class:`~poller.airflow.WaitForResourceOperator`; its one target,
            ``until``, is ``enabled`` (the default).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(resource="access-control-attributes", **kwargs)


class WaitForPermissionSetProvisioningOperator(WaitForResourceOperator):
    """Wait until ProvisionPermissionSet requests have succeeded, many at once.

    ``WaitForResourceOperator(resource="permission-set-provisioning")``: polls
    DescribePermissionSetProvisioningStatus (default delays 1 s / 10 s) for each request, all
    under the one deadline, through one client and its rate limit. Returns the status object
    (a list of them, in order, for a list). FAILED fails the task without retries, naming
    each failed request and AWS's FailureReason.

    Args:
        request_ids: What the upstream task pushed (templated, or its ``.output``): the
            ProvisionPermissionSet answers (``{"PermissionSetProvisioningStatus": {...}}``),
            the status objects inside them, or request IDs; one or a list.
        **kwargs: As for :class:`~poller.airflow.WaitForResourceOperator`; its one target,
            ``until``, is ``succeeded`` (the default).
    """

    def __init__(self, *, request_ids: Any, **kwargs: Any) -> None:
        super().__init__(resource="permission-set-provisioning", request_ids=request_ids, **kwargs)


class WaitForAccountAssignmentOperator(WaitForResourceOperator):
    """Wait until CreateAccountAssignment (or DeleteAccountAssignment) requests have succeeded.

    ``WaitForResourceOperator(resource="account-assignment-creation")``, or ``-deletion`` as
    the answers say: polls DescribeAccountAssignmentCreationStatus (or ...DeletionStatus) for
    each request (default delays 1 s / 10 s), hundreds at once, under the one deadline,
    through one client and its rate limit. Returns the status object (a list of them, in
    order, for a list). FAILED fails the task without retries, naming each failed request and
    AWS's FailureReason.

    Args:
        request_ids: What the upstream task pushed (templated, or its ``.output``): the
            CreateAccountAssignment or DeleteAccountAssignment answers
            (``{"AccountAssignmentCreationStatus": {...}}``), the status objects inside them,
            or request IDs; one or a list.
        deletion: Whether the requests are deletions. None (the default): as the answers'
            key says, creations for bare IDs and status objects; True or False: answers of
            the other operation fail the task.
        **kwargs: As for :class:`~poller.airflow.WaitForResourceOperator`; its one target,
            ``until``, is ``succeeded`` (the default).
    """

    def __init__(self, *, request_ids: Any, deletion: bool | None = None, **kwargs: Any):
        # Set first: the checks at the end of the generic operator's __init__ read it.
        self.deletion = deletion
        resource = _DELETION if deletion else _CREATION
        super().__init__(resource=resource, request_ids=request_ids, **kwargs)

    def accepted(self) -> tuple[str, ...]:
        """Creations and deletions, as the answers say; only one when ``deletion`` is given."""
        if self.deletion is None:
            return (_CREATION, _DELETION)
        return (self.resource,)
