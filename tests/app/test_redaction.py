"""The log redactor: tokens and secrets never reach a handler's output, whoever logs them."""

from __future__ import annotations

import base64
import io
import json
import logging
import re
import string
from collections.abc import Iterator

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from desktop.app.redaction import MASK, Redactor, install

ASCII_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class Captured:
    """A logger tree whose parent handler has a fresh redactor; ``child`` logs like a library."""

    def __init__(self, name: str) -> None:
        self.stream = io.StringIO()
        self.redactor = Redactor()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.parent = logging.getLogger(name)
        self.parent.addHandler(self.handler)
        self.parent.setLevel(logging.DEBUG)
        self.parent.propagate = False
        install(self.parent, self.redactor)
        self.child = logging.getLogger(f"{name}.httpcore.http11")

    def text(self) -> str:
        self.handler.flush()
        return self.stream.getvalue()

    def reset(self) -> None:
        self.stream.seek(0)
        self.stream.truncate()

    def close(self) -> None:
        self.parent.removeHandler(self.handler)


@pytest.fixture
def log() -> Iterator[Captured]:
    captured = Captured("redaction-test")
    yield captured
    captured.close()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@st.composite
def jwts(draw: st.DrawFn) -> str:
    header = {"alg": draw(st.sampled_from(["RS256", "HS256", "ES384"])), "typ": "at+jwt", "kid": draw(st.text())}
    payload = draw(st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.text(max_size=30)), max_size=6))
    signature = draw(st.binary(min_size=16, max_size=256))
    parts = [json.dumps(header).encode(), json.dumps(payload).encode(), signature]
    return ".".join(b64url(part) for part in parts)


SAMPLE_JWT = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xIiwiYXVkIjoid2ViYXBpIn0"
    ".c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMTIzNDU2Nzg5MA"
)


@given(token=jwts(), before=st.text(), after=st.text())
def test_no_jwt_survives_anywhere_in_a_message(token: str, before: str, after: str) -> None:
    out = Redactor().redact(before + token + after)
    assert token not in out
    assert token.split(".")[2] not in out  # not even the signature on its own


@given(token=jwts(), before=st.text(max_size=40), scheme=st.sampled_from(["Bearer ", "bearer ", "Authorization: "]))
def test_no_jwt_survives_in_the_arguments_of_a_child_loggers_record(token: str, before: str, scheme: str) -> None:
    captured = Captured("redaction-prop")
    try:
        captured.child.debug("> %s%s%s", before, scheme, token)
        captured.child.info("headers=%r", [(b"Authorization", f"Bearer {token}".encode())])
        out = captured.text()
    finally:
        captured.close()
    assert token not in out
    assert not ASCII_JWT.search(out)


@given(secret=st.text(alphabet=string.ascii_letters + string.digits + "-_.~!$%&", min_size=4), around=st.text())
def test_a_registered_secret_is_replaced_wherever_it_appears(secret: str, around: str) -> None:
    assume(secret not in MASK)
    redactor = Redactor()
    redactor.register(secret)
    assert secret not in redactor.redact(around + secret + around + secret)


def test_bearer_and_simcontrol_schemes_keep_their_name(log: Captured) -> None:
    log.child.debug("> Authorization: Bearer %s", SAMPLE_JWT)
    log.child.debug("sent %s", "SimControl s3cr3t-control-token-value")
    log.child.debug("sent %s", f"Bearer opaque-{SAMPLE_JWT[-12:]}")
    out = log.text()
    assert "Authorization: <redacted>" in out
    assert "SimControl ***" in out
    assert "Bearer ***" in out
    assert "s3cr3t" not in out
    assert SAMPLE_JWT[-12:] not in out


@pytest.mark.parametrize(
    "line",
    [
        "POST /connect/token body=grant_type=client_credentials&client_id=me&client_secret=hunter2-xyz&scope=webapi",
        'token response {"access_token": "hunter2-xyz", "expires_in": 3600, "token_type": "Bearer"}',
        "payload {'client_secret': 'hunter2-xyz', 'client_id': 'me'}",
        "GET http://127.0.0.1/hubs/mt4/v2?tradePlatform=abc&access_token=hunter2-xyz&id=1",
        'refreshed with refresh_token="hunter2-xyz"',
    ],
)
def test_token_and_secret_values_are_removed_their_keys_kept(log: Captured, line: str) -> None:
    log.child.warning("%s", line)
    out = log.text()
    assert "hunter2-xyz" not in out
    assert MASK in out
    assert "client_id" in out or "expires_in" in out or "tradePlatform" in out or "refresh_token" in out


def test_exception_text_and_stack_are_redacted(log: Captured) -> None:
    log.redactor.register("the-client-secret")
    try:
        raise RuntimeError(f"sign-in failed for the-client-secret with Bearer {SAMPLE_JWT}")
    except RuntimeError:
        log.child.exception("failed")
    log.child.error("where %s", "the-client-secret", stack_info=True)
    out = log.text()
    assert "Traceback" in out
    assert "sign-in failed for <redacted> with Bearer ***" in out
    assert "the-client-secret" not in out
    assert SAMPLE_JWT not in out


def test_registered_secrets_are_replaced_at_every_level(log: Captured) -> None:
    log.redactor.register("demo-secret")
    log.redactor.register("ab")  # too short: it would shred every line; ignored
    for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
        log.child.log(level, "credentials %s / %r", "demo-secret", {"secret": "demo-secret"})
    log.child.info("about a tab")
    out = log.text()
    assert "demo-secret" not in out
    assert out.count(MASK) == 10
    assert out.endswith("about a tab\n")


def test_plain_lines_pass_unchanged(log: Captured) -> None:
    log.child.info("HTTP Request: %s %s %r", "GET", "http://127.0.0.1:1/api/v2/MT4/x/ServerTime", "HTTP/1.1 200 OK")
    log.child.info("module %s at 50%% load", "desktop.app.redaction.install")
    assert log.text().splitlines() == [
        "INFO redaction-test.httpcore.http11: HTTP Request: GET http://127.0.0.1:1/api/v2/MT4/x/ServerTime "
        "'HTTP/1.1 200 OK'",
        "INFO redaction-test.httpcore.http11: module desktop.app.redaction.install at 50% load",
    ]


def test_a_record_written_by_two_handlers_is_redacted_once_and_written_twice(log: Captured) -> None:
    second = io.StringIO()
    handler = logging.StreamHandler(second)
    log.parent.addHandler(handler)
    try:
        install(log.parent, log.redactor)
        log.child.debug("token %s and %d%%", SAMPLE_JWT, 5)
    finally:
        log.parent.removeHandler(handler)
    assert log.handler.filters == [log.redactor]  # install twice: still one filter
    assert "token <redacted> and 5%" in log.text()
    assert second.getvalue() == "token <redacted> and 5%\n"
