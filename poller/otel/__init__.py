"""OpenTelemetry for poller: a span per wait, one per fan-out, and metrics of every wait.

``pip install 'poller[otel]'`` (OpenTelemetry's API: the SDK, its exporters and its
configuration are the application's), then::

    import poller.otel

    poller.otel.instrument()  # the global tracer and meter providers, or give your own

or, with no code change, ``opentelemetry-instrument poller wait ARN`` or
``opentelemetry-instrument python script.py``: the entry point ``poller`` in the group
``opentelemetry_instrumentor`` is :class:`PollerInstrumentor`.

Each wait run to its end is an INTERNAL span ``wait <resource>`` (``wait instance``, ``wait
account-assignment-creation`` ...), current while the wait runs, so that the spans
aiobotocore's own instrumentation makes of each request (``opentelemetry-instrumentation-
botocore``'s ``AiobotocoreInstrumentor``) are its children; poller makes no span per request.
A fan-out (``wait_many``, ``wait_for_instances``, ``wait_for_requests``) is one span ``wait
<resource> many``, with a count per outcome, and its waits have no span of their own unless
``member_spans`` asks for them; a fan-out of one wait (the command's ``poller wait ARN``) is
that wait's span alone. A paced rollout (``apply_account_assignments``,
``provision_permission_sets``) is one span ``rollout <resource>``, whose span events are its
slots, retries and throttles, with its calls' and waits' spans under it. The metrics are
``poller.wait.duration``, ``poller.polls``, ``poller.throttles`` and ``poller.waits.active``.
README.md's "OpenTelemetry" section lists every name and attribute.

Instrumenting never changes a wait: its outcome, attempts and events are the same, and a
tracer provider, meter provider or exporter that fails never ends one. Importing this module
imports OpenTelemetry's API and nothing of aiobotocore.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Final

try:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider
except ImportError as missing:  # pragma: no cover - the test environment has the API
    raise ImportError(
        "poller.otel needs OpenTelemetry's API: pip install 'poller[otel]'"
    ) from missing

from poller import tracing
from poller.otel._tracer import OtelTracer

if TYPE_CHECKING:
    from poller.otel._instrumentor import PollerInstrumentor as PollerInstrumentor

__all__ = ["MEMBER_SPANS_ENV", "PollerInstrumentor", "instrument", "instrumented", "uninstrument"]

#: Set to ``true`` to give each wait of a fan-out a span of its own, when ``member_spans`` is
#: not given (as under ``opentelemetry-instrument``).
MEMBER_SPANS_ENV: Final = "OTEL_PYTHON_POLLER_MEMBER_SPANS"

_current: OtelTracer | None = None


def instrument(
    tracer_provider: TracerProvider | None = None,
    meter_provider: MeterProvider | None = None,
    *,
    member_spans: bool | None = None,
) -> None:
    """Trace and measure every wait that begins from now on.

    Calling it again replaces the providers and options given before: poller is instrumented
    once, however often this is called.

    Args:
        tracer_provider: Where the spans go; None: the global one (set before or after this
            call: OpenTelemetry's API defers to it).
        meter_provider: Where the metrics go; None: the global one.
        member_spans: Whether each wait of a fan-out has a span of its own, nested under the
            fan-out's; None: as ``OTEL_PYTHON_POLLER_MEMBER_SPANS`` says (false if unset).
    """
    global _current  # noqa: PLW0603 - one instrumentation per process
    if member_spans is None:
        member_spans = os.environ.get(MEMBER_SPANS_ENV, "").strip().lower() in _TRUE
    tracer = OtelTracer(tracer_provider, meter_provider, member_spans=member_spans)
    if _current is not None:
        tracing.remove_tracer(_current)
    _current = tracer
    tracing.add_tracer(tracer)


def uninstrument() -> None:
    """Stop tracing and measuring waits (those under way keep their spans); harmless if not on."""
    global _current  # noqa: PLW0603
    if _current is not None:
        tracing.remove_tracer(_current)
        _current = None


def instrumented() -> bool:
    """Whether :func:`instrument` is in effect."""
    return _current is not None


_TRUE: Final = frozenset({"1", "true", "yes", "on"})


def __getattr__(name: str) -> Any:
    # PollerInstrumentor subclasses opentelemetry-instrumentation's BaseInstrumentor: imported
    # on first use, so that this module needs only the API (opentelemetry-instrument, which
    # looks it up, has that package).
    if name == "PollerInstrumentor":
        from poller.otel._instrumentor import PollerInstrumentor  # noqa: PLC0415

        return PollerInstrumentor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
