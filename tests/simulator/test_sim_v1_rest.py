"""The vendor's RESTful documentation page, walked with curl exactly as written there (issue §3).

token → GET /API/Organizations → GET /API/TradePlatforms → GET /API/MT4/{tp}/UsersGet →
GET /api/MT4/{tp}/UserRecordGet/{login} → POST /api/MT4/{tp}/TradeTransaction with
{"tradeTransactionType":"BrBalance","tradeCommand":"Balance","orderBy":1000,"price":100} →
POST /api/MT4/{tp}/UserRecordNew with only group and name.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from desktop.simulator import SimulatorThread
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is installed by .ci/run")


def curl(*args: str) -> Any:
    done = subprocess.run(["curl", "-sS", "--fail-with-body", *args], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr + done.stdout
    return json.loads(done.stdout)


def test_documentation_flow_with_curl(sim: SimulatorThread) -> None:
    url = sim.url
    form = f"grant_type=client_credentials&scope=webapi&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    token = curl(
        "-X", "POST", "-H", "Content-Type: application/x-www-form-urlencoded", "-d", form, f"{url}/connect/token"
    )
    bearer = f"Authorization: Bearer {token['access_token']}"

    organizations = curl("-H", bearer, f"{url}/API/Organizations")
    assert organizations[0]["name"]
    platforms = curl("-H", bearer, f"{url}/API/TradePlatforms")
    tp = next(p["id"] for p in platforms if p["type"] == "MT4")

    users = curl("-H", bearer, f"{url}/API/MT4/{tp}/UsersGet")
    assert users["isError"] is False
    assert {u["login"] for u in users["payload"]} >= {1000}

    user = curl("-H", bearer, f"{url}/api/MT4/{tp}/UserRecordGet/1000")
    before = user["payload"]["balance"]

    body = '{"tradeTransactionType":"BrBalance","tradeCommand":"Balance","orderBy":1000,"price":100}'
    json_type = "Content-Type: application/json"
    deposit = curl("-X", "POST", "-H", bearer, "-H", json_type, "-d", body, f"{url}/api/MT4/{tp}/TradeTransaction")
    assert deposit["isError"] is False
    assert deposit["payload"]["order"] > 0
    after = curl("-H", bearer, f"{url}/api/MT4/{tp}/UserRecordGet/1000")
    assert after["payload"]["balance"] == before + 100

    new_user = '{"group":"demo\\\\usd-std","name":"John Smith"}'
    created = curl("-X", "POST", "-H", bearer, "-H", json_type, "-d", new_user, f"{url}/api/MT4/{tp}/UserRecordNew")
    assert created["isError"] is False
    assert created["payload"]["name"] == "John Smith"
    assert created["payload"]["login"] > 0


def test_v1_errors_use_the_legacy_envelope(sim: SimulatorThread, token: str) -> None:
    bearer = f"Authorization: Bearer {token}"
    from desktop.simulator import PLATFORM_ID

    missing = curl("-H", bearer, f"{sim.url}/api/mt4/{PLATFORM_ID}/userrecordget/99999999")
    assert missing["isError"] is True
    assert missing["errorCode"] == "NotFound"
    assert missing["payload"] is None
    body = '{"tradeTransactionType":"BrBalance","tradeCommand":"Balance","orderBy":1000,"price":-1e12}'
    refused = curl(
        "-X", "POST", "-H", bearer, "-H", "Content-Type: application/json", "-d", body,
        f"{sim.url}/api/MT4/{PLATFORM_ID}/TradeTransaction",
    )  # fmt: skip
    assert refused["managerAPICode"] == "TradeNoMoney"
    assert set(refused) == {"isError", "errorCode", "errorDescription", "managerAPICode", "activityId", "payload"}
