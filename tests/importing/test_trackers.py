"""Trackers as councils and government publish them: the recommendations are the rows.

The headings are "Recommendation number, Theme, Recommendation, Status, Lead officer,
Accepted, Target date": no heading names the action or the ref, two name the
recommendation, and the cells use the trackers' own words for acceptance, status
and dates. Such a file imports as it is, and the report says which column became what.
"""

from __future__ import annotations

import pytest

from db.errors import InputError
from db.read.queries import action_log, get_action
from tests.importing.conftest import problems_of

HEADER = "Recommendation number,Theme,Recommendation,Status,Lead officer,Accepted,Target date"
#: (number, status, accepted, target) and what each must become.
ROWS = [
    ("1", "Done", "In full", "2026", "implemented", "accepted", "2026-12-31"),
    ("2", "Ongoing", "Accepted in full", "2028-29", "in_progress", "accepted", "2029-03-31"),
    ("3", "On hold", "Partially accepted", "2028/2029", "in_progress", "in_principle",
     "2029-03-31"),
    ("4", "Not yet due", "Noted", "TBC", "not_started", "not_accepted", None),
    ("5", "Complete – awaiting evidence", "Yes", "Ongoing", "implemented", "accepted", None),
    ("6", "Delayed", "Agreed", "31/03/2027", "in_progress", "accepted", "2027-03-31"),
    ("7", "Achieved", "Rejected", "2027", "implemented", "not_accepted", "2027-12-31"),
    ("8", "In progress", "In principle", "Q3 2026/27", "in_progress", "in_principle",
     "2026-12-31"),
    ("9", "Not started", "Accepted in part", "March 2027", "not_started", "in_principle",
     "2027-03-31"),
    ("10", "Done", "Not accepted", "2030", "implemented", "not_accepted", "2030-12-31"),
    ("11", "Done", "No", "2030", "implemented", "not_accepted", "2030-12-31"),
]  # fmt: skip


def _wording(number: str) -> str:
    return f"The council should make improvement number {number} to its governance."


@pytest.fixture
def tracker(tmp_path):
    lines = [HEADER]
    for number, status, accepted, target, *_ in ROWS:
        lines.append(
            f"{number},Governance,{_wording(number)},{status},Jo Smith,{accepted},{target}"
        )
    path = tmp_path / "published-tracker.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _actions(conn) -> dict[str, dict]:
    cursor = conn.execute(
        "SELECT ref, title, status, acceptance, target_date, target_date_text, recommendation"
        " FROM action"
    )
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor}


def test_a_published_tracker_imports_without_any_mapping(conn, do_import, tracker):
    result = do_import(tracker)
    assert result.applied and not problems_of(result, "error")
    assert result.new == len(ROWS)
    assert dict(result.plan.columns) == {
        "Recommendation number": "ref",
        "Theme": "theme",
        "Recommendation": "title",
        "Status": "status",
        "Lead officer": "owner",
        "Accepted": "acceptance",
        "Target date": "target_date",
    }
    actions = _actions(conn)
    for number, _, _, target, status, acceptance, date in ROWS:
        got = actions[number]
        assert got["title"] == _wording(number)
        assert (got["status"], got["acceptance"], got["target_date"]) == (
            status,
            acceptance,
            date,
        ), number
        # the wording is always kept when it is not the ISO date itself
        assert got["target_date_text"] == target, number


def test_a_status_that_says_more_than_its_status_keeps_its_words_in_the_log(
    conn, do_import, tracker, tmp_path
):
    do_import(tracker)

    def said(ref: str) -> list[str]:
        return [e.commentary or "" for e in action_log(conn, get_action(conn, ref)["id"])]

    assert "Status in the tracker: On hold." in said("3")
    assert "Status in the tracker: Not yet due." in said("4")
    assert "Status in the tracker: Complete – awaiting evidence." in said("5")
    assert "Status in the tracker: Delayed." in said("6")
    for plain in ("1", "2", "8", "9"):  # Done, Ongoing, In progress, Not started
        assert not any("Status in the tracker" in c for c in said(plain)), plain

    # The next edition has action 9 started but on hold: its status entry says so.
    lines = tracker.read_text(encoding="utf-8").splitlines()
    assert lines[9].startswith("9,")
    lines[9] = lines[9].replace(",Not started,", ",On hold,")
    later = tmp_path / "tracker-next.csv"
    later.write_text("\n".join(lines) + "\n", encoding="utf-8")
    do_import(later)
    (entry,) = [e for e in action_log(conn, get_action(conn, "9")["id"]) if e.kind == "import"]
    assert (entry.field, entry.new_value) == ("status", "in_progress")
    assert entry.commentary == "Imported from tracker-next.csv. Status in the tracker: On hold."


def test_a_new_word_for_an_unchanged_status_is_logged_once(conn, do_import, tracker, tmp_path):
    do_import(tracker)
    action = get_action(conn, "2")["id"]  # "Ongoing": in progress

    def imported() -> list[str]:
        return [e.commentary or "" for e in action_log(conn, action) if e.kind == "import"]

    lines = tracker.read_text(encoding="utf-8").splitlines()
    assert lines[2].startswith("2,")
    lines[2] = lines[2].replace(",Ongoing,", ",On hold,")  # still in progress, but on hold
    later = tmp_path / "tracker-next.csv"
    later.write_text("\n".join(lines) + "\n", encoding="utf-8")
    do_import(later)
    assert get_action(conn, "2")["status"] == "in_progress"
    assert imported() == ["Imported from tracker-next.csv. Status in the tracker: On hold."]

    again = do_import(later)  # the same file again: nothing new, for this action or any
    assert imported() == ["Imported from tracker-next.csv. Status in the tracker: On hold."]
    assert again.new == 0 and again.updated == 0, again

    # Put on hold when it was created from the tracker (action 3): re-importing adds nothing.
    before = len(action_log(conn, get_action(conn, "3")["id"]))
    do_import(tracker)
    assert len(action_log(conn, get_action(conn, "3")["id"])) == before


def test_the_report_says_which_column_became_what_and_why(conn, do_import, tracker):
    result = do_import(tracker, dry_run=True)
    infos = {column: message for _, _, column, message in problems_of(result, "info")}
    assert infos["Recommendation"].startswith("read as the title: no column names the action")
    assert infos["Recommendation number"] == (
        "read as the ref: no Ref column; headed as a number, unique '1', '2', '3', ..."
    )
    warnings = problems_of(result, "warning")
    assert (
        "warning",
        5,
        "Target date",
        "'TBC' is not a date: kept as the target's wording, with no target date",
    ) in warnings
    assert ("warning", 6, "Target date",
            "'Ongoing' is not a date: kept as the target's wording, with no target date"
            ) in warnings  # fmt: skip


@pytest.mark.parametrize("heading", ["#", "Rec no", "No."])
def test_a_number_column_under_other_headings_is_the_ref(conn, do_import, tmp_path, heading):
    path = tmp_path / "tracker.csv"
    path.write_text(
        f"{heading},Recommendation,Lead officer\n"
        f"1,{_wording('1')},Jo Smith\n"
        f"2,{_wording('2')},Ali Khan\n",
        encoding="utf-8",
    )
    result = do_import(path)
    assert result.new == 2, problems_of(result)
    assert _actions(conn)["2"]["title"] == _wording("2")


def test_values_decide_not_headings_alone(conn, do_import, tmp_path):
    # Numbers that repeat (two actions answer recommendation 1) cannot be refs.
    path = tmp_path / "tracker.csv"
    path.write_text(
        f"Rec no,Recommendation,Lead officer\n1,{_wording('1')},Jo\n1,{_wording('1b')},Al\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="no column for the ref"):
        do_import(path)


def test_map_always_wins_over_the_values(conn, do_import, tracker):
    # The wording column mapped by hand is never taken for the title.
    with pytest.raises(InputError, match="no column for the title"):
        do_import(tracker, mapping={"recommendation": "description"})
    assert _actions(conn) == {}
