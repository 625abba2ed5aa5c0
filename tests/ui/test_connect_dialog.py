from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from desktop.config import PRODUCTION_API, PRODUCTION_AUTH, Credentials
from desktop.domain.errors import ApiFailure, AuthFailed, DesktopError, InvalidInput, ServerUnreachable
from desktop.ui.dialogs.connect import ConnectDialog

GUID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"


@pytest.fixture
def dialog(qtbot: Any) -> ConnectDialog:
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def errors(dialog: ConnectDialog) -> dict[str, str]:
    return {name: label.text() for name, label in dialog.errors.items() if label.isVisibleTo(dialog)}


def test_defaults_point_at_production(dialog: ConnectDialog) -> None:
    assert dialog.api_edit.text() == PRODUCTION_API == "https://cloud.mywebapi.com"
    assert dialog.auth_edit.text() == PRODUCTION_AUTH == "https://auth.cplugin.net"
    assert dialog.secret_edit.echoMode() == dialog.secret_edit.EchoMode.Password
    assert dialog.platform_edit.text() == ""


def test_submit_emits_credentials_and_turns_busy(qtbot: Any, dialog: ConnectDialog) -> None:
    qtbot.keyClicks(dialog.client_id_edit, "acme-dealing")
    qtbot.keyClicks(dialog.secret_edit, "s3cret")
    with qtbot.waitSignal(dialog.submitted) as blocker:
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [Credentials(PRODUCTION_API, PRODUCTION_AUTH, "acme-dealing", "s3cret", None)]
    assert dialog.busy
    assert not dialog.connect_button.isEnabled()
    assert not dialog.secret_edit.isEnabled()
    assert dialog.cancel_button.isEnabled()


def test_platform_guid_is_passed_without_braces(qtbot: Any, dialog: ConnectDialog) -> None:
    dialog.client_id_edit.setText("id")
    dialog.secret_edit.setText("secret")
    dialog.platform_edit.setText("{" + GUID.upper() + "}")
    credentials = dialog.credentials()
    assert credentials is not None
    assert credentials.trade_platform == GUID.upper()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("client_id_edit", "", "client_id"),
        ("secret_edit", "", "secret"),
        ("api_edit", "cloud.mywebapi.com", "api"),
        ("auth_edit", "ftp://auth", "auth"),
        ("platform_edit", "not-a-guid", "platform"),
    ],
)
def test_incomplete_form_shows_inline_error_and_emits_nothing(
    qtbot: Any, dialog: ConnectDialog, field: str, value: str, error: str
) -> None:
    dialog.client_id_edit.setText("id")
    dialog.secret_edit.setText("secret")
    getattr(dialog, field).setText(value)
    emitted: list[object] = []
    dialog.submitted.connect(emitted.append)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert list(errors(dialog)) == [error]
    assert emitted == []
    assert not dialog.busy


def test_show_error_lets_the_user_retry(qtbot: Any, dialog: ConnectDialog) -> None:
    dialog.client_id_edit.setText("id")
    dialog.secret_edit.setText("wrong")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    dialog.show_error("The auth server refused the client: invalid_client")
    assert not dialog.busy
    assert dialog.error_banner.isVisibleTo(dialog)
    assert "invalid_client" in dialog.error_banner.text()
    dialog.secret_edit.setText("right")
    with qtbot.waitSignal(dialog.submitted) as blocker:
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].client_secret == "right"
    assert not dialog.error_banner.isVisibleTo(dialog)


def test_initial_credentials_prefill_the_form(qtbot: Any) -> None:
    initial = Credentials("https://api.example", "https://auth.example", "me", "pw", GUID)
    dialog = ConnectDialog(initial=initial)
    qtbot.addWidget(dialog)
    assert dialog.credentials() == initial


def test_cancel_while_busy_rejects(qtbot: Any, dialog: ConnectDialog) -> None:
    dialog.client_id_edit.setText("id")
    dialog.secret_edit.setText("secret")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (
            AuthFailed("The auth server refused the credentials: invalid_client \u2014 unknown client"),
            "The auth server refused the credentials: invalid_client \u2014 unknown client",
        ),
        (
            ServerUnreachable("https://auth.cplugin.net did not answer"),
            "https://auth.cplugin.net did not answer. Check the addresses",
        ),
        (ApiFailure("Unauthorized", "No access"), "The WebAPI refused the session: No access (Unauthorized)"),
        (InvalidInput("The credentials give access to no MT4 trade platform."), "no MT4 trade platform"),
    ],
)
def test_show_failure_explains_connect_errors(dialog: ConnectDialog, error: DesktopError, text: str) -> None:
    dialog.set_busy(True)
    dialog.show_failure(error)
    assert text in dialog.error_banner.text()
    assert not dialog.busy
