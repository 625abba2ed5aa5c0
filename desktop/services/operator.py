"""Who is at the keyboard: the operator name written into every journal row.

Asked once per OS user and remembered in ``operator.txt`` beside the journal (see
:func:`desktop.services.journal.data_dir`). Command-line smoke runs and benchmarks use the
OS user name (:func:`os_user_name`) so that nothing waits for input.

Imports: the standard library and desktop.services.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from desktop.domain.errors import InvalidInput
from desktop.services.journal import data_dir

OPERATOR_FILE = "operator.txt"
MAX_OPERATOR_CHARS = 64


def os_user_name() -> str:
    """The OS user's login name (``unknown-user`` when the system cannot tell)."""
    try:
        return getpass.getuser() or "unknown-user"
    except (OSError, KeyError):
        return os.environ.get("USERNAME") or "unknown-user"


def check_operator_name(text: str) -> str:
    """The trimmed name, or say why it cannot be used.

    Raises:
        InvalidInput: empty, too long, or with control characters.
    """
    name = " ".join(text.split())
    if not name:
        raise InvalidInput("Enter your name: it is recorded with every operation you make.")
    if len(name) > MAX_OPERATOR_CHARS or not name.isprintable():
        raise InvalidInput(f"Use up to {MAX_OPERATOR_CHARS} printable characters.")
    return name


def operator_file() -> Path:
    """Where this OS user's operator name is remembered."""
    return data_dir() / OPERATOR_FILE


def load_operator(path: Path | None = None) -> str | None:
    """The remembered operator name, or ``None`` when none was saved (or it is unreadable)."""
    try:
        return check_operator_name((path or operator_file()).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, InvalidInput):
        return None


def save_operator(name: str, path: Path | None = None) -> str:
    """Remember ``name`` for this OS user; return it as stored.

    Raises:
        InvalidInput: the name cannot be used. OSError: it cannot be written.
    """
    checked = check_operator_name(name)
    target = path or operator_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(checked + "\n", encoding="utf-8")
    return checked
