"""What the update round means for triage: actions whose owner has not replied, and
actions with a returned update waiting for review.

Read straight from the round tables (db/rounds writes them): triage sits below
the round in the layers, so it asks the tables, not the package.
"""

from __future__ import annotations

import sqlite3


def waiting_action_ids(conn: sqlite3.Connection) -> set[int]:
    """Actions with a returned update no one has decided yet."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT s.action_id FROM submission s WHERE NOT EXISTS"
            " (SELECT 1 FROM submission_decision d WHERE d.submission_id = s.id)"
        )
    }


def unanswered_action_ids(conn: sqlite3.Connection) -> set[int]:
    """Actions asked about in the newest round whose owner has not returned the request."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT x.action_id FROM round_request_action x"
            " JOIN round_request q ON q.id = x.request_id"
            " WHERE q.round_id = (SELECT max(id) FROM round)"
            " AND NOT EXISTS (SELECT 1 FROM round_return t WHERE t.request_id = q.id)"
        )
    }
