"""The ``poller`` command: wait for Identity Center instances from a shell script or CI.

A thin layer over the library: it checks its arguments (before any request), calls
:func:`poller.wait_for_instances` (or looks once, for ``poller check``), prints each result on
stdout as it comes and the events on stderr, and exits with a code a script can branch on
(:class:`poller.ExitCode`):

====  ===============================================================
0     every instance reached the target
1     an instance is in a terminal failure state
2     usage or bad input (refused before any request)
3     timed out (looking once: not yet)
4     access denied, no such instance, or another AWS error
74    the results could not be written to stdout (EX_IOERR)
129   hung up (SIGHUP); 130 interrupted (SIGINT); 143 terminated (SIGTERM)
====  ===============================================================

With several instances, the exit code is the highest of theirs. The stdout shapes are
described in :mod:`poller.cli._report`. aiobotocore is imported only once a command runs, so
``poller --help`` and refused arguments answer at once.

Modules: ``_main`` (the group, the commands' arguments, :func:`main`), ``_options`` (options
defined once, settings checked by the library), ``_arns`` (ARN arguments, or stdin), ``_group``
(commands imported on first use: ``poller simulate`` is :mod:`poller.simulator`'s own),
``_wait`` (the fan-out), ``_check`` (one look), ``_run`` (what both share: signals, ``--all``,
the end of a run), ``_describe``, ``_demo``, ``_report`` (what each ending prints, and its exit
code), ``_output`` (stdout: forms, ``--query``, a failed write), ``_hints``, ``_render``
(stderr's lines), ``_status`` (the live status line), ``_debug`` (``--debug``'s wire log),
``_streams`` (closed and failing standard streams), ``_durations``.
"""

from poller.cli._main import cli, main

__all__ = ["cli", "main"]
