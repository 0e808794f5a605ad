"""poller's benchmarks: per-poll overhead, scale, calls against detection delay, start-up.

Run them all with ``python -m benchmarks`` (``--quick`` for small sizes); see BENCHMARKS.md.
"""
