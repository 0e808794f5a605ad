"""poller as an OpenTelemetry instrumentation, as ``opentelemetry-instrument`` finds one.

The entry point ``poller`` in the group ``opentelemetry_instrumentor`` names
:class:`PollerInstrumentor`; ``opentelemetry-instrument`` configures the SDK (the distro's
configurator, from ``OTEL_*`` variables), then calls ``PollerInstrumentor().instrument()``.
This module imports ``opentelemetry-instrumentation``, which only that command needs:
:mod:`poller.otel` imports it on first use of the name.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Final

# The module is marked `# type: ignore` as a whole, which hides its names from type checkers.
from opentelemetry.instrumentation.instrumentor import (  # type: ignore[attr-defined]
    BaseInstrumentor,
)

import poller.otel

__all__ = ["PollerInstrumentor"]

#: What is instrumented: poller itself, whose hooks (poller.tracing) this uses.
_INSTRUMENTS: Final = ("poller",)


class PollerInstrumentor(BaseInstrumentor):  # type: ignore[misc]  # a subclass of Any
    """Instruments poller: :func:`poller.otel.instrument` as an OpenTelemetry instrumentor.

    ``PollerInstrumentor().instrument(tracer_provider=..., meter_provider=...,
    member_spans=...)`` takes :func:`~poller.otel.instrument`'s arguments (all optional);
    ``uninstrument()`` undoes it.
    """

    def instrumentation_dependencies(self) -> Collection[str]:
        """The package instrumented, as requirements: poller."""
        return _INSTRUMENTS

    def _instrument(self, **kwargs: Any) -> None:
        poller.otel.instrument(
            tracer_provider=kwargs.get("tracer_provider"),
            meter_provider=kwargs.get("meter_provider"),
            member_spans=kwargs.get("member_spans"),
        )

    def _uninstrument(self, **kwargs: Any) -> None:
        poller.otel.uninstrument()
