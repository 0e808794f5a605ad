"""Airflow's own engine, on a throwaway home and SQLite database, for poller.airflow's tests.

Run in the Airflow venv that ``.ci/airflow`` builds; elsewhere these tests are skipped.
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

import pytest

# Not importorskip: importing airflow now would read its configuration before it is set below.
if importlib.util.find_spec("airflow") is None:
    pytest.skip("Apache Airflow is not installed (see .ci/airflow)", allow_module_level=True)

HERE = pathlib.Path(__file__).parent
EXAMPLE_DAG = HERE.parent.parent / "examples" / "airflow_dag.py"

# Airflow reads its configuration when first imported: set it up before any test module does.
_home = pathlib.Path(os.environ.get("AIRFLOW_HOME") or tempfile.mkdtemp(prefix="airflow-home-"))
DAGS_FOLDER = _home / "dags"
DAGS_FOLDER.mkdir(parents=True, exist_ok=True)
for dag_file in [*HERE.glob("dags/*.py"), EXAMPLE_DAG]:
    shutil.copy(dag_file, DAGS_FOLDER / dag_file.name)
os.environ.update(
    {
        "AIRFLOW_HOME": str(_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        # The simulator accepts any signature; these keep the default chain off this machine's.
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
def _unconfigured_structlog() -> Iterator[None]:
    """Leave structlog as Airflow configured it (overrides the suite's reset to defaults)."""
    yield
