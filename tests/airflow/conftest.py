"""Airflow's own engine, on a throwaway home and SQLite database, for poller.airflow's tests.

These run in the venv that ``.ci/airflow`` builds. Where Airflow is not installed (the main
test environment) there is nothing to collect here.
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from poller.simulator import Server, Simulator, serve_in_thread
from tests.airflow._support import TIME_SCALE

HERE = pathlib.Path(__file__).parent
EXAMPLE_DAG = HERE.parent.parent / "examples" / "airflow_dag.py"
# Not importorskip: importing airflow reads its configuration, which must be set up first.
if importlib.util.find_spec("airflow") is None:
    collect_ignore_glob = ["test_*.py"]
else:
    AIRFLOW_HOME = pathlib.Path(os.environ.get("AIRFLOW_HOME") or tempfile.mkdtemp("-airflow"))
    DAGS_FOLDER = AIRFLOW_HOME / "dags"
    DAGS_FOLDER.mkdir(parents=True, exist_ok=True)
    for dag_file in [*HERE.glob("dags/*.py"), EXAMPLE_DAG]:
        shutil.copy(dag_file, DAGS_FOLDER / dag_file.name)
    os.environ.update(
        {
            "AIRFLOW_HOME": str(AIRFLOW_HOME),
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            # The simulator takes any signature; these keep the machine's own credentials out.
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)


@pytest.fixture(scope="session", autouse=True)
def _airflow_database() -> None:
    """A migrated SQLite metadata database in the throwaway home, once per run."""
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True
    )


@pytest.fixture(autouse=True)
def _unconfigured_structlog() -> None:
    """Leave structlog as Airflow configured it (overrides the suite's reset to defaults)."""


@pytest.fixture
def simulator() -> Simulator:
    """A simulated Identity Center whose instances take 0.3 s (real) to create."""
    return Simulator(time_scale=TIME_SCALE, create_seconds=300.0)


@pytest.fixture
def server(simulator: Simulator) -> Iterator[Server]:
    """The simulator on loopback, served from its own thread as a real endpoint is."""
    with serve_in_thread(simulator) as running:
        yield running


@pytest.fixture
def dagbag() -> Any:
    """The DAGs folder, parsed anew: dag.test() renders templates into the task objects."""
    try:  # imported here: this module is loaded where Airflow is not installed, too
        from airflow.dag_processing.dagbag import DagBag  # noqa: PLC0415
    except ImportError:  # Airflow 3.0
        from airflow.models.dagbag import DagBag  # noqa: PLC0415
    return DagBag(dag_folder=str(DAGS_FOLDER))
