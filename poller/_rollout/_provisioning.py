"""Provisioning many permission sets: in parallel, one provisioning per set at a time.

ProvisionPermissionSet with ``TargetType`` ALL_PROVISIONED_ACCOUNTS, for each permission set,
at most ``max_outstanding`` at once, each waited on. The service refuses a second provisioning
of a set while one runs (ConflictException): the rollout finds the running one among the
requests IN_PROGRESS, waits for it to end, and provisions again, so that what ends up
provisioned is the set's latest version, whoever started the other. A write whose answer was
lost is handled alike: one of the set in progress is waited on, then the set provisioned again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, Final, Unpack

import anyio

from poller._engine._acceptors import Observation
from poller._outcome import Outcome
from poller._resources._request_description import RequestDescription
from poller._resources._requests import PERMISSION_SET_PROVISIONING_KIND
from poller._rollout._calls import CONFLICT, Subject
from poller._rollout._core import Rollout
from poller._rollout._outcomes import ProvisionOutcome
from poller._rollout._plan import MAX_OUTSTANDING, check_instance_arn, check_permission_sets
from poller._rollout._trace import traced
from poller._settings import Settings
from poller.events import RolloutBlocked
from poller.exceptions import PollerError, WaitTimeoutError

__all__ = ["provision_permission_sets"]

#: Where a provisioning goes: every account the set is assigned in.
ALL_PROVISIONED_ACCOUNTS: Final = "ALL_PROVISIONED_ACCOUNTS"


class _Provisionings(Rollout[ProvisionOutcome]):
    """One run of :func:`provision_permission_sets`."""

    def __init__(
        self,
        client: Any,
        instance_arn: str,
        arns: list[str],
        *,
        max_outstanding: int,
        settings: Settings,
        on_outcome: Callable[[ProvisionOutcome], object] | None,
    ) -> None:
        super().__init__(
            client,
            instance_arn,
            len(arns),
            kind=PERMISSION_SET_PROVISIONING_KIND,
            operation="ProvisionPermissionSet",
            max_outstanding=max_outstanding,
            settings=settings,
            on_outcome=on_outcome,
        )
        self.arns = arns

    def subject(self, index: int) -> Subject:
        arn = self.arns[index]
        return Subject(index, arn, label=f"permission set {arn}")

    def outcome(
        self,
        index: int,
        outcome: Outcome,
        *,
        request_id: str | None = None,
        description: RequestDescription | None = None,
        error: PollerError | None = None,
        adopted: bool = False,
    ) -> ProvisionOutcome:
        return ProvisionOutcome(self.arns[index], outcome, request_id, description, error)

    async def run(self) -> list[ProvisionOutcome]:
        """Provision each set, at most ``max_outstanding`` at once; outcomes in input order."""
        self.begin()
        if self.budget <= 0 or not self.arns:
            return self.results()
        async with anyio.create_task_group() as group:
            with anyio.CancelScope(deadline=self.end):
                for index in range(self.count):
                    self.stages[index] = (
                        "not provisioned: waiting for one of the "
                        f"{self.max_outstanding} outstanding slots"
                    )
                for index in range(self.count):
                    await self.take_slot()
                    if not self.may_write():
                        self.give_slot()
                        for late in range(index, self.count):
                            self.stages[late] = (
                                "not provisioned: too near the deadline for its request to be "
                                "seen to end"
                            )
                        break
                    group.start_soon(
                        self.holding_slot, index, functools.partial(self._provision, index)
                    )
        return self.results()

    async def _provision(self, index: int) -> ProvisionOutcome:
        """Provision set *index* (its slot is held), waiting out any other of the set."""
        params = {
            "InstanceArn": self.instance_arn,
            "PermissionSetArn": self.arns[index],
            "TargetType": ALL_PROVISIONED_ACCOUNTS,
        }
        subject = self.subject(index)
        pauses = 0
        while True:
            self.stages[index] = "being provisioned (ProvisionPermissionSet)"
            answer, attempts = await self.calls.write(
                self.operation, params, subject, retry_conflicts=False
            )
            if not isinstance(answer, Observation):
                request_id = self.started_request(index, answer, attempts)
                if request_id is not None:
                    return await self.follow(index, request_id, adopted=False)
                answer = self.garbled(answer)
            if answer.error_code != CONFLICT and (not answer.transient or answer.unreachable):
                self.last_errors[index] = answer
                return self.call_failed(index, answer)
            self.last_errors[index] = answer
            # A conflict, or an answer lost: is a provisioning of this set running?
            running = await self._running(index)
            if isinstance(running, Observation):
                return self.call_failed(index, running)
            if running is None:
                pauses += 1  # none (any more): a pause, then provision again
                await self.calls.pause(pauses, answer, subject)
                continue
            self.event(RolloutBlocked, index, request_id=running)
            self.stages[index] = (
                f"waiting for provisioning request {running} of the same set to end"
            )
            _, error = await self.wait_on(running, phase=0.0)
            if error is not None and not isinstance(error, WaitTimeoutError):
                # What keeps this wait from seeing the other end would keep it from seeing
                # its own: a denial, an error no retry fixes.
                return self.outcome(index, error.outcome, error=error)

    async def _running(self, index: int) -> str | Observation | None:
        """A provisioning of set *index* IN_PROGRESS (its request ID), or None."""
        found = await self.in_progress(self.subject(index))
        if isinstance(found, Observation):
            return found
        arn = self.arns[index]
        return next((rid for rid, d in found.items() if d.permission_set_arn == arn), None)


async def provision_permission_sets(
    client: Any,
    instance_arn: str,
    permission_set_arns: Iterable[str],
    *,
    max_outstanding: int = MAX_OUTSTANDING,
    on_outcome: Callable[[ProvisionOutcome], object] | None = None,
    **settings: Unpack[Settings],
) -> list[ProvisionOutcome]:
    """Provision permission sets to every account they are assigned in, and wait.

    ProvisionPermissionSet (``TargetType`` ALL_PROVISIONED_ACCOUNTS) for each set, in
    parallel, at most *max_outstanding* at once, every call through one rate limiter (the
    ``limiter`` setting, or a ``poller.RateLimiter(rate=20)``), throttling retried under the
    one deadline. The service runs one provisioning of a set at a time: when another is
    running (ConflictException), it is waited for, and the set provisioned again after it.

    Args:
        client: An aiobotocore ``sso-admin`` client; the caller owns it.
        instance_arn: The instance.
        permission_set_arns: The permission sets, each once, of that instance.
        max_outstanding: Provisionings IN_PROGRESS at once, from 1 to 15.
        on_outcome: Called with each :class:`poller.ProvisionOutcome` as it ends.
        **settings: :class:`poller.Settings` for the whole rollout (default delays 1 s / 10 s).

    Returns:
        One :class:`poller.ProvisionOutcome` per permission set, in input order.

    Raises:
        InvalidArgumentError: A malformed instance ARN, or permission set ARNs that are
            malformed, of another instance or repeated: every one listed, before any request.
        ValueError: *max_outstanding* or a setting out of range (before any request).
    """
    check_instance_arn(instance_arn)
    arns = check_permission_sets(instance_arn, permission_set_arns)
    rollout = _Provisionings(
        client,
        instance_arn,
        arns,
        max_outstanding=max_outstanding,
        settings=settings,
        on_outcome=on_outcome,
    )
    return await traced(rollout, rollout.run)
