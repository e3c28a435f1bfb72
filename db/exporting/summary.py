"""The summary tables a committee pack carries, computed from the frozen snapshot rows.

Each is a :class:`SummaryTable` (a title, headings and rows of plain cells), so
every format writes them the same way. They are functions of the snapshot's
rows, the previous snapshot's rows and the log up to the snapshot's head, so
they are as frozen as the snapshot itself: exporting the same meeting again,
whatever has happened since, gives the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter

from db.exporting.filters import NOT_OPEN
from db.exporting.layouts import NOT_RATED
from db.exporting.table import RAG_LABELS
from db.store.values import STATUS_LABELS

_DONE = frozenset({"implemented", "closed"})
_WITHDRAWN = frozenset({"superseded", "cancelled"})
PRIORITIES = {"high": "High", "medium": "Medium", "low": "Low"}
NOT_SET = "Not set"
NO_DIRECTORATE = "No directorate"
NO_SOURCE = "No source"
TOTAL = "Total"
#: Ageing bands: (label, first day, last day or None for no limit).
BANDS = (("1–30 days", 1, 30), ("31–90 days", 31, 90), ("91–180 days", 91, 180),
         ("Over 180 days", 181, None))  # fmt: skip


#: What build() and the extension tables (db.exporting.extensions) read of each row: an
#: export keeps only these of the current snapshot's rows while it builds the pack.
ROW_FIELDS = ("id", "ref", "title", "owner", "directorate", "source", "priority", "status",
              "rag", "target_date", "original_target_date", "target_revisions",
              "completed_date", "evidence", "overdue", "days_overdue")  # fmt: skip


@dataclass(frozen=True)
class Count:
    """A count with its change since the last meeting (None: no earlier snapshot)."""

    n: int
    change: int | None = None

    def __str__(self) -> str:
        if self.change is None:
            return str(self.n)
        return f"{self.n} ({'±0' if self.change == 0 else f'{self.change:+d}'})"


@dataclass(frozen=True)
class Percent:
    """part of whole, shown "67% (2 of 3)"; "—" when there is nothing to divide."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return self.part / self.whole if self.whole else None

    def __str__(self) -> str:
        if not self.whole:
            return "—"
        # Half up, as people round (Python's round() gives 12 for 12.5).
        whole_percent = (200 * self.part + self.whole) // (2 * self.whole)
        return f"{whole_percent}% ({self.part} of {self.whole})"


Cell = str | int | Count | Percent | None


@dataclass
class SummaryTable:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[list] = field(default_factory=list)
    """Each row's cells: text, a number, a Count, a Percent or None (see Cell)."""
    note: str = ""
    """A sentence printed under the title: what the table counts."""
    date_columns: frozenset[int] = frozenset()
    """Columns that hold ISO dates (written "31 March 2027" or as real dates)."""


def _day(cut_off: str) -> str:
    return cut_off[:10]


def _by_id(rows: list[dict] | None) -> dict:
    return {r["id"]: r for r in rows or ()}


def _completed_since(rows: list[dict], previous: list[dict] | None) -> list[dict]:
    """Implemented or closed now, and not at the previous snapshot (or ever, with none)."""
    if previous is None:
        return [r for r in rows if r["status"] in _DONE]
    was = {r["id"]: r["status"] for r in previous}
    return [r for r in rows if r["status"] in _DONE and was.get(r["id"]) not in _DONE]


def headline(rows: list[dict], previous: list[dict] | None, cut_off: str,
             previous_cut_off: str | None) -> SummaryTable:  # fmt: skip
    today = _day(cut_off)
    since = _day(previous_cut_off) if previous_cut_off else None
    due = [r for r in rows if r["target_date"] and r["target_date"] <= today
           and (since is None or r["target_date"] > since)]  # fmt: skip
    completed = _completed_since(rows, previous)
    due_so_far = [r for r in rows if r["status"] not in _WITHDRAWN
                  and r["original_target_date"] and r["original_target_date"] <= today]  # fmt: skip
    on_time = [r for r in due_so_far if r["status"] in _DONE and r["completed_date"]
               and r["completed_date"] <= r["original_target_date"]]  # fmt: skip
    note = ("Since the last meeting: after the previous snapshot's cut-off."
            if previous is not None else
            "No earlier snapshot: \"since the last meeting\" counts from the start.")  # fmt: skip
    return SummaryTable("headline", "Headline", ("Measure", "Actions"), [
        ["Actions in the register", len(rows)],
        ["Open (not closed, superseded or cancelled)",
         sum(1 for r in rows if r["status"] not in NOT_OPEN)],
        ["Due since the last meeting", len(due)],
        ["Implemented or closed since the last meeting", len(completed)],
        ["Implemented by their original target date, of those due so far",
         Percent(len(on_time), len(due_so_far))],
        ["Overdue now", sum(1 for r in rows if r["overdue"])],
    ], note=note)  # fmt: skip


def status_by_rag(rows: list[dict], previous: list[dict] | None) -> SummaryTable:
    rags = [*RAG_LABELS, None]

    def counts(source: list[dict]) -> dict[tuple, int]:
        # Count each (status, RAG) pair once (Counter, in C), then add up the totals.
        statuses, rags = map(itemgetter("status"), source), map(itemgetter("rag"), source)
        pairs = Counter(zip(statuses, rags, strict=True))
        out: dict[tuple, int] = {}
        for (status, rag), n in pairs.items():
            for key in ((status, rag), (status, TOTAL), (TOTAL, rag), (TOTAL, TOTAL)):
                out[key] = out.get(key, 0) + n
        return out

    now, was = counts(rows), counts(previous) if previous is not None else None

    def cell(key: tuple) -> Count:
        n = now.get(key, 0)
        return Count(n, None if was is None else n - was.get(key, 0))

    headers = ("Status", *RAG_LABELS.values(), NOT_RATED, TOTAL)
    body = [[STATUS_LABELS[s], *(cell((s, g)) for g in [*rags, TOTAL])] for s in STATUS_LABELS]
    body.append([TOTAL, *(cell((TOTAL, g)) for g in [*rags, TOTAL])])
    note = ("Each count is followed by its change since the last meeting's snapshot."
            if was is not None else "No earlier snapshot to compare with.")  # fmt: skip
    return SummaryTable("summary", "Status and RAG", headers, body, note=note)


def _directorate(row: dict) -> str:
    return row["directorate"] or NO_DIRECTORATE


def _sorted_names(names: set[str], last: str) -> list[str]:
    return sorted(names - {last}, key=str.casefold) + ([last] if last in names else [])


def overdue_by_directorate(rows: list[dict]) -> SummaryTable:
    overdue = [r for r in rows if r["overdue"]]
    extra = [NOT_SET] if any(r["priority"] not in PRIORITIES for r in overdue) else []
    columns = [*PRIORITIES, *extra]
    headers = ("Lead directorate", *PRIORITIES.values(), *extra, TOTAL)

    # One pass: (directorate, priority) -> count.
    counts: dict[tuple[str, str], int] = {}
    for r in overdue:
        key = (_directorate(r), r["priority"] if r["priority"] in PRIORITIES else NOT_SET)
        counts[key] = counts.get(key, 0) + 1

    def line(name: str, per: list[int]) -> list[Cell]:
        return [name, *per, sum(per)]

    names = _sorted_names({_directorate(r) for r in rows}, NO_DIRECTORATE)
    body = [line(n, [counts.get((n, p), 0) for p in columns]) for n in names]
    body.append(line(TOTAL, [sum(counts.get((n, p), 0) for n in names) for p in columns]))
    return SummaryTable(
        "overdue",
        "Overdue actions by directorate and priority",
        headers,
        body,
        note="Overdue: past the current target date and not yet implemented.",
    )


def ageing(rows: list[dict], cut_off: str) -> SummaryTable:
    today = dt.date.fromisoformat(_day(cut_off))
    current = [r["days_overdue"] for r in rows if r["overdue"] and r["days_overdue"]]
    original = [(today - dt.date.fromisoformat(r["original_target_date"])).days
                for r in rows
                if r["status"] not in _DONE | _WITHDRAWN and r["original_target_date"]
                and r["original_target_date"] < today.isoformat()]  # fmt: skip

    def band(days: list[int], low: int, high: int | None) -> int:
        return sum(1 for d in days if d >= low and (high is None or d <= high))

    body = [[label, band(current, lo, hi), band(original, lo, hi)] for label, lo, hi in BANDS]
    body.append([TOTAL, len(current), len(original)])
    return SummaryTable(
        "ageing", "Ageing of overdue actions",
        ("Days past target", "Past current target", "Past original target"), body,
        note="Open actions by how many days past their target they were at the cut-off.",
    )  # fmt: skip


def completed(rows: list[dict], previous: list[dict] | None) -> SummaryTable:
    done = _completed_since(rows, previous)
    headers = ("Ref", "Action", "Owner", "Lead directorate", "Status", "Completed date",
               "Evidence")  # fmt: skip
    body = [[r["ref"], r["title"], r["owner"], r["directorate"], STATUS_LABELS[r["status"]],
             r["completed_date"], r["evidence"]] for r in done]  # fmt: skip
    return SummaryTable(
        "completed",
        "Completed or closed since the last meeting",
        headers,
        body,
        note=f"{_plural(len(body), 'action')}.",
        date_columns=frozenset({5}),
    )


@dataclass(frozen=True)
class Extension:
    """A target date the committee is asked to accept, with its reason."""

    action_id: int
    previous_target: str | None
    new_target: str | None
    reason: str | None


def extensions(rows: list[dict], found: list[Extension], from_round: bool) -> SummaryTable:
    by_id = _by_id(rows)
    headers = ("Ref", "Action", "Owner", "Original target date", "Previous target date",
               "New target date", "Revisions", "Reason")  # fmt: skip
    body = []
    for ext in found:
        r = by_id.get(ext.action_id)
        if r is None:  # outside the pack's source, directorate or owner
            continue
        body.append([r["ref"], r["title"], r["owner"], r["original_target_date"],
                     ext.previous_target, ext.new_target, r["target_revisions"],
                     ext.reason])  # fmt: skip
    note = ("Requests from the update round awaiting the committee's decision."
            if from_round else
            "Every target date moved since the last meeting, with its reason.")  # fmt: skip
    return SummaryTable(
        "extensions",
        "Extension requests",
        headers,
        body,
        note=note,
        date_columns=frozenset({3, 4, 5}),
    )


def sources(rows: list[dict]) -> SummaryTable:
    def line(name: str, chosen: list[dict]) -> list[Cell]:
        counted = [r for r in chosen if r["status"] not in _WITHDRAWN]
        done = sum(1 for r in counted if r["status"] in _DONE)
        return [
            name,
            len(chosen),
            sum(1 for r in chosen if r["status"] not in NOT_OPEN),
            sum(1 for r in chosen if r["overdue"]),
            Percent(done, len(counted)),
        ]

    by_source: dict[str, list[dict]] = {}
    for r in rows:  # one pass, however many sources
        by_source.setdefault(r["source"] or NO_SOURCE, []).append(r)
    names = _sorted_names(set(by_source), NO_SOURCE)
    body = [line(n, by_source[n]) for n in names]
    body.append(line(TOTAL, rows))
    return SummaryTable(
        "sources", "Actions by source", ("Source", "Actions", "Open", "Overdue", "Complete"),
        body, note="Complete: implemented or closed, of the actions not superseded or cancelled.",
    )  # fmt: skip


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def build(rows: list[dict], previous: list[dict] | None, cut_off: str,
          previous_cut_off: str | None, found: list[Extension],
          from_round: bool = False) -> dict[str, list[SummaryTable]]:  # fmt: skip
    """Every summary table, keyed as the CSV --table option names them."""
    if previous is not None:
        ids = {r["id"] for r in rows}  # the previous rows of the same (scoped) actions
        previous = [r for r in previous if r["id"] in ids]
    return {
        "summary": [headline(rows, previous, cut_off, previous_cut_off),
                    status_by_rag(rows, previous)],
        "overdue": [overdue_by_directorate(rows)],
        "ageing": [ageing(rows, cut_off)],
        "completed": [completed(rows, previous)],
        "extensions": [extensions(rows, found, from_round)],
        "sources": [sources(rows)],
    }  # fmt: skip
