"""The vendor SDK's own end-to-end test and quickstart example, taken from its sdist and run against a simulator.

At test time the ``mywebapi-sdk`` sdist of the installed version is downloaded with
``pip download --no-deps --no-binary :all:`` into a temporary directory (or taken from the
file named by ``DEALER_DESK_SDK_SDIST``), unpacked, and its ``e2e/test_e2e.py`` and
``examples/01_hello.py`` are run in a subprocess. Both target the vendor's staging host with
``env="staging"``; in the temporary copy that argument becomes ``env="custom"`` with the
simulator's URL as API base and authority (how the app points the SDK at any server), and
the credentials and platform come in the environment variables the SDK's files read.
Nothing of the SDK is kept in this repository.

Run by hand: ``python -m tests.simulator.sdk_sdist`` (starts its own simulator).
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "mywebapi-sdk"
STAGING = 'env="staging",'
CUSTOM = 'env="custom", api_base_url=os.environ["WEBAPI_BASE_URL"], authority=os.environ["WEBAPI_AUTHORITY"],'
FILES = ("e2e/test_e2e.py", "examples/01_hello.py")


@dataclass(frozen=True)
class Outcome:
    """What running the SDK's files printed."""

    e2e_returncode: int
    e2e_output: str
    hello_returncode: int
    hello_output: str


def pinned_version() -> str:
    """Return the installed SDK version (the one pyproject's dependency resolved to)."""
    return importlib.metadata.version(PACKAGE)


def fetch_sdist(into: Path) -> Path:
    """Download (or copy) the sdist of the pinned version into ``into`` and return its path."""
    given = os.environ.get("DEALER_DESK_SDK_SDIST")
    if given:
        return Path(given)
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
               f"{PACKAGE}=={pinned_version()}", "-d", str(into)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    [sdist] = into.glob("*.tar.gz")
    return sdist


def unpack(sdist: Path, into: Path) -> Path:
    """Unpack the sdist and point its staging clients at a custom environment; return its root."""
    with tarfile.open(sdist) as archive:
        archive.extractall(into, filter="data")
    [root] = [path for path in into.iterdir() if path.is_dir()]
    for name in FILES:
        path = root / name
        text = path.read_text(encoding="utf-8")
        if STAGING not in text:
            raise RuntimeError(f"{name} no longer selects the staging environment as expected")
        path.write_text(text.replace(STAGING, CUSTOM), encoding="utf-8")
    return root


def run(base_url: str, client_id: str, client_secret: str, platform: str) -> Outcome:
    """Fetch the sdist, run its e2e test and hello example against ``base_url``.

    Args:
        base_url: The simulator's URL (API base, authority and hub host at once).
        client_id: OAuth2 client.
        client_secret: Its secret.
        platform: Trade platform GUID for the platform-bound tests.

    Returns:
        Exit codes and output of both.
    """
    env = {**os.environ, "WEBAPI_E2E": "1", "WEBAPI_CLIENT_ID": client_id, "WEBAPI_CLIENT_SECRET": client_secret,
           "WEBAPI_TRADE_PLATFORM": platform, "WEBAPI_BASE_URL": base_url, "WEBAPI_AUTHORITY": base_url}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="sdk-sdist-") as tmp:
        root = unpack(fetch_sdist(Path(tmp)), Path(tmp) / "src")
        e2e = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "e2e"],
                             cwd=root, env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
        hello_env = {**env, "PYTHONPATH": str(root / "src")}
        hello = subprocess.run([sys.executable, "examples/01_hello.py"], cwd=root, env=hello_env,
                               capture_output=True, text=True, timeout=120)  # fmt: skip
    return Outcome(e2e.returncode, e2e.stdout + e2e.stderr, hello.returncode, hello.stdout + hello.stderr)


def main() -> int:
    """Run both against a fresh simulator and print what they printed."""
    from desktop.simulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, PLATFORM_ID, SimConfig, SimulatorThread

    with SimulatorThread(SimConfig(port=0)) as sim:
        outcome = run(sim.url, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, PLATFORM_ID)
    sys.stdout.write(f"{outcome.e2e_output}\n{outcome.hello_output}\n")
    return outcome.e2e_returncode or outcome.hello_returncode


if __name__ == "__main__":
    raise SystemExit(main())
