"""The pack's "Latest update" is the latest progress note; the reasons for a re-date or a
re-rating show beside their change instead (issue: a re-date reason replaced the note)."""

from __future__ import annotations

from db.exporting import exporter
from tests.exports.extract import read_csv


def _by_ref(rows) -> dict[str, dict]:
    return {r["ref"]: r for r in rows}


def test_a_redate_or_rerating_reason_is_never_the_latest_update(table, frozen_rows):
    frozen, shown = _by_ref(frozen_rows), _by_ref(table.rows)
    # A1: re-dated twice, no progress note ever; A2: re-rated, no note.
    assert frozen["A1"]["last_commentary"] == "Second delay | again"
    assert shown["A1"]["last_commentary"] is None
    assert shown["A1"]["last_commentary_at"] is None
    assert frozen["A2"]["last_commentary"] == 'Supplier "late" & over budget'
    assert shown["A2"]["last_commentary"] is None
    assert shown["A2"]["rag_reason"] == 'Supplier "late" & over budget'
    # A3's latest commentary is a note: unchanged.
    assert shown["A3"]["last_commentary"] == frozen["A3"]["last_commentary"]
    assert shown["A3"]["last_commentary"].startswith("Line one | with a pipe")


def test_the_reasons_show_in_the_change_since_last_meeting(table, tmp_path):
    path = exporter.export(table, "csv", tmp_path / "pack.csv", layout="full")
    _, _, read = read_csv(path)  # the full layout has the change and RAG reason columns
    rows = _by_ref({"ref": r["Ref"], **r} for r in read)
    assert rows["A1"]["Latest update"] == ""
    assert rows["A1"]["Change since last meeting"].endswith(": Second delay | again")
    assert (
        'RAG: Amber → Red (Supplier "late" & over budget)'
        in rows["A2"]["Change since last meeting"]
    )
    assert rows["A2"]["RAG reason"] == 'Supplier "late" & over budget'
