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

import pytest

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
