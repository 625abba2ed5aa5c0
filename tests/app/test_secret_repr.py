"""Credentials and the parsed command line never show the client secret when printed."""

from __future__ import annotations

import pytest

from desktop.app import cli
from desktop.config import Credentials

SECRET = "hunter2-client-secret"


def test_credentials_show_that_a_secret_is_set_never_the_secret() -> None:
    credentials = Credentials("https://api.example", "https://auth.example", "acme", SECRET, "guid")
    for shown in (repr(credentials), str(credentials), f"{credentials}", repr([credentials])):
        assert SECRET not in shown
        assert "client_secret='***'" in shown
    assert repr(credentials) == (
        "Credentials(api_url='https://api.example', auth_url='https://auth.example', client_id='acme', "
        "client_secret='***', trade_platform='guid')"
    )


def test_credentials_without_a_secret_say_so_and_still_compare_by_secret() -> None:
    empty = Credentials("a", "b", "acme", "")
    assert "client_secret=''" in repr(empty)
    assert Credentials("a", "b", "acme", SECRET) != Credentials("a", "b", "acme", "other")


def test_parsed_command_line_hides_the_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cli.SECRET_ENV, SECRET)
    options = cli.parse(["--client-id", "acme", "--api-url", "https://api.example"])
    assert options.credentials is not None
    assert options.credentials.client_secret == SECRET
    assert SECRET not in repr(options)
    assert SECRET not in str(options)
    assert "client_secret='***'" in repr(options)
