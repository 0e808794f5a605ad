"""The generic operator: wait on any kind in ``poller.resources``, through the one trigger.

:class:`WaitForResourceOperator` takes the kind's name and, by the kind's shape, the instance
alone, its Regions or requests; the named operators (``WaitForInstanceOperator`` ...) are it
with ``resource`` fixed. A kind added to ``poller.resources`` can be waited on here as is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Final

from poller import Outcome as PollerOutcome
from poller import ResourceKind, Seconds
from poller.airflow import _payload
from poller.airflow._base import (
    IMPLICIT_CONN_ID,
    AirflowException,
    AirflowFailException,
    PollerWaitOperator,
    templated,
)
from poller.airflow._kinds import (
    ARGUMENT_OF_SHAPE,
    check_instance_arn,
    identities_of,
    kind_named,
)
from poller.airflow._request_ids import answers_kind, is_literal, read_request_ids
from poller.airflow._trigger import ResourceWaitTrigger

__all__ = ["WaitForResourceOperator"]

#: A well-formed ARN, to check literal Regions and request IDs while the ARN is templated.
_ANY_ARN: Final = "arn:aws:sso:::instance/ssoins-0000000000000000"


@dataclasses.dataclass(frozen=True, slots=True)
class _Plan:
    """What one task waits on, from its (rendered) arguments."""

    kind: ResourceKind
    regions: list[str] = dataclasses.field(default_factory=list)
    request_ids: list[str] = dataclasses.field(default_factory=list)
    single: bool = True
    """One given rather than a list: the task returns one description, not a list."""

    @property
    def empty(self) -> bool:
        """An empty list of Regions or requests: nothing to wait on."""
        return ARGUMENT_OF_SHAPE[self.kind.shape] is not None and not (
            self.regions or self.request_ids
        )


class WaitForResourceOperator(PollerWaitOperator):
    """Wait until resources of any kind in ``poller.resources`` reach a target; return them.

    What it waits on follows the kind's shape: the instance alone (``instance``,
    ``access-control-attributes``), the Regions in *regions* (``region``), or the requests in
    *request_ids* (``permission-set-provisioning``, ``account-assignment-creation`` ...),
    every one at once under one deadline through one client and its rate limit. Deferrable,
    it hands the wait to :class:`~poller.airflow.ResourceWaitTrigger` in the triggerer, with a
    wall-clock deadline computed when the task starts; not deferrable, it runs the same
    trigger in the worker.

    Returns the final Describe answer (for requests, the status object; None for a removal),
    or a list of them, in order, when *regions* or *request_ids* is a list (``[]`` for an
    empty one, without waiting). A resource that failed for good (CREATE_FAILED, FAILED, a
    Region removed ...) or a malformed identifier fails the task without retries
    (``AirflowFailException``), naming each; a timeout, a denial or another error fails this
    try (``AirflowException``), and the task's ``retries`` apply.

    Args:
        resource: The kind's name in ``poller.resources`` (``region``).
        instance_arn: The instance (templated).
        regions: The Region, or Regions, of the instance to wait on, for the ``region``
            shape (templated). Not *region_name*, which is where the client connects.
        request_ids: What the upstream task pushed, for the ``request`` shape (templated, or
            its ``.output``): the answers of the calls that started the requests
            (``{"AccountAssignmentCreationStatus": {...}}``), the status objects inside them,
            or request IDs; one or a list.
        until: One of the kind's targets (templated); None: its default.
        timeout: The whole wait's limit from the task's start, in seconds or a timedelta
            (default 30 min), shared by every Region or request.
        min_delay: The shortest pause between two polls of one resource (default: its own).
        max_delay: The longest pause between two polls of one resource (default: its own).
        aws_conn_id: An Airflow AWS connection (templated); needs the Amazon provider
            (``apache-airflow-providers-amazon``): a connection named without it fails the
            task. Not given, it is ``aws_default`` with the provider and the default AWS
            credential chain without it; None means the default chain.
        region_name: The client's AWS Region, the instance's (templated).
        endpoint_url: Another endpoint, such as poller's simulator (templated).
        verify: TLS verification: a CA bundle's path, or False (templated); overrides the
            connection's.
        botocore_config: botocore ``Config`` options as a dict (``proxies``,
            ``connect_timeout`` ...) in place of the connection's ``config_kwargs``;
            botocore's ``retries`` are always off (every request is a poll poller counts).
        deferrable: True: wait in the triggerer. False: in the worker, holding its slot,
            with the same deadline, checks, outcomes and XCom. Not given: Airflow's
            ``[operators] default_deferrable`` (False unless set).
        **kwargs: Any :class:`BaseOperator` argument (``task_id``, ``retries`` ...).

    Raises:
        ValueError: An unknown resource; a bad setting; a literal identifier or target that
            is malformed or does not fit the kind (templated ones: in ``execute()``).
    """

    template_fields: Sequence[str] = (
        "instance_arn",
        "regions",
        "request_ids",
        "until",
        "aws_conn_id",
        "region_name",
        "endpoint_url",
        "verify",
    )

    def __init__(
        self,
        *,
        resource: str | ResourceKind,
        instance_arn: str,
        regions: str | Sequence[str] | None = None,
        request_ids: Any = None,
        until: str | None = None,
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
        kind = kind_named(resource)
        super().__init__(
            delays=kind.delays,
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
        self.resource = kind.name
        self.instance_arn = instance_arn
        self.regions = regions
        self.request_ids = request_ids
        # str(): a target given as an enum (poller.Target) is rendered and sent as its value.
        self.until = str(until) if isinstance(until, str) else until
        self._check_literals()

    @property
    def kind(self) -> ResourceKind:
        """The kind of :attr:`resource`, from ``poller.resources``."""
        return kind_named(self.resource)

    def accepted(self) -> tuple[str, ...]:
        """The request kinds whose answers *request_ids* may hold; the first is the default.

        The kind itself; an operator that waits on either of two (creations or deletions)
        widens it.
        """
        return (self.resource,)

    # -- what it waits on -----------------------------------------------------------------

    def plan(self) -> _Plan:
        """What this task waits on, from its rendered arguments.

        Raises:
            ValueError: Arguments that do not say it, do not fit the kind's shape, or an
                unknown target.
        """
        plan = self._listed()
        plan.kind.target(None if self.until is None else str(self.until))
        return plan

    def _listed(self) -> _Plan:
        """The kind and what it lists, by the kind's shape (before the target's check)."""
        kind = self.kind
        wanted = ARGUMENT_OF_SHAPE[kind.shape]
        for name in ("regions", "request_ids"):
            if name != wanted and getattr(self, name) is not None:
                takes = "no regions or request_ids" if wanted is None else wanted
                raise ValueError(f"resource={kind.name!r} takes {takes}, not {name}")
        if wanted is None:
            return _Plan(kind)
        if wanted == "regions":
            if self.regions is None:
                raise ValueError(f"resource={kind.name!r} needs regions")
            single = isinstance(self.regions, str)
            regions = [self.regions] if isinstance(self.regions, str) else list(self.regions)
            if not all(isinstance(region, str) for region in regions):
                raise ValueError(f"regions must be Region names, not {self.regions!r}")
            return _Plan(kind, regions=regions, single=single)
        if self.request_ids is None:
            raise ValueError(f"resource={kind.name!r} needs request_ids")
        read = read_request_ids(self.request_ids)
        accepted = self.accepted()
        # The answers' keys may name another kind than this operator's (a deletion's).
        named = kind_named(answers_kind(read.kinds, accepted, accepted[0]))
        return _Plan(named, request_ids=read.ids, single=read.single)

    def _check_literals(self) -> None:
        """Check, when the DAG is parsed, what is written in it as is (the rest: execute())."""
        arn_literal = not templated(self.instance_arn)
        if all(is_literal(value) for value in (self.regions, self.request_ids, self.until)):
            plan = self.plan()
            arn = self.instance_arn if arn_literal else _ANY_ARN
            identities_of(plan.kind, arn, plan.regions, plan.request_ids)
        elif arn_literal:
            check_instance_arn(self.instance_arn)

    def check_rendered(self) -> None:
        """Check every rendered identifier (ValueError: the task fails without retries)."""
        plan = self.plan()
        identities_of(plan.kind, self.instance_arn, plan.regions, plan.request_ids)

    def make_trigger(self, *, started_at: float, deadline: float) -> ResourceWaitTrigger:
        """The trigger for what this task waits on, for a wait that began at *started_at*."""
        plan = self.plan()
        return ResourceWaitTrigger(
            plan.kind.name,
            self.instance_arn,
            deadline,
            regions=plan.regions,
            request_ids=plan.request_ids,
            until=None if self.until is None else str(self.until),
            min_delay=self.min_delay,
            max_delay=self.max_delay,
            region_name=self.region_name,
            started_at=started_at,
            **self.connection(),
        )

    # -- running --------------------------------------------------------------------------

    def execute(self, context: Mapping[str, Any]) -> Any:
        """Check the rendered values, then defer (or wait here); nothing to wait on: ``[]``.

        Raises:
            AirflowFailException: A bad rendered value, or a connection that cannot be used.
        """
        try:
            plan = self.plan()
        except ValueError as error:
            raise AirflowFailException(str(error)) from error
        if plan.empty:
            self.log.info("no %s to wait on", plan.kind.nouns)
            return []
        return super().execute(context)

    def execute_complete(self, context: Mapping[str, Any], event: Mapping[str, Any]) -> Any:
        """Resume on the trigger's event: the descriptions (XCom), or fail the task.

        Reads the events of earlier versions too (:func:`~poller.airflow._payload.read_event`):
        a task deferred before an upgrade resumes after it as it would have.

        Raises:
            AirflowFailException: One failed for good (CREATE_FAILED, FAILED, a Region
                removed) or was malformed: retrying cannot help.
            AirflowException: None failed for good, but one timed out, was denied or ended
                on another error: the task's retries apply.
        """
        payload = _payload.read_event(event)
        endings = payload["endings"]
        nouns = self._nouns(payload["resource"])
        failed = [ending for ending in endings if ending["error"] is not None]
        if not failed:
            self.log.info(
                "%s reached %s after %d polls in %.1fs",
                _who(endings[0]) if len(endings) == 1 else f"{len(endings)} {nouns}",
                payload["until"],
                payload["attempts"],
                payload["elapsed"],
            )
            descriptions = [ending["description"] for ending in endings]
            return descriptions[0] if self.plan().single and descriptions else descriptions
        since = f"{payload['elapsed']:.1f}s since the task started"
        if len(endings) == 1:
            message = f"{failed[0]['error']}: {failed[0]['message']} ({since})"
        else:
            message = "\n".join(
                [
                    f"{len(failed)} of {len(endings)} {nouns} did not reach "
                    f"{payload['until']} ({since}):",
                    *(f"{ending['error']}: {ending['message']}" for ending in failed),
                ]
            )
        if any(PollerOutcome(ending["outcome"]).terminal for ending in failed):
            raise AirflowFailException(message)
        raise AirflowException(message)

    def _nouns(self, resource: str) -> str:
        """The event's kind in words (this operator's, if that one is gone)."""
        try:
            return kind_named(resource).nouns
        except ValueError:
            return self.kind.nouns


def _who(ending: _payload.WaitEnding) -> str:
    """The one resource an ending is about, by its own key."""
    return ending["request_id"] or ending["region_name"] or ending["instance_arn"]
