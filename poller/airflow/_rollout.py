"""Operators for a rollout's waits: Regions, access control, provisioning and assignments.

Each is a :class:`~poller.airflow._base.PollerWaitOperator` over the one
:class:`~poller.airflow.RolloutWaitTrigger`, and differs from the others only in what it waits
on: the same deadline, deferral, early checks, connection and XCom as
:class:`~poller.airflow.WaitForInstanceOperator`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Final

from poller._outcome import Outcome
from poller._settings import Seconds
from poller.airflow._base import (
    IMPLICIT_CONN_ID,
    AirflowException,
    AirflowFailException,
    PollerWaitOperator,
    templated,
)
from poller.airflow._request_ids import answers_kind, is_literal, read_request_ids
from poller.airflow._rollout_trigger import ROLLOUT_RESOURCES, RolloutWaitTrigger, identities_of

__all__ = [
    "WaitForAccessControlAttributesOperator",
    "WaitForAccountAssignmentOperator",
    "WaitForPermissionSetProvisioningOperator",
    "WaitForRegionOperator",
]

#: A well-formed ARN, to check literal Regions and request IDs while the ARN is templated.
_ANY_ARN: Final = "arn:aws:sso:::instance/ssoins-0000000000000000"
_CREATION: Final = "account-assignment-creation"
_DELETION: Final = "account-assignment-deletion"
_PROVISIONING: Final = "permission-set-provisioning"


@dataclasses.dataclass(frozen=True, slots=True)
class _Plan:
    """What one task waits on, from its (rendered) arguments."""

    resource: str
    regions: list[str] = dataclasses.field(default_factory=list)
    request_ids: list[str] = dataclasses.field(default_factory=list)
    single: bool = True
    """One given rather than a list: the task returns one description, not a list."""


class _RolloutOperator(PollerWaitOperator):
    """What the rollout operators share; each subclass says what it waits on in :meth:`plan`.

    Args:
        instance_arn: The instance (templated).
        timeout: The whole wait's limit from the task's start (default 30 min), shared by
            every Region or request.
        min_delay: The shortest pause between two polls of one resource (default: its own).
        max_delay: The longest pause between two polls of one resource (default: its own).
        aws_conn_id: An Airflow AWS connection (templated), as for
            :class:`~poller.airflow.WaitForInstanceOperator`.
        region_name: The client's AWS Region, the instance's (templated).
        endpoint_url: Another endpoint, such as poller's simulator (templated).
        verify: TLS verification: a CA bundle's path, or False (templated).
        botocore_config: botocore ``Config`` options as a dict; botocore's retries stay off.
        deferrable: True: wait in the triggerer. False: in the worker. Not given: Airflow's
            ``[operators] default_deferrable`` (False unless set).
        **kwargs: Any :class:`BaseOperator` argument (``task_id``, ``retries`` ...).
    """

    #: The trigger's ``resource`` (the assignment operator decides it from the answers).
    resource: ClassVar[str]
    #: What it waits on, in messages.
    noun: ClassVar[str]
    #: The arguments that say what it waits on, checked at parse time when literal.
    what: ClassVar[tuple[str, ...]] = ()
    template_fields: Sequence[str] = (
        "instance_arn",
        "aws_conn_id",
        "region_name",
        "endpoint_url",
        "verify",
    )

    def __init__(
        self,
        *,
        instance_arn: str,
        timeout: Seconds | None = None,
        min_delay: Seconds | None = None,
        max_delay: Seconds | None = None,
        aws_conn_id: str | None = IMPLICIT_CONN_ID,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        verify: bool | str | None = None,
        botocore_config: Mapping[str, Any] | None = None,
        deferrable: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            delays=ROLLOUT_RESOURCES[self.resource].delays,
            timeout=timeout,
            min_delay=min_delay,
            max_delay=max_delay,
            aws_conn_id=aws_conn_id,
            region_name=region_name,
            endpoint_url=endpoint_url,
            verify=verify,
            botocore_config=botocore_config,
            deferrable=deferrable,
            **kwargs,
        )
        self.instance_arn = instance_arn

    def _check_literals(self) -> None:
        """Check, when the DAG is parsed, what is written in it as is (the rest: execute())."""
        arn_literal = not templated(self.instance_arn)
        if all(is_literal(getattr(self, name)) for name in self.what):
            plan = self.plan()
            arn = self.instance_arn if arn_literal else _ANY_ARN
            identities_of(plan.resource, arn, plan.regions, plan.request_ids)
        elif arn_literal:
            identities_of("access-control-attributes", self.instance_arn, (), ())

    def plan(self) -> _Plan:
        """What this task waits on (ValueError: arguments that do not say it)."""
        return _Plan(self.resource)

    def check_rendered(self) -> None:
        """Check every rendered identifier (ValueError: the task fails without retries)."""
        plan = self.plan()
        identities_of(plan.resource, self.instance_arn, plan.regions, plan.request_ids)

    def wait_until(self) -> str | None:
        """The target, for Regions; the others have one."""
        return None

    def make_trigger(self, *, started_at: float, deadline: float) -> RolloutWaitTrigger:
        """The rollout trigger for what this task waits on."""
        plan = self.plan()
        return RolloutWaitTrigger(
            plan.resource,
            self.instance_arn,
            deadline,
            regions=plan.regions,
            request_ids=plan.request_ids,
            until=self.wait_until(),
            min_delay=self.min_delay,
            max_delay=self.max_delay,
            region_name=self.region_name,
            started_at=started_at,
            **self.connection(),
        )

    def execute(self, context: Mapping[str, Any]) -> Any:
        """Check the rendered values, then defer (or wait here); nothing to wait on: ``[]``.

        Raises:
            AirflowFailException: A bad rendered value, or a connection that cannot be used.
        """
        try:
            plan = self.plan()
        except ValueError as error:
            raise AirflowFailException(str(error)) from error
        if not (plan.regions or plan.request_ids or plan.resource == "access-control-attributes"):
            self.log.info("no %s to wait on", self.noun)
            return []
        return super().execute(context)

    def execute_complete(self, context: Mapping[str, Any], event: Mapping[str, Any]) -> Any:
        """Resume on the trigger's event: the descriptions (XCom), or fail the task.

        Raises:
            AirflowFailException: One failed for good (FAILED, CREATION_FAILED, removed) or
                was malformed: retrying cannot help.
            AirflowException: None failed for good, but one timed out, was denied or ended
                on another error: the task's retries apply.
        """
        endings: list[Mapping[str, Any]] = event["endings"]
        failed = [ending for ending in endings if ending["error"] is not None]
        if not failed:
            self.log.info(
                "%d %s reached %s after %d polls in %.1fs",
                len(endings),
                self.noun,
                event["until"],
                event["attempts"],
                event["elapsed"],
            )
            descriptions = [ending["description"] for ending in endings]
            return descriptions[0] if self.plan().single else descriptions
        message = (
            f"{len(failed)} of {len(endings)} {self.noun} did not reach {event['until']} "
            f"({event['elapsed']:.1f}s since the task started):\n{event['message']}"
        )
        if any(Outcome(ending["outcome"]).terminal for ending in failed):
            raise AirflowFailException(message)
        raise AirflowException(message)


class WaitForRegionOperator(_RolloutOperator):
    """Wait until Regions of an instance are ``active`` (after AddRegion) or ``removed``.

    Polls DescribeRegion for each (default delays 10 s / 60 s), all under the one deadline.
    Returns the DescribeRegion answer (a list of them, in order, for a list of Regions; None
    for a removed one). A Region being removed while waiting for it to be active fails the
    task without retries.

    Args:
        regions: The Region, or Regions, of the instance to wait on (``eu-west-1``;
            templated). Not *region_name*, which is where the client connects: the
            instance's own Region.
        until: ``active`` or ``removed`` (templated).
        **kwargs: As for every rollout operator: ``instance_arn``, ``timeout``, ``min_delay``,
            ``max_delay``, ``aws_conn_id``, ``region_name``, ``endpoint_url``, ``verify``,
            ``botocore_config``, ``deferrable`` and :class:`BaseOperator`'s.
    """

    resource = "region"
    noun = "Regions"
    what = ("regions", "until")
    template_fields: Sequence[str] = (*_RolloutOperator.template_fields, "regions", "until")

    def __init__(self, *, regions: str | Sequence[str], until: str = "active", **kwargs: Any):
        super().__init__(**kwargs)
        self.regions = regions
        self.until = until
        self._check_literals()

    def plan(self) -> _Plan:
        """The Regions, as given."""
        single = isinstance(self.regions, str)
        regions = [self.regions] if isinstance(self.regions, str) else list(self.regions)
        if not all(isinstance(region, str) for region in regions):
            raise ValueError(f"regions must be Region names, not {self.regions!r}")
        ROLLOUT_RESOURCES[self.resource].target(str(self.until))
        return _Plan(self.resource, regions=regions, single=single)

    def wait_until(self) -> str | None:
        """``active`` or ``removed``."""
        return str(self.until)


class WaitForAccessControlAttributesOperator(_RolloutOperator):
    """Wait until an instance's attribute-based access control is ``enabled``.

    Polls DescribeInstanceAccessControlAttributeConfiguration (default delays 2 s / 15 s),
    after CreateInstanceAccessControlAttributeConfiguration, and returns its answer.
    CREATION_FAILED fails the task without retries, with AWS's StatusReason.

    Args:
        **kwargs: As for every rollout operator: ``instance_arn``, ``timeout``, ``min_delay``,
            ``max_delay``, ``aws_conn_id``, ``region_name``, ``endpoint_url``, ``verify``,
            ``botocore_config``, ``deferrable`` and :class:`BaseOperator`'s.
    """

    resource = "access-control-attributes"
    noun = "access-control configurations"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._check_literals()


class _RequestsOperator(_RolloutOperator):
    """Requests, many at once, from the upstream task's answers."""

    what = ("request_ids",)
    template_fields: Sequence[str] = (*_RolloutOperator.template_fields, "request_ids")
    #: The request kinds this operator accepts, the first by default.
    kinds: ClassVar[tuple[str, ...]]

    def __init__(self, *, request_ids: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.request_ids = request_ids

    def plan(self) -> _Plan:
        """The request IDs, and their kind, from what the upstream task pushed."""
        read = read_request_ids(self.request_ids)
        kind = answers_kind(read.kinds, self.kinds, self.kinds[0])
        return _Plan(kind, request_ids=read.ids, single=read.single)


class WaitForPermissionSetProvisioningOperator(_RequestsOperator):
    """Wait until ProvisionPermissionSet requests have succeeded, many at once.

    Polls DescribePermissionSetProvisioningStatus (default delays 1 s / 10 s) for each request,
    all under the one deadline, through one client and its rate limit. Returns the status
    object (a list of them, in order, for a list). FAILED fails the task without retries,
    naming each failed request and AWS's FailureReason.

    Args:
        request_ids: What the upstream task pushed (templated, or its ``.output``): the
            ProvisionPermissionSet answers (``{"PermissionSetProvisioningStatus": {...}}``),
            the status objects inside them, or request IDs; one or a list.
        **kwargs: As for every rollout operator: ``instance_arn``, ``timeout``, ``min_delay``,
            ``max_delay``, ``aws_conn_id``, ``region_name``, ``endpoint_url``, ``verify``,
            ``botocore_config``, ``deferrable`` and :class:`BaseOperator`'s.
    """

    resource = _PROVISIONING
    noun = "provisioning requests"
    kinds = (_PROVISIONING,)

    def __init__(self, *, request_ids: Any, **kwargs: Any) -> None:
        super().__init__(request_ids=request_ids, **kwargs)
        self._check_literals()


class WaitForAccountAssignmentOperator(_RequestsOperator):
    """Wait until CreateAccountAssignment (or DeleteAccountAssignment) requests have succeeded.

    Polls DescribeAccountAssignmentCreationStatus (or ...DeletionStatus) for each request
    (default delays 1 s / 10 s), hundreds at once, under the one deadline, through one
    client and its rate limit. Returns the status object (a list of them, in order, for a
    list). FAILED fails the task without retries, naming each failed request and AWS's
    FailureReason.

    Args:
        request_ids: What the upstream task pushed (templated, or its ``.output``): the
            CreateAccountAssignment or DeleteAccountAssignment answers
            (``{"AccountAssignmentCreationStatus": {...}}``), the status objects inside them,
            or request IDs; one or a list.
        deletion: Whether the requests are deletions. None (the default): as the answers'
            key says, creations for bare IDs and status objects; True or False: answers of
            the other operation fail the task.
        **kwargs: As for every rollout operator: ``instance_arn``, ``timeout``, ``min_delay``,
            ``max_delay``, ``aws_conn_id``, ``region_name``, ``endpoint_url``, ``verify``,
            ``botocore_config``, ``deferrable`` and :class:`BaseOperator`'s.
    """

    resource = _CREATION
    noun = "assignment requests"

    def __init__(self, *, request_ids: Any, deletion: bool | None = None, **kwargs: Any):
        super().__init__(request_ids=request_ids, **kwargs)
        self.deletion = deletion
        self._check_literals()

    @property
    def kinds(self) -> tuple[str, ...]:  # type: ignore[override]
        """The kinds accepted: as the flag says, or either (creation by default)."""
        if self.deletion is None:
            return (_CREATION, _DELETION)
        return (_DELETION,) if self.deletion else (_CREATION,)
