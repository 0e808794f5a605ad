"""The generic operator: wait on any kind in ``poller.resources``, through the one trigger.

:class:`WaitForResourceOperator` takes the kind's name and, by the kind's shape, the instance
alone, its Regions or requests; the named operators (``WaitForInstanceOperator`` ...) are it
with ``resource`` fixed. A kind added to ``poller.resources`` can be waited on here as is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Final

from poller import Delays, ResourceKind, Seconds
from poller import Outcome as PollerOutcome
from poller.airflow import _payload, _result, _words
from poller.airflow._base import (
    IMPLICIT_CONN_ID,
    AirflowException,
    AirflowFailException,
    PollerWaitOperator,
)
from poller.airflow._checks import refuse_list_as_text, templated
from poller.airflow._kinds import (
    ARGUMENT_OF_SHAPE,
    check_instance_arn,
    identities_of,
    kind_named,
    plain_target,
    target_of,
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
    Region removed ...), a malformed identifier or a named connection Airflow does not have
    fails the task without retries (``AirflowFailException``), naming each; a timeout, a
    denial or another error fails this try (``AirflowException``), and the task's
    ``retries`` apply.

    The targets, by kind (*until*; the first is the default): ``instance``: ``active``,
    ``encryption-enabled``, ``replicated``, ``deleted``; ``region``: ``active``,
    ``removed``; ``access-control-attributes``: ``enabled``;
    ``permission-set-provisioning``, ``account-assignment-creation``,
    ``account-assignment-deletion``: ``succeeded``. A kind added to ``poller.resources``
    brings its own (``poller.resources[name].targets``).

    Args:
        resource: The kind's name in ``poller.resources`` (``region``).
        instance_arn: The instance (templated).
        regions: The Region, or Regions, of the instance to wait on, for the ``region``
            shape (templated). Not *region_name*, which is where the client connects.
        request_ids: What the upstream task pushed, for the ``request`` shape (templated, or
            its ``.output``): the answers of the calls that started the requests
            (``{"AccountAssignmentCreationStatus": {...}}``), the status objects inside them,
            or request IDs; one or a list. A template renders text: pass ``.output``, or set
            ``render_template_as_native_obj=True`` on the DAG, for a list.
        until: One of the kind's targets, in any case (templated); None: its default.
        timeout: The whole wait's limit from the task's start, in seconds or a timedelta
            (default 30 min), shared by every Region or request. The task's
            ``execution_timeout``, when shorter, ends the wait instead.
        min_delay: The shortest pause between two polls of one resource (default: its own).
        max_delay: The longest pause between two polls of one resource (default: its own).
        waiter_delay: The Amazon provider's pause between attempts: both *min_delay* and
            *max_delay* (given with either, they must agree).
        waiter_max_attempts: The Amazon provider's number of attempts: the timeout is
            ``waiter_max_attempts * max_delay`` (*waiter_delay* when given); with *timeout*,
            they must agree.
        aws_conn_id: An Airflow AWS connection (templated); needs the Amazon provider
            (``apache-airflow-providers-amazon``): a connection named without it fails the
            task, and so does one Airflow does not have (only ``aws_default`` falls back to
            the default AWS credential chain when missing, as in the provider). Not given, it
            is ``aws_default`` with the provider and the default AWS credential chain without
            it; None means the default chain.
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
            is malformed or does not fit the kind (templated ones, and a mapped task's: in
            ``execute()``).
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
        waiter_delay: Seconds | None = None,
        waiter_max_attempts: int | None = None,
        aws_conn_id: str | None = IMPLICIT_CONN_ID,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        verify: bool | str | None = None,
        botocore_config: Mapping[str, Any] | None = None,
        deferrable: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            timeout=timeout,
            min_delay=min_delay,
            max_delay=max_delay,
            waiter_delay=waiter_delay,
            waiter_max_attempts=waiter_max_attempts,
            aws_conn_id=aws_conn_id,
            region_name=region_name,
            endpoint_url=endpoint_url,
            verify=verify,
            botocore_config=botocore_config,
            deferrable=deferrable,
            **kwargs,
        )
        self.resource = resource.name if isinstance(resource, ResourceKind) else resource
        self.instance_arn = instance_arn
        self.regions = regions
        self.request_ids = request_ids
        # A target given as an enum (poller.Target) is rendered, serialized and sent as its
        # plain value.
        self.until = plain_target(until)
        self.checked_when_parsed()

    @property
    def kind(self) -> ResourceKind:
        """The kind of :attr:`resource`, from ``poller.resources``.

        Raises:
            ValueError: A name ``poller.resources`` does not have.
        """
        return kind_named(self.resource)

    def delays(self) -> Delays:
        """The kind's own pauses between polls."""
        return self.kind.delays

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
        target_of(plan.kind, self.until)
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
        refuse_list_as_text(wanted, getattr(self, wanted))
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

    def check_literals(self) -> None:
        """Check what the DAG file gives as is, when it is parsed (the rest: execute())."""
        super().check_literals()
        self.kind  # noqa: B018 - an unknown resource fails the DAG file, too
        arn_literal = not templated(self.instance_arn)
        if all(is_literal(value) for value in (self.regions, self.request_ids, self.until)):
            plan = self.plan()
            arn = self.instance_arn if arn_literal else _ANY_ARN
            identities_of(plan.kind, arn, plan.regions, plan.request_ids)
        elif arn_literal:
            check_instance_arn(self.instance_arn)

    def check_rendered(self) -> None:
        """Check every rendered value and identifier, and the connection, before any request.

        Raises:
            ValueError: A bad value: the task fails without retries.
        """
        plan = self.plan()
        identities_of(plan.kind, self.instance_arn, plan.regions, plan.request_ids)
        super().check_rendered()

    def make_trigger(
        self, *, started_at: float, deadline: float, result_for: _result.TaskInstanceKey | None
    ) -> ResourceWaitTrigger:
        """The trigger for what this task waits on, for a wait that began at *started_at*."""
        plan = self.plan()
        pace = self.pace()
        return ResourceWaitTrigger(
            plan.kind.name,
            self.instance_arn,
            deadline,
            regions=plan.regions,
            request_ids=plan.request_ids,
            until=target_of(plan.kind, self.until),
            min_delay=pace.min_delay,
            max_delay=pace.max_delay,
            region_name=self.region_name,
            started_at=started_at,
            result_for=result_for,
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
        except (ValueError, TypeError) as error:
            raise AirflowFailException(str(error)) from error
        if plan.empty:
            self.log.info("no %s to wait on", plan.kind.nouns)
            return []
        return super().execute(context)

    def execute_complete(self, context: Mapping[str, Any], event: Mapping[str, Any]) -> Any:
        """Resume on the trigger's event: the descriptions (XCom), or fail the task.

        Reads the events of earlier versions too (:func:`~poller.airflow._payload.read_event`):
        a task deferred before an upgrade resumes after it as it would have. The descriptions
        of many resources come from where the trigger stored them, in this task's XCom.

        Raises:
            AirflowFailException: One failed for good (CREATE_FAILED, FAILED, a Region
                removed), was malformed, or its connection does not exist: retrying cannot
                help.
            AirflowException: None failed for good, but one timed out, was denied or ended
                on another error: the task's retries apply.
        """
        payload = _payload.read_event(event)
        endings = payload["endings"] or []
        failures = payload["failures"]
        total = sum(payload["counts"].values())
        until = payload["until"]
        nouns = self._nouns(payload["resource"])
        who = _words.who(endings[0]) if total == 1 and endings else f"{total} {nouns}"
        if not failures:
            descriptions = self._descriptions(context, payload)
            self.log.info(
                "%s %s (%d polls in %.1fs)",
                who,
                _words.got_there(until, total),
                payload["attempts"],
                payload["elapsed"],
            )
            return descriptions[0] if self.plan().single and descriptions else descriptions
        since = f"{payload['elapsed']:.1f}s since the task started"
        if any(f["outcome"] == str(PollerOutcome.TIMED_OUT) for f in failures):
            since += self.ended_by_execution_timeout()
        failed = _payload.failed_count(payload)
        if total == 1:
            message = f"{failures[0]['error']}: {failures[0]['message']} ({since})"
        else:
            more = failed - len(failures)
            message = "\n".join(
                [
                    f"{failed} of {total} {nouns} {_words.not_there(until, failed)} ({since}):",
                    *(f"{ending['error']}: {ending['message']}" for ending in failures),
                    *([f"... and {more} more, each in the trigger's log"] if more > 0 else []),
                ]
            )
        if any(PollerOutcome(ending["outcome"]).terminal for ending in failures):
            raise AirflowFailException(message)
        raise AirflowException(message)

    @staticmethod
    def _descriptions(context: Mapping[str, Any], payload: _payload.WaitPayload) -> list[Any]:
        """Every description, in order: from the event, or where the trigger stored them.

        Raises:
            AirflowException: They are no longer stored: the try fails, and retries apply.
        """
        if payload["result_key"] is None:
            return [ending["description"] for ending in payload["endings"] or []]
        try:
            return _result.take(context, payload["result_key"])
        except LookupError as error:
            raise AirflowException(str(error)) from error

    def _nouns(self, resource: str) -> str:
        """The event's kind in words (this operator's, if that one is gone)."""
        try:
            return kind_named(resource).nouns
        except ValueError:
            return self.kind.nouns
