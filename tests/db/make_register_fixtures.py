"""Write the old-version register fixtures: tests/db/fixtures/register-vN.db.

Run ``python -m tests.db.make_register_fixtures [VERSION ...]`` from a git
checkout (no versions: every one up to the newest). The files are committed:
they stand for registers written by the actreg of each version, which the
migration tests upgrade. Adding migration N, write only version N - 1's file.

Each file is built from the schema exactly as that version shipped it (version
1: schema.sql at commit V1_COMMIT; version N: that plus upgrade steps 2 to N,
which are never edited, a Python step run on the empty file), then filled with
the rows of a small register made through the public API today: a few actions
with updates, a meeting and its snapshot, and an update round for that meeting
(returns collected, one accepted with a date for the committee, one rejected,
an owner chased, the committee's decision). The column lists of the old tables
choose what is copied, so the data is what an actreg of that version could have
written. (So write version N - 1's file before migration N changes what the API
writes: the old schema refuses what it cannot hold, such as a kind of log entry
it does not know.)
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from db.cycles import meetings, snapshots
from db.rounds.collect import collect_files
from db.rounds.extensions import decide_extension
from db.rounds.review import accept_submission, reject_submission, waiting_submissions
from db.rounds.start import start_round
from db.rounds.status import chase_outstanding, current_round
from db.store import register
from db.store.connection import create_register
from db.store.migrations import APPLICATION_ID, UPGRADES, schema_version, split_sql
from tests.rounds import owner as owner_does

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
#: The last commit at which schema.sql was version 1 (before version 2 moved into it).
V1_COMMIT = "94e1559"


def _clock():
    """Entries a minute apart from a fixed moment: the fixtures' dates never depend on the day."""
    moments = (
        dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC) + dt.timedelta(minutes=i)
        for i in range(10_000)
    )
    return lambda: next(moments)


def build_source(path: Path) -> None:
    """A small register made through the public API, as a user would."""
    clock = _clock()
    conn = create_register(
        path, name="Fixture register", organisation="Fixture Council", clock=clock
    )
    try:
        for ref, title, owner, target in [
            ("A1", "Publish the revised scheme of delegation", "Jo Bloggs", "2026-06-30"),
            ("A2", "Train every report author on the template", "Siân Evans", "2026-04-30"),
            ("A10", "Review the risk register quarterly", "Ali Khan", "2026-09-30"),
        ]:
            register.add_action(
                conn,
                {
                    "ref": ref,
                    "title": title,
                    "owner": owner,
                    "target_date": target,
                    "source": "Lessons learned review 2025",
                    "directorate": "Resources",
                },
                author="Officer",
                clock=clock,
                commentary=f"Agreed at the review: {title.lower()}.",
            )
        register.record_update(
            conn,
            "A1",
            author="Jo Bloggs",
            note="Draft circulated.",
            status="in_progress",
            rag="amber",
            reason="Draft late",
            clock=clock,
        )
        register.record_update(
            conn,
            "A2",
            author="Siân Evans",
            target_date="2026-05-31",
            reason="Trainer unavailable in April",
            clock=clock,
        )
        meetings.add_meeting(
            conn, "2026-03-20", deadline="2026-03-10", title="March GAC", clock=clock
        )
        snapshots.take_snapshot(conn, "2026-03-20", author="Officer", clock=clock)
        register.record_note(conn, "A10", "Scoping started.", author="Ali Khan", clock=clock)
        _update_round(conn, path.parent / "round", clock)
    finally:
        conn.close()


def _update_round(conn, folder: Path, clock) -> None:
    """A round for the March meeting: every table of the round gets rows."""
    started = start_round(conn, folder=folder, author="Officer", meeting="2026-03-20", clock=clock)
    books = {request.owner: request.path for request in started.requests}
    back = folder / "returned"
    back.mkdir()
    returned = [
        owner_does.fill(
            books["Jo Bloggs"],
            {
                "A1": {
                    "Progress update": "Consultation closed; the scheme goes to Council.",
                    "Proposed new target date": "31/12/2026",  # six months: the committee's
                    "Reason for new date": "Council meets in December",
                }
            },
            save_as=back / books["Jo Bloggs"].name,
        ),
        owner_does.fill(
            books["Siân Evans"],
            {"A2": {"Progress update": "Trainer booked.", "New status": "Implemented"}},
            save_as=back / books["Siân Evans"].name,
        ),
    ]
    collect_files(conn, returned, author="Officer", clock=clock)
    by_ref = {sub.ref: sub for sub in waiting_submissions(conn)}
    accept_submission(conn, by_ref["A1"].id, author="Officer", clock=clock)
    reject_submission(
        conn, by_ref["A2"].id, author="Officer", reason="No training record yet", clock=clock
    )
    chase_outstanding(conn, current_round(conn), author="Officer", clock=clock)
    decide_extension(
        conn,
        "A1",
        meeting="2026-03-20",
        decision="refuse",
        author="Clerk",
        minute="GAC/26/14",
        clock=clock,
    )


def build_schema(out: sqlite3.Connection, version: int) -> None:
    """Create, in `out`'s open transaction, a register of `version` as that version did."""
    shipped = subprocess.run(
        ["git", "show", f"{V1_COMMIT}:schema.sql"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for statement in split_sql(shipped):
        out.execute(statement)
    for upgrade in UPGRADES:
        if upgrade.version > version:
            break
        if isinstance(upgrade.step, str):
            for statement in split_sql(upgrade.step):
                out.execute(statement)
        else:
            upgrade.step(out)


def write_fixture(source: Path, version: int) -> Path:
    """Write register-vVERSION.db; a file already there is replaced only by a whole one."""
    target = FIXTURES / f"register-v{version}.db"
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    try:
        _fill(partial, source, version)
    except sqlite3.IntegrityError as exc:
        partial.unlink(missing_ok=True)
        raise SystemExit(
            f"version {version}'s schema refuses what actreg writes today ({exc}): write "
            f"version N - 1's file before migration N changes what is written; "
            f"{target.name} is left as it was"
        ) from None
    partial.replace(target)
    return target


def _fill(path: Path, source: Path, version: int) -> None:
    out = sqlite3.connect(path, isolation_level=None)
    try:
        out.execute("PRAGMA page_size = 1024")  # small committed files
        out.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        out.execute("BEGIN")
        build_schema(out, version)
        out.execute("ATTACH DATABASE ? AS src", (str(source),))
        tables = [
            name
            for (name,) in out.execute(
                "SELECT name FROM main.sqlite_master WHERE type = 'table'"
                " AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%fts%'"
                " AND name <> 'action_count' ORDER BY name"
            )
        ]
        # Foreign keys are off on a plain connection: the action and log rows
        # name each other, and both arrive in this one transaction. Triggers
        # fill the full-text indexes and the kept count as a real write did.
        for table in tables:
            columns = ", ".join(r[1] for r in out.execute(f"PRAGMA main.table_info({table})"))
            out.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM src.{table}")
        out.execute("COMMIT")
        out.execute("DETACH DATABASE src")
        assert out.execute("PRAGMA foreign_key_check").fetchall() == []
        out.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        out.execute(f"PRAGMA user_version = {version}")
        out.execute("VACUUM")
    finally:
        out.close()


def main(argv: list[str]) -> None:
    versions = [int(v) for v in argv] or list(range(1, schema_version() + 1))
    FIXTURES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "source.db"
        build_source(source)
        for version in versions:
            made = write_fixture(source, version)
            print(f"{made.relative_to(REPO)}: {made.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
