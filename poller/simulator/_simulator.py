"""The simulated service's state: instances and their contents, clock, faults, request log."""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from poller.simulator._access_control import AccessControlScripts
from poller.simulator._assignments import AssignmentScripts
from poller.simulator._clock import SimulatedClock
from poller.simulator._errors import ServiceError
from poller.simulator._faults import Fault, FaultPlan
from poller.simulator._instances import AWS_OWNED_KMS_KEY, Instance
from poller.simulator._lifecycles import Durations, check_lifecycle
from poller.simulator._limits import (
    DEFAULT_BURST,
    DEFAULT_OUTSTANDING,
    DEFAULT_RATE,
    LimitCounters,
    ServiceLimits,
)
from poller.simulator._log import RequestRecord
from poller.simulator._regions import RegionScripts
from poller.simulator._requests import FailureRules, Request


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


class Simulator(RegionScripts, AccessControlScripts, AssignmentScripts):
    """A local IAM Identity Center whose lifecycles run on a simulated clock.

    Instances, and what a rollout starts in them: Regions, attribute-based access control,
    permission-set provisioning, account assignments.

    All durations are simulated seconds (``math.inf``: never over); *time_scale* simulated
    seconds pass per real second. The methods here script the service directly: no HTTP, and
    only the checks without which the state would make no sense (the service's conflict and
    quota checks, and its limits, are the wire's). :func:`poller.simulator.serve` puts it on
    the wire. Safe to use from any thread.

    With *aws_limits*, the wire enforces IAM Identity Center's documented limits: *aws_rate*
    requests a simulated second over every operation (a token bucket of *aws_burst*; beyond,
    ThrottlingException ``Rate exceeded``), and at most *aws_outstanding* asynchronous writes
    (CreateAccountAssignment, DeleteAccountAssignment, ProvisionPermissionSet) IN_PROGRESS per
    instance (beyond, ThrottlingException ``There are too many requests processing. Please
    try again later.``); an assignment change of a permission set being provisioned to its
    account is a ConflictException. :meth:`limit_counters` tells what they refused, and the
    peak of outstanding writes, whether they are on or not.

    Args:
        time_scale: Simulated seconds per real second.
        account_id: The ``OwnerAccountId`` of created instances.
        region: The region reported in ``PrimaryRegion``; it also picks the ARN partition.
        create_seconds: How long an instance stays ``CREATE_IN_PROGRESS``.
        delete_seconds: How long an instance stays ``DELETE_IN_PROGRESS`` before it is gone.
        update_seconds: How long an encryption update stays ``UPDATING``.
        create_fail_reason: When set, instances created over the wire end ``CREATE_FAILED``
            with this ``StatusReason`` (scripted ones only when given it as *fail_reason*).
        update_fail_reason: When set, encryption updates started over the wire end
            ``UPDATE_FAILED`` with this ``EncryptionStatusReason``.
        permission_sets_seconds: How long enabling permission sets takes: DescribeInstance
            answers ``PermissionSetsEnabled`` false for so long, then true.
        add_region_seconds: How long an added Region stays ``ADDING``.
        remove_region_seconds: How long a Region stays ``REMOVING`` before it is gone.
        region_quota: How many Regions besides the primary one AddRegion allows an instance
            (``None``: no limit); beyond, ServiceQuotaExceededException.
        access_control_seconds: How long an attribute-based access control configuration
            stays ``CREATION_IN_PROGRESS``.
        access_control_fail_reason: When set, configurations created over the wire end
            ``CREATION_FAILED`` with this ``StatusReason``.
        provisioning_seconds: How long a permission-set provisioning is ``IN_PROGRESS``: the
            median of the durations drawn when *provisioning_sigma* is above 0.
        provisioning_sigma: 0 for the fixed *provisioning_seconds*; above 0, each provisioning
            takes a duration drawn from a log-normal of that median and this sigma (the
            standard deviation of its logarithm; 0.5 keeps 95 % of them below 2.3 times it).
        provisioning_fail_reason: When set, provisioning requests received over the wire end
            ``FAILED`` with this ``FailureReason`` (see also :meth:`fail_provisioning`).
        assignment_seconds: How long an account-assignment creation or deletion is
            ``IN_PROGRESS``: the median, when *assignment_sigma* is above 0.
        assignment_sigma: As *provisioning_sigma*, for assignment creations and deletions.
        lifecycle_seed: Seed of the drawn durations (default: *seed*); with one, the n-th
            request of each kind takes the same time on every run.
        assignment_fail_reason: When set, assignment requests received over the wire end
            ``FAILED`` with this ``FailureReason`` (see also :meth:`fail_assignments`).
        assignment_quota: How many account assignments (in place or being created) an
            instance may have (``None``: no limit); beyond, CreateAccountAssignment answers
            ServiceQuotaExceededException.
        aws_limits: Enforce the service's limits on the wire (see above); off by default.
        aws_rate: Requests a simulated second the limits allow, over every operation (20, as
            AWS documents). A simulator running *time_scale* times faster than real time
            allows as many times more a real second.
        aws_burst: How many requests the bucket holds, to answer at once after a quiet time.
        aws_outstanding: Asynchronous writes IN_PROGRESS that the limits allow an instance
            (15, as AWS documents for CreateAccountAssignment and DeleteAccountAssignment).
        request_log_size: How many recent requests :attr:`requests` keeps (0: none).
        seed: Seed for the generated identifiers, for reproducible ARNs and request IDs.
        on_request: Called with each :class:`RequestRecord` as the request is answered (from
            the server's event loop: keep it quick, and let it raise nothing).
    """

    def __init__(
        self,
        *,
        time_scale: float = 1.0,
        account_id: str = "123456789012",
        region: str = "us-east-1",
        create_seconds: float = 60.0,
        delete_seconds: float = 30.0,
        update_seconds: float = 30.0,
        create_fail_reason: str | None = None,
        update_fail_reason: str | None = None,
        permission_sets_seconds: float = 30.0,
        add_region_seconds: float = 300.0,
        remove_region_seconds: float = 120.0,
        region_quota: int | None = None,
        access_control_seconds: float = 10.0,
        access_control_fail_reason: str | None = None,
        provisioning_seconds: float = 15.0,
        provisioning_sigma: float = 0.0,
        provisioning_fail_reason: str | None = None,
        assignment_seconds: float = 10.0,
        assignment_sigma: float = 0.0,
        assignment_fail_reason: str | None = None,
        assignment_quota: int | None = None,
        lifecycle_seed: int | None = None,
        aws_limits: bool = False,
        aws_rate: float = DEFAULT_RATE,
        aws_burst: float = DEFAULT_BURST,
        aws_outstanding: int = DEFAULT_OUTSTANDING,
        request_log_size: int = 10_000,
        seed: int | None = None,
        on_request: Callable[[RequestRecord], None] | None = None,
    ) -> None:
        self.clock = SimulatedClock(time_scale)
        self.account_id = account_id
        self.region = region
        self.partition = _partition(region)
        self.create_seconds = create_seconds
        self.delete_seconds = delete_seconds
        self.update_seconds = update_seconds
        self.create_fail_reason = create_fail_reason
        self.update_fail_reason = update_fail_reason
        self.permission_sets_seconds = permission_sets_seconds
        self.add_region_seconds = add_region_seconds
        self.remove_region_seconds = remove_region_seconds
        self.region_quota = region_quota
        self.access_control_seconds = access_control_seconds
        self.access_control_fail_reason = access_control_fail_reason
        check_lifecycle(provisioning_seconds, provisioning_sigma, "provisioning")
        check_lifecycle(assignment_seconds, assignment_sigma, "assignment")
        self.provisioning_seconds = provisioning_seconds
        self.provisioning_sigma = provisioning_sigma
        self.provisioning_fail_reason = provisioning_fail_reason
        self.assignment_seconds = assignment_seconds
        self.assignment_sigma = assignment_sigma
        self.assignment_fail_reason = assignment_fail_reason
        self.assignment_quota = assignment_quota
        self.on_request = on_request
        self.faults = FaultPlan()
        #: The most recent requests, oldest first (bounded by *request_log_size*).
        self.requests: deque[RequestRecord] = deque(maxlen=request_log_size)
        #: How many requests were received in all, including those the log forgot.
        self.request_count = 0
        self._request_log_size = request_log_size
        self._lock = threading.RLock()
        self._rng = random.Random(seed)
        self._durations = Durations(seed if lifecycle_seed is None else lifecycle_seed)
        self.limits = ServiceLimits(
            self.clock,
            enabled=aws_limits,
            rate=aws_rate,
            burst=aws_burst,
            outstanding=aws_outstanding,
        )
        self._instances: dict[str, Instance] = {}
        self._order: list[str] = []  # every ARN ever created, append-only: list positions
        self._client_tokens: dict[str, tuple[str, Any]] = {}
        self._rejected_keys: dict[str, str] = {}
        self._async_requests: dict[str, Request] = {}
        self._assignment_failures = FailureRules()
        self._provisioning_failures = FailureRules()

    # -- time -------------------------------------------------------------------------------

    @property
    def time_scale(self) -> float:
        """Simulated seconds per real second (settable while running)."""
        return self.clock.time_scale

    @time_scale.setter
    def time_scale(self, value: float) -> None:
        self.clock.time_scale = value

    def advance(self, seconds: float) -> None:
        """Jump simulated time forward by *seconds*, finishing due transitions at once."""
        self.clock.advance(seconds)

    # -- request lifecycles ------------------------------------------------------------------

    def set_lifecycles(
        self,
        *,
        assignment_seconds: float | None = None,
        assignment_sigma: float | None = None,
        provisioning_seconds: float | None = None,
        provisioning_sigma: float | None = None,
        seed: int | None = None,
    ) -> None:
        """Change how long the requests started from now on take (``None``: keep it).

        Args:
            assignment_seconds: The (median) duration of an assignment creation or deletion.
            assignment_sigma: 0 for a fixed duration, above 0 for log-normal ones.
            provisioning_seconds: The (median) duration of a provisioning.
            provisioning_sigma: 0 for a fixed duration, above 0 for log-normal ones.
            seed: Start the drawn durations again from this seed.

        Raises:
            ValueError: For a negative duration or sigma; nothing changes.
        """
        assignment = (
            self.assignment_seconds if assignment_seconds is None else assignment_seconds,
            self.assignment_sigma if assignment_sigma is None else assignment_sigma,
        )
        provisioning = (
            self.provisioning_seconds if provisioning_seconds is None else provisioning_seconds,
            self.provisioning_sigma if provisioning_sigma is None else provisioning_sigma,
        )
        check_lifecycle(*assignment, "assignment")
        check_lifecycle(*provisioning, "provisioning")
        with self._lock:
            self.assignment_seconds, self.assignment_sigma = assignment
            self.provisioning_seconds, self.provisioning_sigma = provisioning
            if seed is not None:
                self._durations.reseed(seed)

    @property
    def lifecycle_seed(self) -> int | None:
        """The seed the drawn durations started from (``None``: unpredictable)."""
        return self._durations.seed

    # -- service limits ----------------------------------------------------------------------

    @property
    def aws_limits(self) -> bool:
        """Whether the wire enforces the service's limits (settable while running)."""
        return self.limits.enabled

    @aws_limits.setter
    def aws_limits(self, enabled: bool) -> None:
        self.limits.configure(enabled=enabled)

    def configure_limits(
        self,
        enabled: bool | None = None,
        *,
        rate: float | None = None,
        burst: float | None = None,
        outstanding: int | None = None,
    ) -> None:
        """Turn the service limits on or off, or tune them (``None``: keep it).

        Turning them on fills the token bucket. See *aws_rate*, *aws_burst* and
        *aws_outstanding* of the class.

        Raises:
            ValueError: For a rate that is not a positive finite number, a burst below 1 or
                an outstanding limit that is not a positive integer; nothing changes.
        """
        self.limits.configure(enabled=enabled, rate=rate, burst=burst, outstanding=outstanding)

    def limit_counters(self) -> LimitCounters:
        """Return what the limits refused, the conflicts, and the peak of outstanding writes.

        Counted since the simulator started or :meth:`reset_limit_counters`, whether the
        limits are on or not (they refuse nothing when off).
        """
        return self.limits.counters()

    def outstanding_by_instance(self) -> dict[str, int]:
        """Return the number of requests IN_PROGRESS on each live instance that has any."""
        with self._lock:
            now = self.clock.now()
            counts = {
                arn: instance.writes.count(now)
                for arn, instance in list(self._instances.items())
                if not instance.is_gone(now)
            }
        return {arn: count for arn, count in counts.items() if count}

    def reset_limit_counters(self) -> None:
        """Zero the counters; each instance's peak starts again from what runs now."""
        self.limits.reset_counters(self.outstanding_by_instance())

    # -- instances --------------------------------------------------------------------------

    def create_instance(
        self,
        name: str | None = None,
        *,
        create_seconds: float | None = None,
        fail_reason: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> str:
        """Create an instance that is ``CREATE_IN_PROGRESS`` for *create_seconds*.

        Args:
            name: The instance name.
            create_seconds: Overrides the simulator's ``create_seconds``.
            fail_reason: End ``CREATE_FAILED`` with this ``StatusReason`` instead of ``ACTIVE``.
            tags: ``[{"Key": ..., "Value": ...}]``.

        Returns:
            The new instance's ARN.
        """
        seconds = self.create_seconds if create_seconds is None else create_seconds
        with self._lock:
            now = self.clock.now()
            created = self.clock.wall_elapsed()
            arn = self._new_arn()
            store_id = f"d-{self._rng.getrandbits(40):010x}"
            self._instances[arn] = Instance(
                arn=arn,
                name=name,
                identity_store_id=store_id,
                identity_store_arn=(
                    f"arn:{self.partition}:identitystore::{self.account_id}:identitystore/{store_id}"
                ),
                owner_account_id=self.account_id,
                region=self.region,
                # Dated on the wall clock: at a time scale above 1 a simulated date would lie
                # in the future. The lifecycle below stays on the simulated clock.
                created_at=created,
                ready_at=now + seconds,
                create_fail_reason=fail_reason,
                tags=list(tags or []),
            )
            self._order.append(arn)
        return arn

    def create_instance_idempotent(
        self, client_token: str, name: str | None, tags: list[dict[str, str]] | None
    ) -> str:
        """Create an instance once per *client_token*, as CreateInstance does.

        Raises:
            ServiceError: ConflictException when the token was used with other parameters.
        """
        with self._lock:
            previous = self._client_tokens.get(client_token)
            if previous is not None:
                arn, parameters = previous
                if parameters != (name, tags):
                    raise ServiceError(
                        "ConflictException",
                        "The ClientToken was already used with different request parameters.",
                    )
                return arn
            arn = self.create_instance(name, fail_reason=self.create_fail_reason, tags=tags)
            self._client_tokens[client_token] = (arn, (name, tags))
            return arn

    def delete_instance(self, arn: str, *, delete_seconds: float | None = None) -> None:
        """Start deleting *arn*: ``DELETE_IN_PROGRESS`` for *delete_seconds*, then gone."""
        seconds = self.delete_seconds if delete_seconds is None else delete_seconds
        with self._lock:
            instance = self.require(arn, "DeleteInstance")
            if instance.delete_started_at is None:
                now = self.clock.now()
                instance.delete_started_at = now
                instance.deleted_at = now + seconds

    def update_encryption(
        self,
        arn: str,
        *,
        key_type: str = AWS_OWNED_KMS_KEY,
        kms_key_arn: str | None = None,
        update_seconds: float | None = None,
        fail_reason: str | None = None,
    ) -> None:
        """Start an encryption update: ``UPDATING``, then ``ENABLED`` or ``UPDATE_FAILED``.

        Args:
            arn: The instance.
            key_type: ``AWS_OWNED_KMS_KEY`` or ``CUSTOMER_MANAGED_KEY``.
            kms_key_arn: The customer managed key.
            update_seconds: Overrides the simulator's ``update_seconds``.
            fail_reason: End ``UPDATE_FAILED`` with this ``EncryptionStatusReason``; defaults
                to the reason given to :meth:`reject_kms_key` for *kms_key_arn*, if any.
        """
        seconds = self.update_seconds if update_seconds is None else update_seconds
        with self._lock:
            instance = self.require(arn, "UpdateInstance")
            if fail_reason is None and kms_key_arn is not None:
                fail_reason = self._rejected_keys.get(kms_key_arn)
            instance.key_type = key_type
            instance.kms_key_arn = kms_key_arn
            instance.encryption_ready_at = self.clock.now() + seconds
            instance.encryption_fail_reason = fail_reason

    def enable_permission_sets(self, arn: str, *, seconds: float | None = None) -> None:
        """Start enabling permission sets: ``PermissionSetsEnabled`` false, then true for good.

        As the service provisions its service-linked roles, the flag stays false for *seconds*
        (default: the simulator's ``permission_sets_seconds``). Permission sets cannot be
        disabled: once asked, a second call changes nothing.
        """
        seconds = self.permission_sets_seconds if seconds is None else seconds
        with self._lock:
            instance = self.require(arn, "UpdateInstance")
            if instance.permission_sets_ready_at is None:
                instance.permission_sets_ready_at = self.clock.now() + seconds

    def reject_kms_key(self, kms_key_arn: str, reason: str) -> None:
        """Make every later encryption update to *kms_key_arn* end ``UPDATE_FAILED``."""
        self._rejected_keys[kms_key_arn] = reason

    def set_status(self, arn: str, status: str | None, *, reason: str | None = None) -> None:
        """Force the raw ``Status`` (any string, e.g. ``"MIGRATING"``); ``None`` lifts it."""
        instance = self.require(arn)
        instance.forced_status = status
        instance.forced_status_reason = reason

    def set_encryption_status(
        self, arn: str, status: str | None, *, reason: str | None = None
    ) -> None:
        """Force the raw ``EncryptionStatus``; ``None`` lifts it."""
        instance = self.require(arn)
        instance.forced_encryption_status = status
        instance.forced_encryption_reason = reason

    def page(self, start: int, limit: int) -> tuple[list[Instance], int | None]:
        """Return up to *limit* live instances from position *start*, and the next position."""
        found: list[Instance] = []
        position = start
        order = self._order
        while position < len(order) and len(found) < limit:
            instance = self.get(order[position])
            position += 1
            if instance is not None:
                found.append(instance)
        # Skip what has been deleted meanwhile, so that a token never leads to an empty page.
        while position < len(order) and self.get(order[position]) is None:
            position += 1
        return found, (position if position < len(order) else None)

    def __len__(self) -> int:
        """Return how many instances exist (not yet fully deleted)."""
        now = self.clock.now()
        return sum(not instance.is_gone(now) for instance in list(self._instances.values()))

    # -- faults and the request log ---------------------------------------------------------

    def add_fault(
        self,
        fault: Fault,
        *,
        operation: str | None = None,
        instance_arn: str | None = None,
        region_name: str | None = None,
        request_id: str | None = None,
    ) -> None:
        """Arm *fault* for the requests that match every filter given (``None``: any).

        Args:
            fault: What to do.
            operation: The operation, e.g. ``"DescribeRegion"``.
            instance_arn: The ``InstanceArn`` of the input.
            region_name: The ``RegionName`` of the input.
            request_id: The request ID of the input (``ProvisionPermissionSetRequestId``,
                ``AccountAssignmentCreationRequestId`` or ``...DeletionRequestId``).
        """
        self.faults.add(
            fault,
            operation=operation,
            instance_arn=instance_arn,
            region_name=region_name,
            request_id=request_id,
        )

    def clear_faults(self) -> None:
        """Disarm every fault."""
        self.faults.clear()

    def record(self, record: RequestRecord) -> None:
        """Count a request, keep it in the bounded log, and pass it to *on_request*."""
        self.request_count += 1
        if self._request_log_size:
            self.requests.append(record)
        if self.on_request is not None:
            self.on_request(record)

    def calls(
        self,
        operation: str | None = None,
        instance_arn: str | None = None,
        *,
        region_name: str | None = None,
        request_id: str | None = None,
    ) -> int:
        """Count the logged requests that match every filter given (``None``: any)."""
        return sum(
            (operation is None or r.operation == operation)
            and (instance_arn is None or r.instance_arn == instance_arn)
            and (region_name is None or r.region_name == region_name)
            and (request_id is None or r.request_id == request_id)
            for r in list(self.requests)
        )

    def _new_arn(self) -> str:
        while True:
            arn = f"arn:{self.partition}:sso:::instance/ssoins-{self._rng.getrandbits(64):016x}"
            if arn not in self._instances:
                return arn
