"""``--backend trio``: the same command, exit codes and events on trio (httpx underneath)."""

from __future__ import annotations

from poller.simulator import Fault
from tests.cli.conftest import Center, json_lines, run_poller


def test_trio_reaches_active(center: Center) -> None:
    """On trio, a wait through a throttling burst reaches ACTIVE and exits 0."""
    arn = center.simulator.create_instance("ok")
    center.simulator.add_fault(Fault.throttling(count=2))

    done = run_poller("wait", arn, "--backend", "trio", *center.options())

    assert 0 == done.returncode, done.stderr
    assert "ACTIVE" == json_lines(done.stdout)[0]["Status"]
    assert "poll.retrying" in {e["event"] for e in json_lines(done.stderr)}


def test_trio_times_out_with_3(center: Center) -> None:
    """On trio, the deadline ends the wait with exit code 3."""
    arn = center.simulator.create_instance("slow", create_seconds=10**9)

    done = run_poller("wait", arn, "--backend", "trio", "--timeout", "300ms", *center.options())

    assert 3 == done.returncode, done.stderr
    assert "timed-out" == json_lines(done.stdout)[0]["Outcome"]


def test_unknown_backend_is_refused(center: Center) -> None:
    """Any other event loop is a usage error, before any request."""
    arn = center.simulator.create_instance("ok")

    done = run_poller("wait", arn, "--backend", "curio", *center.options())

    assert 2 == done.returncode
    assert 0 == center.simulator.calls()
