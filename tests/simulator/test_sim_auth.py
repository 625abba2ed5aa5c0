"""Token service and bearer checks on REST and hub."""

from __future__ import annotations

import base64

import httpx
import jwt
import pytest

from desktop.simulator import ORGANIZATION_ID, PLATFORM_ID, SimulatorThread
from desktop.simulator.config import DEFAULT_CLOCK_SKEW, OTHER_CLIENT_ID, OTHER_ORGANIZATION_ID
from tests.simulator.sim_helpers import CLIENT_ID, CLIENT_SECRET, HUB, V2

pytestmark = pytest.mark.integration
SKEW = int(DEFAULT_CLOCK_SKEW)


def _form(**extra: str) -> dict[str, str]:
    return {"grant_type": "client_credentials", **extra}


def test_discovery_has_absolute_token_endpoint_for_request_host(sim: SimulatorThread) -> None:
    doc = httpx.get(f"{sim.url}/.well-known/openid-configuration").json()
    assert doc["issuer"] == sim.url
    assert doc["token_endpoint"] == f"{sim.url}/connect/token"
    assert "client_secret_basic" in doc["token_endpoint_auth_methods_supported"]
    localhost = sim.url.replace("127.0.0.1", "localhost")
    other = httpx.get(f"{localhost}/.well-known/openid-configuration").json()
    assert other["token_endpoint"] == f"{localhost}/connect/token"
    assert other["issuer"] == sim.url, "the issuer is fixed, never taken from the request"


def test_token_with_form_credentials_is_a_signed_jwt(sim: SimulatorThread) -> None:
    response = httpx.post(f"{sim.url}/connect/token", data=_form(client_id=CLIENT_ID, client_secret=CLIENT_SECRET))
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "RS256"
    jwks = httpx.get(f"{sim.url}/.well-known/openid-configuration/jwks").json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(body["access_token"], key, algorithms=["RS256"], audience="webapi")
    assert claims["client_id"] == CLIENT_ID
    assert claims["iss"] == sim.url
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["scope"] == ["webapi"]


def test_token_with_basic_credentials_and_scope(sim: SimulatorThread) -> None:
    response = httpx.post(
        f"{sim.url}/connect/token", data=_form(scope="openid profile WebAPI"), auth=(CLIENT_ID, CLIENT_SECRET)
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "openid profile WebAPI"


@pytest.mark.parametrize(
    ("form", "basic", "error"),
    [
        (_form(client_id=CLIENT_ID, client_secret="wrong"), None, "invalid_client"),
        (_form(client_id="someone", client_secret=CLIENT_SECRET), None, "invalid_client"),
        (_form(), (CLIENT_ID, "wrong"), "invalid_client"),
        (_form(), None, "invalid_client"),
        ({"grant_type": "password", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, None,
         "unauthorized_client"),
        ({"grant_type": "password", "client_id": CLIENT_ID, "client_secret": "wrong"}, None, "invalid_client"),
        ({"grant_type": "urn:made-up", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, None,
         "unsupported_grant_type"),
        ({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, None, "unsupported_grant_type"),
        (_form(client_id="other"), (CLIENT_ID, CLIENT_SECRET), "invalid_request"),
        (_form(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, scope="admin"), None, "invalid_scope"),
    ],
)  # fmt: skip
def test_token_errors_are_worded_as_identityserver_words_them(
    sim: SimulatorThread, form: dict[str, str], basic: tuple[str, str] | None, error: str
) -> None:
    # IdentityServer4 authenticates the client before it looks at the grant, and sends the
    # RFC 6749 code alone, without a description.
    response = httpx.post(f"{sim.url}/connect/token", data=form, auth=basic)
    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_token_rejects_json_body_and_malformed_basic(sim: SimulatorThread) -> None:
    as_json = httpx.post(f"{sim.url}/connect/token", json=_form(client_id=CLIENT_ID, client_secret=CLIENT_SECRET))
    assert as_json.status_code == 400
    assert as_json.json()["error"] == "invalid_request"
    garbage = httpx.post(f"{sim.url}/connect/token", data=_form(), headers={"Authorization": "Basic !!!"})
    assert garbage.json()["error"] == "invalid_request"
    no_colon = base64.b64encode(b"demo-dealer").decode()
    missing = httpx.post(f"{sim.url}/connect/token", data=_form(), headers={"Authorization": f"Basic {no_colon}"})
    assert missing.json()["error"] == "invalid_request"


def _bad_tokens(sim: SimulatorThread) -> dict[str, dict[str, str]]:
    expired = sim.control.mint_token(lifetime=-SKEW - 5)
    return {
        "missing": {},
        "garbage": {"Authorization": "Bearer not-a-jwt"},
        "expired": {"Authorization": f"Bearer {expired}"},
        "wrong scheme": {"Authorization": f"Basic {expired}"},
    }


@pytest.mark.parametrize("path", [f"{V2}/ServerTime", "/api/TradePlatforms", "/api/Organizations"])
def test_rest_without_valid_bearer_is_401(sim: SimulatorThread, path: str) -> None:
    for name, headers in _bad_tokens(sim).items():
        response = httpx.get(sim.url + path, headers=headers)
        assert response.status_code == 401, name
        assert response.json() == {"error": "invalid_token"}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_hub_negotiate_and_upgrade_without_valid_bearer_are_401(sim: SimulatorThread) -> None:
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}  # fmt: skip
    for name, headers in _bad_tokens(sim).items():
        negotiate = httpx.post(f"{sim.url}/hubs/mt4/v2/negotiate?tradePlatform={PLATFORM_ID}", headers=headers)
        assert negotiate.status_code == 401, name
        response = httpx.get(sim.url + HUB, headers={**headers, **upgrade})
        assert response.status_code == 401, name
    expired = sim.control.mint_token(lifetime=-SKEW - 5)
    for name in ("access_token", "signalr_token"):
        response = httpx.get(f"{sim.url}{HUB}&{name}={expired}", headers=upgrade)
        assert response.status_code == 401, name


def test_hub_accepts_token_in_query_for_negotiate(sim: SimulatorThread, token: str) -> None:
    for name in ("access_token", "signalr_token"):
        response = httpx.post(f"{sim.url}/hubs/mt4/v2/negotiate?tradePlatform={PLATFORM_ID}&{name}={token}")
        assert response.status_code == 200, name


def test_rest_ignores_token_in_query(sim: SimulatorThread, token: str) -> None:
    response = httpx.get(f"{sim.url}{V2}/ServerTime?access_token={token}")
    assert response.status_code == 401


def test_minted_token_is_accepted(sim: SimulatorThread) -> None:
    fresh = sim.control.mint_token(lifetime=60)
    response = httpx.get(f"{sim.url}/api/TradePlatforms", headers={"Authorization": f"Bearer {fresh}"})
    assert response.status_code == 200


def test_tokens_carry_the_organisation_and_its_platforms(sim: SimulatorThread) -> None:
    mine = httpx.post(f"{sim.url}/connect/token", data=_form(client_id=CLIENT_ID, client_secret=CLIENT_SECRET))
    other = httpx.post(f"{sim.url}/connect/token", data=_form(client_id=OTHER_CLIENT_ID, client_secret="other-secret"))
    for answer, org, platform in ((mine, ORGANIZATION_ID, PLATFORM_ID), (other, OTHER_ORGANIZATION_ID, None)):
        claims = jwt.decode(answer.json()["access_token"], options={"verify_signature": False})
        assert claims["org_id"] == org
        assert len(claims["trade_platforms"]) == 1
        assert platform is None or claims["trade_platforms"] == [platform]
    wrong = httpx.post(f"{sim.url}/connect/token", data=_form(client_id=OTHER_CLIENT_ID, client_secret=CLIENT_SECRET))
    assert wrong.json()["error"] == "invalid_client"


def test_token_of_another_organisation_is_forbidden(sim: SimulatorThread) -> None:
    form = _form(client_id=OTHER_CLIENT_ID, client_secret="other-secret")
    fetched = httpx.post(f"{sim.url}/connect/token", data=form).json()["access_token"]
    minted = sim.control.mint_token(client_id=OTHER_CLIENT_ID)
    for token in (fetched, minted):
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "other-org"}
        response = httpx.get(f"{sim.url}{V2}/UserRecordGet/100001", headers=headers)
        assert response.status_code == 200
        assert response.json()["error"]["code"] == "Forbidden"
        assert response.headers["X-Request-Timeout-Applied"] == "10"
    assert not sim.control.idempotency.lookup(OTHER_CLIENT_ID, "other-org", b""), "refused before the key"
