"""The ``poller`` command: wait on Identity Center from a shell script or CI.

``poller wait`` waits on instances; ``wait-region``, ``wait-abac``, ``wait-provisioning`` and
``wait-assignment`` on the rollout after them; ``poller assign`` applies a plan of account
assignments (:func:`poller.apply_account_assignments`) and waits on it, or looks at it once
(:func:`poller.look_account_assignments`). Each waiting command is made from a kind of
``poller.resources`` (its name, words, arguments and default delays are the kind's), so a kind
added there is a command. A thin layer over the library's public API: each command checks its
arguments (before any request, by each kind's own check), hands them to
:func:`poller.wait_many` (or looks once with :func:`poller.look`, for ``poller check`` and
``--timeout 0``), prints each result on stdout as it comes (or in input order, ``--ordered``)
and the events on stderr, what failed last, and exits with a code a script can branch on
(:class:`poller.ExitCode`):

====  ===============================================================
0     everything waited on reached its target (for ``assign``: or was as planned already)
1     a resource is in a terminal failure state
2     usage or bad input (refused before any request)
3     timed out (looking once: not yet)
4     access denied, no such resource, or another AWS error
74    the results could not be written to stdout (EX_IOERR)
129   hung up (SIGHUP); 130 interrupted (SIGINT); 143 terminated (SIGTERM)
====  ===============================================================

With several resources, the exit code is the highest of theirs. The stdout shapes are
described in :mod:`poller.cli._report`. aiobotocore is imported only once a command runs, so
``poller --help`` and refused arguments answer at once; the command's own modules are imported
on first use of :data:`cli` or :func:`main`, so that the console script can take the signals
before it imports them (:mod:`poller.cli._process`).

Modules: ``_main`` (the group, ``check``, ``describe``, ``demo``, :func:`main`), ``_commands``
(the waiting commands, made from the kinds), ``_assign`` (``poller assign``), ``_plan`` (its
plan, read and checked), ``_apply`` (its rollout, or its look), ``_rollout_words`` (the
rollout's events in words), ``_kinds`` (the kinds grouped by command, what a
run waits on), ``_help`` (the words of ``--help`` that the kinds decide), ``_options`` (options
defined once, settings checked by the library), ``_stdin`` (stdin read as a stream, an item
at a time), ``_arns`` (ARN arguments, or stdin), ``_targets`` (what a command waits on,
checked), ``_answers`` (the AWS CLI's answers on stdin), ``_launch`` (the shared options, up to
the hand-over), ``_group`` (commands imported on
first use: ``poller simulate`` is :mod:`poller.simulator`'s own), ``_wait`` (the fan-out),
``_check`` (one look), ``_run`` (what both share: signals, ``--all``, the end of a run),
``_describe``, ``_demo``, ``_report`` (what each ending prints, and its exit code),
``_output`` (stdout: forms, ``--query``, order, a failed write; the failures last), ``_text``
(``--output text`` as the AWS CLI's), ``_hints``, ``_render`` (stderr's lines), ``_status``
(the live status line), ``_debug`` (``--debug``'s wire log), ``_streams`` (closed and failing
standard streams), ``_durations``, ``_process`` (the console script's process: signals from
its first instruction), ``_startup`` (the garbage collector off while the command starts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from poller.cli._main import cli, main

__all__ = ["cli", "main"]


def __getattr__(name: str) -> Any:
    """:data:`cli` and :func:`main`, imported on first use (with the command's modules)."""
    if name in __all__:
        from poller.cli import _main  # noqa: PLC0415 - on first use

        return getattr(_main, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
