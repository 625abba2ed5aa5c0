"""``dealer-desk journal verify`` and ``dealer-desk journal export --csv FILE``.

``verify`` checks every row's hash and its link to the previous row; it prints one line and
exits 0 when the chain holds, 1 naming the first broken row, 2 when there is no journal or
it cannot be read. ``export`` writes the audit trail as CSV, one line per row. Both use
this OS user's journal unless ``--journal FILE`` names another one.

Imports: the standard library, desktop.services.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.services.journal import JournalError, OperationsJournal, default_journal_path
from desktop.services.journal_export import export_csv

EXIT_OK, EXIT_BROKEN, EXIT_UNREADABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dealer-desk journal", description="The local operations journal.")
    parser.add_argument("--journal", type=Path, metavar="FILE", help="journal file (default: this user's)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("verify", help="check the hash chain; non-zero exit names the first broken row")
    export = commands.add_parser("export", help="write the audit trail")
    export.add_argument("--csv", type=Path, required=True, metavar="FILE", help="CSV file to write")
    return parser


def main(argv: list[str]) -> int:
    """Run ``dealer-desk journal …`` (``argv`` without the word ``journal``); return the exit code."""
    args = _parser().parse_args(argv)
    path: Path = args.journal or default_journal_path()
    if not path.is_file():
        print(f"dealer-desk: no operations journal at {path}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        journal = OperationsJournal(path)
    except JournalError as exc:
        print(f"journal UNREADABLE: {exc}")
        return EXIT_UNREADABLE
    try:
        if args.command == "verify":
            return _verify(journal)
        return _export(journal, args.csv)
    finally:
        journal.close()


def _verify(journal: OperationsJournal) -> int:
    report = journal.verify()
    if report.error:
        print(f"journal UNREADABLE: {report.error}")
        return EXIT_UNREADABLE
    if report.broken is not None:
        print(f"journal BROKEN at row {report.broken.seq}: {report.broken.reason} ({report.path})")
        return EXIT_BROKEN
    print(f"journal OK: {report.rows} rows, hash chain intact ({report.path})")
    return EXIT_OK


def _export(journal: OperationsJournal, target: Path) -> int:
    try:
        rows = export_csv(journal, target)
    except (OSError, JournalError) as exc:
        print(f"dealer-desk: cannot export the journal: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(f"exported {rows} journal rows to {target}")
    return EXIT_OK
