"""The words of the commands' ``--help`` that their kinds decide: epilogs and flags.

What a waiting command prints and reads is said from its kinds (:class:`poller.ResourceKind`):
the Describe answer or the status object it prints on success, the removals it prints instead,
the AWS CLI commands whose answers ``-`` reads. A kind added to ``poller.resources`` is
documented with no edit here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from poller import ResourceKind
from poller.cli._kinds import CommandKinds

__all__ = [
    "DESCRIBE_EXIT_CODES",
    "EXIT_CODES",
    "INSTANCES_FROM_STDIN",
    "ORDER",
    "epilog",
    "flag_help",
    "stdout_paragraph",
]

_CODES: Final = (
    "Exit codes: 0 {reached}, 1 terminal failure state, 2 usage or bad input, {timed_out}4 "
    "denied, not found or other AWS error, 74 the results could not be written to stdout, "
    "129 SIGHUP, 130 SIGINT, 143 SIGTERM (with several resources, the highest)."
)
#: The exit codes of the group and of every command that waits or looks.
EXIT_CODES: Final = _CODES.format(
    reached="target reached", timed_out="3 timed out (looking once: not yet), "
)
#: The exit codes of ``poller describe``, which asks for no target.
DESCRIBE_EXIT_CODES: Final = _CODES.format(reached="described", timed_out="")
#: In which order the results come.
ORDER: Final = "Results come as each ends; with --ordered, in the order given."
#: What ``-`` reads where instance ARNs are read.
INSTANCES_FROM_STDIN: Final = (
    "ARN - reads the ARNs from stdin: separated by whitespace, or the JSON that `aws sso-admin "
    "list-instances` or `create-instance` prints. On a terminal, end the input with Ctrl-D."
)
_SUCCESS_KEYS: Final = "with InstanceArn added where the answer lacks it"
#: What each shape's arguments are, after what stdout holds.
_ARGUMENTS: Final = {
    "instance": INSTANCES_FROM_STDIN,
    "region": "REGION... are the Regions to wait on; --region is the Region to call, the "
    "instance's.",
}
_STDIN: Final = (
    "REQUEST_ID - reads from stdin the JSON that `aws sso-admin {aws}` printed: one answer, "
    "several one after the other, JSON lines, or a JSON array; or request IDs one per line. On a "
    "terminal, end the input with Ctrl-D."
)


def _either(words: Sequence[str]) -> str:
    """*words* joined by "or", each once, in order."""
    return " or ".join(dict.fromkeys(words))


def stdout_paragraph(kinds: Sequence[ResourceKind]) -> str:
    """What stdout holds for a command that waits on *kinds* (the first's words)."""
    first = kinds[0]
    if first.shape == "request":
        keys = _either([kind.answer_key for kind in kinds if kind.answer_key is not None])
        success = f"the status object ({keys})"
    else:
        success = f"the {_either([kind.operation for kind in kinds])} answer"
    removals = [target for target in first.targets if target in first.removals]
    ending = "".join(
        f"; with --until {target}, an object with Outcome {target}" for target in removals
    )
    ending += "; else" if removals else ", else"
    return (
        f"stdout: one line per {first.noun} (JSON, or text on a terminal): {success} on success "
        f"({_SUCCESS_KEYS}){ending} an object with an Outcome key. {ORDER}"
    )


def _stdin_paragraphs(group: CommandKinds) -> list[str]:
    """What ``-`` reads for requests, and how the AWS CLI's answer is piped in."""
    commands = [command for kind in group.kinds for command in kind.aws_commands]
    text = _STDIN.format(aws="` or `".join(commands))
    if group.flagged:
        picked = ", or ".join(
            f"{_either(kind.started_by)}'s with {flag}" for flag, kind in group.flagged.items()
        )
        text += (
            " Each answer says which operation started it, and answers may be mixed; bare "
            f"request IDs are {_either(group.default.started_by)}'s, or {picked}."
        )
    example = (
        f"\b\n  aws sso-admin {commands[0]} --instance-arn $ARN ... \\\n"
        f"    | poller {group.name} $ARN -"
    )
    return [text, example]


def epilog(group: CommandKinds) -> str:
    """The epilog of a waiting command (or ``poller check``): exit codes, stdout, arguments."""
    shape = group.default.shape
    paragraphs = [EXIT_CODES, stdout_paragraph(group.kinds)]
    if shape == "request":
        paragraphs.extend(_stdin_paragraphs(group))
    elif shape == "instance":
        paragraphs[-1] += " " + _ARGUMENTS[shape]
    else:
        paragraphs.append(_ARGUMENTS[shape])
    return "\n\n".join(paragraphs)


def flag_help(kind: ResourceKind) -> str:
    """The help of the flag that picks *kind* on a command it shares."""
    started_by = _either(kind.started_by)
    if kind.shape == "request":
        return f"The request IDs are {started_by}'s (answers on stdin say for themselves)."
    return f"Wait on {kind.nouns}, after {started_by}."
