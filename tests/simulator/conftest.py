"""Fixtures for the simulator suite: one simulator per session, tokens, HTTP client, spec validation.

The session simulator runs in a background thread (``SimulatorThread``) on 127.0.0.1:0;
``sim`` resets its accounts, idempotency keys and request log before each test.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from desktop.simulator import SimConfig, SimulatorThread
from tests.contract import spec as vendor_spec
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET, JS_DIR


@pytest.fixture(scope="session")
def sim_thread() -> Iterator[SimulatorThread]:
    with SimulatorThread(SimConfig(seed=1, tick_rate=1000)) as running:
        # Read tests compare two reads of the book; a stop out between them (prices drift all
        # session) would make them flaky. test_sim_stops switches it on; resets and gaps still run it.
        running.control.stops.live_stop_out = False
        yield running


@pytest.fixture
def sim(sim_thread: SimulatorThread) -> SimulatorThread:
    sim_thread.call(sim_thread.control.reset)
    return sim_thread


@pytest.fixture(scope="session")
def token(sim_thread: SimulatorThread) -> str:
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    response = httpx.post(f"{sim_thread.url}/connect/token", data=form)
    response.raise_for_status()
    return str(response.json()["access_token"])


@pytest.fixture(scope="session")
def http(sim_thread: SimulatorThread, token: str) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=sim_thread.url, headers=headers, timeout=30) as client:
        yield client


def _nullable_refs(node: Any) -> Any:
    """Rewrite Swashbuckle's ``{allOf: [$ref], nullable: true}`` into "the ref, or null".

    OAS 3.0.3 says ``nullable`` only acts next to an explicit ``type``, and
    openapi-schema-validator applies that reading, so a null ``error``/``meta``/``data`` of
    that form would be rejected although the generator meant it as nullable. Only this
    exact pattern is changed; every other keyword is validated as written.
    """
    if isinstance(node, list):
        return [_nullable_refs(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _nullable_refs(value) for key, value in node.items()}
    if out.get("nullable") is True and "allOf" in out and "type" not in out:
        rest = {k: v for k, v in out.items() if k not in ("allOf", "nullable")}
        return {**rest, "anyOf": [{"allOf": out["allOf"]}, {"enum": [None]}]}
    return out


#: Flag enums: the vendored (older) spec lists single names, [SPEC-PY] sends the names of
#: the set bits joined by ", " ("None" for none, "Bit<n>" for unnamed bits) — contract §2.1.
FLAG_SCHEMAS = ("UsersRights", "GroupRights", "TradeActivationFlags", "TradeModifyFlags", "EnPermissionsFlags",
                "EnReportsFlags", "EnTradeRightsFlags", "EnMarginCalcFlags", "EnTickFlags", "EnFillingFlags",
                "EnExpirationFlags", "EnMarginFlags", "EnRequestFlags", "EnTradeFlags", "EnOrderFlags",
                "EnInstantFlags", "EnSwapFlags")  # fmt: skip


def _flag_strings(prepared: dict[str, Any]) -> dict[str, Any]:
    """Let the flag enums take ", "-joined names (only those; every other enum stays closed)."""
    schemas = prepared["components"]["schemas"]
    for name in FLAG_SCHEMAS:
        names = "|".join(n for n in schemas[name]["enum"] if n != "None")
        item = f"(?:{names}|Bit[0-9]+)"
        schemas[name] = {"type": "string", "pattern": f"^(?:None|{item}(?:, {item})*)$"}
    return prepared


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """The vendor's v2 OpenAPI document (the copy vendored under tests/fixtures/contract)."""
    return vendor_spec()


def _describe(errors: list[Any]) -> list[str]:
    """Flatten validation errors, including those inside anyOf branches."""
    lines: list[str] = []
    for error in errors:
        lines.append(f"{list(error.absolute_path)}: {error.message}")
        lines += _describe(list(error.context or []))
    return lines


@pytest.fixture(scope="session")
def validate_v2(spec: dict[str, Any]) -> Callable[[str, str, Any], None]:
    """Return ``validate(method, action, body)`` checking a body against the op's 200 schema.

    ``action`` is the path after ``/api/v2/MT4/{tradePlatform}/``, or ``MT5/`` + the path after
    ``/api/v2/MT5/{tradePlatform}/``.
    """
    prepared = _flag_strings(_nullable_refs(copy.deepcopy(spec)))
    registry = Registry().with_resource("urn:webapi-v2", Resource.from_contents(prepared, DRAFT4))

    def validate(method: str, action: str, body: Any) -> None:
        mt5 = action.startswith("MT5/")
        path = ("/api/v2/MT5/{tradePlatform}/" + action[4:]) if mt5 else ("/api/v2/MT4/{tradePlatform}/" + action)
        operation = spec["paths"][path][method.lower()]
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        schema = {"$ref": "urn:webapi-v2" + ref}
        validator = OAS30Validator(schema, registry=registry, format_checker=oas30_format_checker)
        errors = list(validator.iter_errors(body))
        assert not errors, f"{method} {action}: " + "; ".join(_describe(errors)[:8])

    return validate


@pytest.fixture(scope="session")
def js_client() -> Path:
    """Directory of the node script with ``node_modules`` installed (``npm ci`` on first use)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm not installed")
    if not (JS_DIR / "node_modules" / "@microsoft" / "signalr").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=JS_DIR,
            check=True,
            timeout=300,
            capture_output=True,
        )
    return JS_DIR
