"""Root test configuration: headless Qt, and garbage collected on the main thread only."""

import gc
import os
from collections.abc import Iterator

import pytest

# Without a display and without this, creating the QApplication aborts the process (rc 134)
# and pytest's capture swallows Qt's explanation (stack-notes §1.3).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


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
