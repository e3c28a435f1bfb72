"""Which actions a pack covers, and which of them its appendix lists.

``--source``, ``--directorate`` and ``--owner`` narrow the whole pack (a
directorate's own pack: its summary tables count only its actions).
``--open-only`` and ``--changed-since-last`` narrow only the appendix rows:
the headline still counts the closed and the unchanged actions.
"""

from __future__ import annotations

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

    def scope(self, rows: list[dict]) -> list[dict]:
        """The actions the pack covers; a name that matches none is refused, listing those
        that would (so a misspelt directorate never gives an empty pack silently)."""
        for key, label in _SCOPES:
            wanted = getattr(self, key)
            if wanted is None:
                continue
            folded = wanted.strip().casefold()
            matching = [r for r in rows if (r[key] or "").strip().casefold() == folded]
            if not matching and rows:
                names = sorted({r[key] for r in rows if r[key]}, key=str.casefold)
                shown = ", ".join(names) if names else "none is set"
                raise InputError(f"--{key}: no action has the {label} {wanted!r}; "
                                 f"the {label}s are: {shown}")  # fmt: skip
            rows = matching
        return rows

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
