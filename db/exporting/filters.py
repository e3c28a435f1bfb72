"""Which actions a pack covers, and which of them its appendix lists.

``--source``, ``--directorate`` and ``--owner`` narrow the whole pack (a
directorate's own pack: its summary tables count only its actions).
``--open-only`` and ``--changed-since-last`` narrow only the appendix rows:
the headline still counts the closed and the unchanged actions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from db.cycles import diffs
from db.errors import InputError

#: Statuses --open-only leaves out: the action needs nothing more from anyone.
NOT_OPEN = frozenset({"closed", "superseded", "cancelled"})
_SCOPES = (("source", "source"), ("directorate", "lead directorate"), ("owner", "owner"))


@dataclass(frozen=True)
class Filters:
    source: str | None = None
    directorate: str | None = None
    owner: str | None = None
    open_only: bool = False
    changed_since_last: bool = False

    def scope(self, rows: Iterable[dict]) -> Iterator[dict]:
        """The actions the pack covers, one at a time as `rows` gives them. Once they are
        all read, a name that matched none is refused, listing those that would have (so
        a misspelt directorate never gives an empty pack silently)."""
        wanted = [(key, label, getattr(self, key)) for key, label in _SCOPES
                  if getattr(self, key) is not None]  # fmt: skip
        folded = [name.strip().casefold() for _, _, name in wanted]
        reached = [False] * len(wanted)  # a row got as far as this name...
        matched = [False] * len(wanted)  # ...and one had it
        names: list[set[str]] = [set() for _ in wanted]  # those the rows that got there have
        for row in rows:
            for level, ((key, _, _), name) in enumerate(zip(wanted, folded, strict=True)):
                reached[level] = True
                value = row[key]
                if value:
                    names[level].add(value)
                if (value or "").strip().casefold() != name:
                    break
                matched[level] = True
            else:
                yield row
        for (key, label, name), got_there, found, seen in zip(wanted, reached, matched, names,
                                                              strict=True):  # fmt: skip
            if got_there and not found:
                shown = ", ".join(sorted(seen, key=str.casefold)) if seen else "none is set"
                raise InputError(f"--{key}: no action has the {label} {name!r}; "
                                 f"the {label}s are: {shown}")  # fmt: skip

    def appendix(self, rows: list[dict], diff: diffs.Diff | None) -> list[dict]:
        """The appendix rows of the scoped actions."""
        if self.open_only:
            rows = [r for r in rows if r["status"] not in NOT_OPEN]
        if self.changed_since_last and diff is not None:  # no earlier snapshot: all are new
            changed = {c.action_id for c in diff.changes if c.category != "no_update"}
            rows = [r for r in rows if r["id"] in changed]
        return rows

    def describe(self) -> str | None:
        """One line for the provenance, or None when the pack is the whole register."""
        parts = [f"{label} {getattr(self, key)}" for key, label in _SCOPES if getattr(self, key)]
        if self.open_only:
            parts.append("open actions only (closed, superseded and cancelled left out)")
        if self.changed_since_last:
            parts.append("only actions changed since the last meeting")
        return "; ".join(parts) if parts else None
