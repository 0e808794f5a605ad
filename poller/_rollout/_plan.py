"""A rollout's plan: its items, checked all at once before any request.

An :class:`Assignment` is the input of CreateAccountAssignment (and DeleteAccountAssignment)
for an account. The checks follow the sso-admin service model's patterns, written out here
(``tests/test_rollout_plan.py`` holds them to botocore's model) so that a face can refuse bad
input without importing botocore.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from poller._identity import Identity
from poller._resources._instance import INSTANCE
from poller.exceptions import InvalidArgumentError

__all__ = [
    "MAX_OUTSTANDING",
    "PERMISSION_SET_ARN_PATTERN",
    "PRINCIPAL_ID_PATTERN",
    "PRINCIPAL_TYPES",
    "TARGET_ID_PATTERN",
    "Assignment",
    "check_assignments",
    "check_instance_arn",
    "check_max_outstanding",
    "check_permission_sets",
]

#: AWS's limit of outstanding asynchronous writes (CreateAccountAssignment,
#: DeleteAccountAssignment) per instance, which cannot be raised: a rollout's most, and default.
MAX_OUTSTANDING: Final = 15

#: ``TargetId`` in the service model: an account ID.
TARGET_ID_PATTERN: Final = r"\d{12}"
#: ``PermissionSetArn`` in the service model, and its length bounds.
PERMISSION_SET_ARN_PATTERN: Final = (
    r"arn:aws(-[a-z]{1,5}){0,3}:sso:::permissionSet/(sso)?ins-[a-zA-Z0-9-.]{16}"
    r"/ps-[a-zA-Z0-9-./]{16}"
)
PERMISSION_SET_ARN_MIN_LENGTH: Final = 10
PERMISSION_SET_ARN_MAX_LENGTH: Final = 1224
#: ``PrincipalId`` in the service model (an Identity Store user or group ID), and its bounds.
PRINCIPAL_ID_PATTERN: Final = (
    r"([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}"
)
PRINCIPAL_ID_MIN_LENGTH: Final = 1
PRINCIPAL_ID_MAX_LENGTH: Final = 47
#: ``PrincipalType``'s values in the service model.
PRINCIPAL_TYPES: Final = ("USER", "GROUP")
#: The one ``TargetType`` of an assignment.
AWS_ACCOUNT: Final = "AWS_ACCOUNT"

_TARGET_ID: Final = re.compile(TARGET_ID_PATTERN)
_PERMISSION_SET_ARN: Final = re.compile(PERMISSION_SET_ARN_PATTERN)
_PRINCIPAL_ID: Final = re.compile(PRINCIPAL_ID_PATTERN)
#: Problems written out in full in an error's message; ``problems`` holds every one.
_LISTED: Final = 20
_QUOTE: Final = 40


@dataclasses.dataclass(frozen=True, slots=True)
class Assignment:
    """One account assignment: a principal's access to an account through a permission set.

    The keys of CreateAccountAssignment's input, for ``TargetType`` AWS_ACCOUNT. A plain value:
    a rollout checks every one of its assignments before any request
    (:func:`poller.apply_account_assignments`).

    Attributes:
        account_id: The account (``TargetId``), 12 digits.
        permission_set_arn: The permission set, of the rollout's instance.
        principal_type: ``USER`` or ``GROUP``.
        principal_id: The Identity Store user or group ID.
    """

    account_id: str
    permission_set_arn: str
    principal_type: str
    principal_id: str

    @classmethod
    def from_api(cls, keys: Mapping[str, Any]) -> Assignment:
        """The assignment that the API's key names describe.

        Reads ``TargetId``, ``PermissionSetArn``, ``PrincipalType`` and ``PrincipalId`` (an
        input of CreateAccountAssignment, an entry of ListAccountAssignments with
        ``AccountId`` in place of ``TargetId``, or a request's status object); other keys are
        ignored. The values are checked by the rollout, with the others.

        Raises:
            ValueError: A key is missing, or ``TargetType`` is given and not AWS_ACCOUNT.
        """
        target_type = keys.get("TargetType", AWS_ACCOUNT)
        if target_type != AWS_ACCOUNT:
            raise ValueError(f"TargetType must be {AWS_ACCOUNT}, not {target_type!r}")
        account = keys.get("TargetId", keys.get("AccountId"))
        names = ("PermissionSetArn", "PrincipalType", "PrincipalId")
        missing = [name for name in names if name not in keys]
        if account is None:
            missing.insert(0, "TargetId")
        if missing:
            raise ValueError(f"an assignment needs {', '.join(missing)}: {dict(keys)!r}")
        return cls(account, keys["PermissionSetArn"], keys["PrincipalType"], keys["PrincipalId"])

    def to_api(self) -> dict[str, str]:
        """Its keys as CreateAccountAssignment takes them (without ``InstanceArn``)."""
        return {
            "TargetId": self.account_id,
            "TargetType": AWS_ACCOUNT,
            "PermissionSetArn": self.permission_set_arn,
            "PrincipalType": self.principal_type,
            "PrincipalId": self.principal_id,
        }

    def __str__(self) -> str:
        return (
            f"{self.principal_type} {self.principal_id} in account {self.account_id} with "
            f"permission set {self.permission_set_arn}"
        )


def _quote(value: object) -> str:
    """*value* as a short quote: its repr, cut to a few dozen characters."""
    text = repr(value)
    return text if len(text) <= _QUOTE else f"{text[: _QUOTE - 4]}...{text[-1]}"


def check_instance_arn(instance_arn: str) -> str:
    """*instance_arn*, if it is an instance ARN.

    Raises:
        InvalidInstanceArnError: It is not (the service model's pattern).
    """
    INSTANCE.check(Identity(instance_arn))
    return instance_arn


def check_max_outstanding(max_outstanding: int) -> int:
    """*max_outstanding*, if it is an integer from 1 to :data:`MAX_OUTSTANDING`.

    Raises:
        ValueError: It is not: above 15 the service refuses the writes beyond its limit anyway
            (ThrottlingException), which only wastes the account's rate.
    """
    if (
        isinstance(max_outstanding, bool)
        or not isinstance(max_outstanding, int)
        or not 1 <= max_outstanding <= MAX_OUTSTANDING
    ):
        raise ValueError(
            f"max_outstanding must be an integer from 1 to {MAX_OUTSTANDING}, not "
            f"{max_outstanding!r}: IAM Identity Center allows {MAX_OUTSTANDING} asynchronous "
            "writes in progress per instance, a limit that cannot be raised"
        )
    return max_outstanding


def _instance_part(arn: str) -> tuple[str, str]:
    """The partition and the instance ID (``ssoins-…``) that an instance or set ARN names."""
    prefix, _, path = arn.partition(":sso:::")
    return prefix, path.split("/")[1]


def _permission_set_problem(instance_arn: str, arn: object) -> str | None:
    """What is wrong with *arn* as a permission set of the instance, or None."""
    if (
        not isinstance(arn, str)
        or not PERMISSION_SET_ARN_MIN_LENGTH <= len(arn) <= PERMISSION_SET_ARN_MAX_LENGTH
        or _PERMISSION_SET_ARN.fullmatch(arn) is None
    ):
        return (
            f"permission set ARN {_quote(arn)}: expected "
            "arn:aws:sso:::permissionSet/ssoins-<16>/ps-<16> (the service model's pattern)"
        )
    if _instance_part(arn) != _instance_part(instance_arn):
        return (
            f"permission set ARN {_quote(arn)} belongs to instance "
            f"{_instance_part(arn)[1]}, not to {_instance_part(instance_arn)[1]}"
        )
    return None


def _assignment_problems(instance_arn: str, item: object) -> list[str]:
    """What is wrong with *item* as an assignment on the instance (nothing: an empty list)."""
    if not isinstance(item, Assignment):
        return [f"{_quote(item)} is not a poller.Assignment"]
    problems = []
    account = item.account_id
    if not isinstance(account, str) or _TARGET_ID.fullmatch(account) is None:
        problems.append(f"account ID {_quote(account)}: expected 12 digits")
    problem = _permission_set_problem(instance_arn, item.permission_set_arn)
    if problem is not None:
        problems.append(problem)
    if item.principal_type not in PRINCIPAL_TYPES:
        problems.append(f"principal type {_quote(item.principal_type)}: expected USER or GROUP")
    principal = item.principal_id
    if (
        not isinstance(principal, str)
        or not PRINCIPAL_ID_MIN_LENGTH <= len(principal) <= PRINCIPAL_ID_MAX_LENGTH
        or _PRINCIPAL_ID.fullmatch(principal) is None
    ):
        problems.append(
            f"principal ID {_quote(principal)}: expected an Identity Store user or group ID "
            "(a UUID, perhaps after 10 hex digits and a dash)"
        )
    return problems


def _refuse(
    instance_arn: str, what: str, total: int, problems: list[tuple[int, str]]
) -> InvalidArgumentError:
    """One error listing every problem, each with its index."""
    count = len({index for index, _ in problems})
    lines = [f"  [{index}] {problem}" for index, problem in problems[:_LISTED]]
    if len(problems) > _LISTED:
        lines.append(f"  ... and {len(problems) - _LISTED} more (error.problems lists them all)")
    message = f"{count} of the {total} {what} cannot be sent, and nothing was:\n" + "\n".join(lines)
    return InvalidArgumentError(message, problems=problems, instance_arn=instance_arn)


def check_assignments(instance_arn: str, assignments: Iterable[object]) -> list[Assignment]:
    """The assignments, each one checked before any request.

    Raises:
        InvalidArgumentError: One or more are bad: an account ID that is not 12 digits, a
            permission set ARN or principal ID the service model refuses, a permission set of
            another instance, a principal type other than USER or GROUP, something that is no
            :class:`Assignment`, or one listed twice. Every problem is listed, each with its
            index (``error.problems``).
    """
    items = list(assignments)
    problems: list[tuple[int, str]] = []
    first: dict[Assignment, int] = {}
    for index, item in enumerate(items):
        found = _assignment_problems(instance_arn, item)
        problems.extend((index, problem) for problem in found)
        if not found:
            assert isinstance(item, Assignment)
            if item in first:
                problems.append((index, f"repeats [{first[item]}]: {item}"))
            else:
                first[item] = index
    if problems:
        raise _refuse(instance_arn, "assignments", len(items), problems)
    return [item for item in items if isinstance(item, Assignment)]


def check_permission_sets(instance_arn: str, permission_set_arns: Iterable[object]) -> list[str]:
    """The permission set ARNs, each one checked before any request.

    Raises:
        InvalidArgumentError: One or more are not permission sets of the instance, or are
            listed twice; every problem is listed, each with its index.
    """
    arns = list(permission_set_arns)
    problems: list[tuple[int, str]] = []
    first: dict[str, int] = {}
    for index, arn in enumerate(arns):
        problem = _permission_set_problem(instance_arn, arn)
        if problem is not None:
            problems.append((index, problem))
        elif arn in first:
            problems.append((index, f"repeats [{first[str(arn)]}]: {arn}"))
        else:
            first[str(arn)] = index
    if problems:
        raise _refuse(instance_arn, "permission sets", len(arns), problems)
    return [str(arn) for arn in arns]
