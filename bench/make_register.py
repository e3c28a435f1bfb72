"""Generate a large, valid register quickly: N actions and M progress-log entries.

Entries are made with the same functions the write side uses (``db.store.log.make_entry``
for the hash chain, ``db.store.projection.apply_entry`` for the projection), but appended
in bulk inside one transaction, so ``verify`` passes on the result.

    python -m bench.make_register bench.db --actions 100000 --entries 2000000

One action (ref ``BIG-1``) gets ``--big-log`` entries, for timing the action card.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

from db.store import events, log
from db.store.connection import create_register, write_transaction
from db.store.dates import utc_text
from db.store.projection import ACTION_COLUMNS, CREATED_FIELDS, apply_entry

WORDS = [
    "governance",
    "assurance",
    "budget",
    "safeguarding",
    "procurement",
    "training",
    "policy",
    "review",
    "audit",
    "risk",
    "contract",
    "housing",
    "schools",
    "transport",
    "waste",
    "planning",
    "digital",
    "records",
    "consultation",
    "framework",
    "workforce",
    "partnership",
    "compliance",
    "monitoring",
    "reporting",
    "escalation",
]
NOTES = (
    "draft circulated to the board",
    "awaiting sign-off from the director",
    "training sessions booked for all managers",
    "policy refreshed and published on the intranet",
    "slipped because of staff vacancies",
    "evidence requested from the service",
    "update presented to the working group",
    "procurement exercise under way",
)
DIRECTORATES = [
    "Adults",
    "Children",
    "Corporate",
    "Environment",
    "Finance",
    "Housing",
    "Legal",
    "Place",
    "Public Health",
    "Resources",
    "Digital",
    "Transport",
]
STATUSES = ("not_started", "in_progress", "in_progress", "in_progress", "implemented", "closed")
RAGS = ("red", "amber", "green")


def build(
    path: Path, actions: int, entries: int, *, big_log: int = 1000, seed: int = 7
) -> tuple[int, int]:
    """Create the register at `path`; return (actions, entries) written."""
    rng = random.Random(seed)
    conn = create_register(path, name=f"Bench register ({actions:,} actions)", organisation="Bench")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -200000")
    owners = [f"Officer {i:03d}" for i in range(200)]
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    span = dt.datetime(2026, 5, 31, tzinfo=dt.UTC) - start
    extra = max(0, entries - actions)
    step = span / max(1, actions + extra)
    moment = start
    rows: dict[int, dict] = {}
    head_id, head_hash = 0, log.GENESIS_HASH
    log_sql = (
        f"INSERT INTO progress_log ({log.SELECT_COLUMNS}) "
        f"VALUES ({', '.join('?' * len(log.COLUMNS))})"
    )
    batch: list[tuple] = []

    def append(row, action_id, kind, **values):
        nonlocal head_id, head_hash, moment
        moment += step
        entry = log.make_entry(
            prev_id=head_id,
            prev_hash=head_hash,
            action_id=action_id,
            kind=kind,
            author=owners[action_id % len(owners)],
            recorded_at=utc_text(moment),
            **values,
        )
        head_id, head_hash = entry.id, entry.hash
        batch.append(tuple(entry))
        if len(batch) >= 50_000:
            conn.executemany(log_sql, batch)
            batch.clear()
        return apply_entry(row, entry)

    with write_transaction(conn):
        # A register's first entry records its settings (db.store.chain does so for every write).
        settings = log.make_entry(
            prev_id=0,
            prev_hash=head_hash,
            action_id=None,
            kind="setting",
            author="Bench",
            recorded_at=utc_text(start),
            field=events.SETTINGS_KEY,
            new_value=events.settings_row(conn),
        )
        head_id, head_hash = settings.id, settings.hash
        batch.append(tuple(settings))
        for i in range(1, actions + 1):
            ref = "BIG-1" if i == 1 else f"A{i}"
            target = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(1000))
            created = dict.fromkeys(CREATED_FIELDS)
            created.update(
                ref=ref,
                title=" ".join(rng.sample(WORDS, 4)).capitalize(),
                owner=owners[rng.randrange(len(owners))],
                directorate=DIRECTORATES[rng.randrange(len(DIRECTORATES))],
                theme=rng.choice(WORDS),
                priority=rng.choice(("high", "medium", "low")),
                acceptance="accepted",
                target_date=target.isoformat(),
                status="not_started",
                rag=None,
                percent_complete=0,
            )
            encoded = json.dumps(created, ensure_ascii=False, sort_keys=True)
            rows[i] = append(None, i, "created", new_value=encoded)
        big = min(big_log, extra)
        for n in range(extra):
            aid = 1 if n < big else rng.randrange(1, actions + 1)
            row = rows[aid]
            pick = rng.random()
            if pick < 0.70:
                note = f"{rng.choice(NOTES)} ({rng.choice(WORDS)} {n})"
                rows[aid] = append(row, aid, "note", commentary=note)
            elif pick < 0.82:
                new = rng.choice([r for r in RAGS if r != row["rag"]])
                rows[aid] = append(
                    row,
                    aid,
                    "rag",
                    field="rag",
                    old_value=row["rag"],
                    new_value=new,
                    commentary=f"re-rated: {rng.choice(NOTES)}",
                )
            elif pick < 0.94:
                new = rng.choice([s for s in STATUSES if s != row["status"]])
                rows[aid] = append(
                    row, aid, "status", field="status", old_value=row["status"], new_value=new
                )
            else:
                old = dt.date.fromisoformat(row["target_date"])
                new = (old + dt.timedelta(days=rng.randrange(30, 200))).isoformat()
                rows[aid] = append(
                    row,
                    aid,
                    "target_date",
                    field="target_date",
                    old_value=row["target_date"],
                    new_value=new,
                    commentary=f"re-dated: {rng.choice(NOTES)}",
                )
        if batch:
            conn.executemany(log_sql, batch)
        conn.executemany(
            f"INSERT INTO action ({', '.join(ACTION_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(ACTION_COLUMNS))})",
            ([row[c] for c in ACTION_COLUMNS] for row in rows.values()),
        )
    conn.execute("PRAGMA optimize")
    conn.close()
    return actions, actions + extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=2_000_000)
    parser.add_argument("--big-log", type=int, default=1000)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    n_actions, n_entries = build(args.path, args.actions, args.entries, big_log=args.big_log)
    took = time.perf_counter() - started
    print(f"{args.path}: {n_actions:,} actions, {n_entries:,} entries in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
