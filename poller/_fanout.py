"""Many instances at once: one deadline, bounded concurrency, one request rate per account."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, Final

import anyio
from aiobotocore.session import AioSession

from poller._client import HttpBackend, client_config
from poller._durations import Seconds
from poller._endpoint import check_endpoint_url
from poller._ratelimit import DEFAULT_BURST, DEFAULT_RATE, RateLimiter, RequestLimiter, TokenBucket
from poller._result import WaitResult
from poller._targets import Target
from poller._waiter import _Wait, check_settings
from poller.events import EventHook
from poller.exceptions import PollerError

__all__ = ["DEFAULT_CONCURRENCY", "InstanceOutcome", "open_clients", "wait_for_instances"]

#: Instances waited on at once. A waiting instance is a sleeping task of a few kilobytes
#: (see BENCHMARKS.md), so the bound is generous: it guards memory, not the service, whose
#: protection is the rate limit per account.
DEFAULT_CONCURRENCY: Final = 1000


@dataclasses.dataclass(frozen=True, slots=True)
class InstanceOutcome:
    """How the wait on one instance of :func:`wait_for_instances` ended.

    Exactly one of ``result`` and ``error`` is set.
    """

    instance_arn: str
    result: WaitResult | None = None
    """The result, when the instance reached the target."""
    error: PollerError | None = None
    """Why it did not (timed out, failed, denied ...)."""

    @property
    def ok(self) -> bool:
        """Whether the instance reached the target."""
        return self.error is None


async def wait_for_instances(
    pairs: Iterable[tuple[Any, str]],
    *,
    until: Target | str = Target.ACTIVE,
    timeout: Seconds = 1800.0,
    min_delay: Seconds = 2.0,
    max_delay: Seconds = 30.0,
    on_event: EventHook | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    fail_fast: bool = False,
    rate: float | None = DEFAULT_RATE,
    burst: float = DEFAULT_BURST,
    limiter: RequestLimiter | None = None,
) -> list[InstanceOutcome]:
    """Wait on many instances concurrently, each through its own client, under one deadline.

    Every wait ends by the same moment, *timeout* after the call. Requests through one client
    (one account's credentials) share a token bucket of *rate* requests per second that halves
    on throttling and recovers gradually, so that many waiters on one account never cause a
    throttling storm. Each wait emits its own events, all carrying its ``instance_arn``.

    Args:
        pairs: ``(client, instance_arn)`` pairs: aiobotocore ``sso-admin`` clients that the
            caller owns, and the instances to wait on. A client may appear in many pairs.
        until: The target of every wait (see :func:`poller.wait_for_instance`).
        timeout: The limit of the whole call: every wait ends by then.
        min_delay: The shortest pause between two polls of one instance.
        max_delay: The longest pause between two polls of one instance.
        on_event: Called with every event of every wait, in order.
        concurrency: How many instances are waited on at once; the others queue, and their
            time in the queue counts against the shared deadline.
        fail_fast: On the first failure, cancel the other waits and raise that failure. Waits
            already running emit ``wait.cancelled``; those still queued for a slot never start.
        rate: Requests per second per client, at most; None leaves requests unpaced.
        burst: Requests per client that may leave at once.
        limiter: One limiter for every request of this call, in place of one per client (for
            clients that share an account, or a limiter shared with other calls). Anything
            with ``async acquire()`` and ``throttled(sent_at)``, such as a
            :class:`poller.RateLimiter`.

    Returns:
        One :class:`InstanceOutcome` per pair, in the order of *pairs*.

    Raises:
        InvalidInstanceArnError: An ARN is malformed (before any request).
        ValueError: A setting is out of range, or a (client, ARN) pair repeats (before any
            request).
        PollerError: With *fail_fast*, the first failure, after the other waits are cancelled.
    """
    pairs = list(pairs)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a positive integer, not {concurrency!r}")
    # Checked even when there is nothing to wait on: a bad call is bad with any input.
    _, seconds, _, _ = check_settings(until, timeout, min_delay, max_delay)
    limiters = _limiters(pairs, rate=rate, burst=burst, shared=limiter)
    seen: set[tuple[int, str]] = set()
    for client, arn in pairs:
        if (id(client), arn) in seen:
            raise ValueError(f"{arn!r} is listed twice with the same client")
        seen.add((id(client), arn))

    # Every argument is checked here, before the first request.
    waits = [
        _Wait(
            client,
            arn,
            until=until,
            timeout=seconds,
            min_delay=min_delay,
            max_delay=max_delay,
            on_event=on_event,
            limiter=limiters[id(client)],
        )
        for client, arn in pairs
    ]
    if not waits:
        return []

    deadline = anyio.current_time() + seconds
    for wait in waits:
        wait.shared_deadline = deadline
    outcomes: list[InstanceOutcome | None] = [None] * len(pairs)
    failures: list[PollerError] = []
    capacity = anyio.CapacityLimiter(concurrency)

    async with anyio.create_task_group() as group:

        async def wait_on(index: int, wait: _Wait) -> None:
            arn = wait.instance_arn
            try:
                result = await wait.finish()
            except PollerError as error:
                outcomes[index] = InstanceOutcome(arn, error=error)
                failures.append(error)
                if fail_fast:
                    group.cancel_scope.cancel()
            else:
                outcomes[index] = InstanceOutcome(arn, result=result)
            finally:
                capacity.release_on_behalf_of(wait)

        for index, wait in enumerate(waits):
            # Slots are taken here, in input order; each wait gives its own back.
            await capacity.acquire_on_behalf_of(wait)
            group.start_soon(wait_on, index, wait, name=f"poller wait {wait.instance_arn}")

    if fail_fast and failures:
        raise failures[0]
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


def _limiters(
    pairs: Sequence[tuple[Any, str]],
    *,
    rate: float | None,
    burst: float,
    shared: RequestLimiter | None,
) -> dict[int, RequestLimiter | None]:
    """One limiter per distinct client (by identity), or *shared* for all, or none."""
    if shared is not None or rate is None:
        return {id(client): shared for client, _ in pairs}
    TokenBucket(rate, burst)  # checks the settings, even when there are no pairs
    limiters: dict[int, RequestLimiter | None] = {}
    for client, _ in pairs:
        if id(client) not in limiters:
            limiters[id(client)] = RateLimiter(rate, burst)
    return limiters


_STS_KEYS: Final = ("AccessKeyId", "SecretAccessKey", "SessionToken")
_CLIENT_KEYS: Final = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


def _credential_arguments(credentials: Mapping[str, Any]) -> dict[str, Any]:
    """``create_client`` keyword arguments from STS's ``Credentials`` or botocore's names."""
    keys = _STS_KEYS if "AccessKeyId" in credentials else _CLIENT_KEYS
    if keys[0] not in credentials or keys[1] not in credentials:
        raise ValueError(
            "credentials need AccessKeyId and SecretAccessKey (as STS returns them) or "
            "aws_access_key_id and aws_secret_access_key"
        )
    return {name: credentials.get(key) for name, key in zip(_CLIENT_KEYS, keys, strict=True)}


@asynccontextmanager
async def open_clients(
    credentials: Iterable[Mapping[str, Any]],
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    http: HttpBackend | None = None,
    session: AioSession | None = None,
) -> AsyncIterator[list[Any]]:
    """Open one ``sso-admin`` client per set of credentials, all from one session.

    Clients made by one session share its loaded service model and endpoint data, which are
    read from disk and parsed once instead of once per account: a client then costs its
    own connection pool and little else.

    Args:
        credentials: One mapping per account: the ``Credentials`` of an STS ``AssumeRole``
            answer (``AccessKeyId``, ``SecretAccessKey``, ``SessionToken``), or
            ``aws_access_key_id``, ``aws_secret_access_key`` and ``aws_session_token``.
        region: The Region of the instances; None reads it from the environment or profile.
        endpoint_url: Another endpoint, such as the local one of :mod:`poller.simulator`.
        http: The HTTP backend, as for :func:`poller.open_client`.
        session: The session to create the clients from; a new one by default.

    Yields:
        The clients, in the order of *credentials*, all closed when the block ends.
    """
    check_endpoint_url(endpoint_url)
    arguments = [_credential_arguments(c) for c in credentials]
    config = client_config(http)
    session = session or AioSession()
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                session.create_client(
                    "sso-admin",
                    region_name=region,
                    endpoint_url=endpoint_url,
                    config=config,
                    **keys,
                )
            )
            for keys in arguments
        ]
        yield clients
