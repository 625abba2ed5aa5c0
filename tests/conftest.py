"""Root test configuration: headless Qt, and garbage collected on the main thread only."""

import gc
import os
import tempfile
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

# Without a display and without this, creating the QApplication aborts the process (rc 134)
# and pytest's capture swallows Qt's explanation (stack-notes §1.3).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The operations journal and the operator name of every app started by the tests (also as a
# child process) live in a throw-away directory, never in the user's own data directory.
os.environ.setdefault("DEALER_DESK_DATA_DIR", tempfile.mkdtemp(prefix="dealer-desk-tests-"))

# The property tests check what is accepted and what escapes, never how fast: on a loaded
# machine (CI may be one) Hypothesis's own timing checks would fail them for the machine's
# sake, so the per-example deadline and the slow-generation check are off for every test.
settings.register_profile("dealer-desk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("dealer-desk")


def pytest_configure(config: pytest.Config) -> None:
    # Simulator threads run beside Qt objects in many tests. Left automatic, the cycle collector
    # can run in such a thread and destroy Qt objects there ("Timers cannot be stopped from
    # another thread", then a crash) -- the hazard desktop.ui.garbage handles in the app.
    gc.disable()


@pytest.fixture(autouse=True)
def _collect_young_garbage_on_the_main_thread() -> Iterator[None]:
    yield
    gc.collect(1)


@pytest.fixture(autouse=True, scope="module")
def _collect_all_garbage_on_the_main_thread() -> Iterator[None]:
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _journal_in_a_temporary_directory(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The operations journal lives in the OS user's data directory; tests never touch the real one.
    monkeypatch.setenv("DEALER_DESK_DATA_DIR", str(tmp_path_factory.mktemp("dealer-desk-data")))
