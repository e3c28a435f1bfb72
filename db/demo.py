"""The demo register: a year in the life of a council's Management Action Table.

A fictional county council answers its "SEND Transport Lessons Learned Review"
(and, later, an internal audit of contract management) with a table of actions
reported quarterly to its Governance and Audit Committee. The story is written
as data below: each action with its scripted history. A small engine turns the
histories into events, sorts them by time and replays them through the public
write API, so the demo's log is a genuine, verifiable chain, exactly as if a
governance officer and the action owners had typed it over thirteen months.

Times are relative to `now`: events are "days ago" (moved off weekends, in
office hours), target dates are month ends "months from now". Nothing is
random beyond a seeded generator, so the same `now` always gives the same
register. The text names no years or seasons, because `now` may be any date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from db.cycles import meetings, snapshots
from db.errors import ActregError
from db.read.queries import action_log, get_action, register_info
from db.store import register
from db.store.clock import utc_now

NAME = "Management Action Table (demo)"
ORGANISATION = "Kentish County Council (fictional)"
COMMITTEE = "Governance and Audit Committee"
REVIEW = "SEND Transport Lessons Learned Review"
AUDIT = "Internal Audit: Contract Management Review"
CYPE = "Children, Young People and Education"
GET = "Growth, Environment and Transport"
CED = "Chief Executive's Department"

#: When each source's actions were entered, in days before `now`. The review was
#: issued about 14 months ago; the table answering it was drawn up a month later.
ADDED_DAYS_AGO = {REVIEW: 393, None: 393, AUDIT: 262}
#: Past meetings (days ago) and future ones (days ahead), each moved to a Tuesday.
PAST_MEETINGS = (380, 290, 200, 110, 33)
FUTURE_MEETINGS = (24, 115)

PEOPLE = {  # key: (name, role). All fictional.
    "keeper": ("Hannah Okafor", "Governance Officer"),  # keeps the register
    "edu": ("Claire Redfern", "Director of Education and SEN"),
    "adsen": ("Marcus Ellery", "Assistant Director, SEN"),
    "fair": ("Priya Sharma", "Head of Fair Access"),
    "senops": ("Tom Hallett", "Head of SEN Operations"),
    "transport": ("David Okonjo", "Head of Public Transport"),
    "ptc": ("Fiona Marsh", "Passenger Transport Commissioning Manager"),
    "commercial": ("Jo Whitaker", "Head of Commercial and Procurement"),
    "democratic": ("Louise Pemberton", "Head of Democratic Services"),
    "customer": ("Anil Desai", "Customer Feedback Manager"),
    "digital": ("Nick Barraclough", "Head of Digital and Business Systems"),
    "bi": ("Sunita Rao", "Business Intelligence Manager"),
    "hr": ("Ellen Frost", "HR Business Partner"),
    "finance": ("Gareth Lewis", "Finance Business Partner"),
}

RECOMMENDATIONS = {  # key: (source, recommendation)
    "R1": (REVIEW, "R1: Route planning and procurement timelines"),
    "R2": (REVIEW, "R2: Contract award governance"),
    "R3": (REVIEW, "R3: Communication with families"),
    "R4": (REVIEW, "R4: Escalation and cross-directorate responsibilities"),
    "R5": (REVIEW, "R5: Member oversight"),
    "R6": (REVIEW, "R6: Data and systems"),
    "R7": (REVIEW, "R7: Staffing and capacity"),
    "R8": (REVIEW, "R8: Complaints handling"),
    "F1": (AUDIT, "Finding 1: Contract register completeness"),
    "F2": (AUDIT, "Finding 2: Contract manager accountability"),
    "F3": (AUDIT, "Finding 3: Supplier performance monitoring"),
    "F4": (AUDIT, "Finding 4: Contract variations"),
    None: (None, None),  # existing activity, not from a review
}


@dataclass(frozen=True)
class Step:
    """One scripted thing that happens to an action, `days` before now."""

    days: int
    verb: str  # update | note | evidence | close | edit | correct
    by: str | None = None  # a PEOPLE key; None means the action's owner at the time
    fields: dict = field(default_factory=dict)


def upd(days, by=None, **fields):
    """A progress update: status, rag, target (months from now), percent, note, reason.

    A new RAG or target date needs a reason, as in the app; a status change may have one.
    """
    return Step(days, "update", by, fields)


def note(days, text, by=None):
    return Step(days, "note", by, {"note": text})


def evidence(days, ref, text=None, by=None):
    return Step(days, "evidence", by, {"evidence": ref, "note": text})


def close(days, text, ref=None):  # verification is the register keeper's job
    return Step(days, "close", "keeper", {"note": text, "evidence": ref})


def edit(days, name, value, reason):
    return Step(days, "edit", "keeper", {"field": name, "value": value, "reason": reason})


def correct_target(days, target, reason):  # fix a mistyped original target date
    return Step(days, "correct", "keeper", {"target": target, "reason": reason})


# fmt: off
# Each action: ref, rec, title, owner, dir(ectorate), theme, priority, target (months from now),
# description, criterion; optionally acceptance, status/rag/percent/commentary at entry, history.
ACTIONS: list[dict[str, Any]] = [
    dict(ref="A1", rec="R1", owner="transport", dir=GET, theme="Commissioning", priority="high",
         target=-9, title="Publish an annual SEN transport planning timetable",
         description="A timetable working back from the start of the school year through "
         "assessment, route design, tender and award, owned jointly by CYPE and GET.",
         criterion="Timetable agreed by CMT and its milestones met for one planning cycle.",
         history=[
             upd(360, status="in_progress", rag="green", percent=20, reason="Draft timetable "
                 "shared with SEN managers in CYPE for comment."),
             upd(300, percent=70, note="Consulted the parent carer forum and the operators' "
                 "liaison group; their comments are incorporated."),
             upd(255, status="implemented", percent=100, note="Timetable agreed by the Corporate "
                 "Management Team and in use for this year's planning cycle."),
             evidence(254, "CMT report and minute: SEN Transport Planning Timetable"),
             close(200, "Verified: this cycle's milestones met to date (checked with Fair Access "
                   "and Public Transport)."),
         ]),
    dict(ref="A2", rec="R1", owner="ptc", dir=GET, theme="Commissioning", priority="high",
         target=-3, title="Award SEN transport contracts at least eight weeks before term",
         description="Bring the tender calendar forward so that routes are awarded, and "
         "families told, well before pupils start.",
         criterion="At least 95% of routes awarded eight weeks before the start of term.",
         history=[
             upd(340, status="in_progress", rag="green", percent=15, reason="Tender calendar "
                 "drafted: route tenders to open in the term before, award six weeks later."),
             note(230, "Tender round launched two weeks late because assessment data arrived "
                  "late (see A14)."),
             upd(150, target=0, rag="amber", reason="Award milestone missed for 34 routes: late "
                 "assessments meant routes could not be specified in time. Re-dated to allow a "
                 "second tender round."),
             upd(25, percent=75, note="Second round complete: 91% of routes awarded eight weeks "
                 "ahead; the rest are with operators for clarification."),
         ]),
    dict(ref="A3", rec="R1", owner="ptc", dir=GET, theme="Commissioning", priority="medium",
         target=-6, title="Refresh the dynamic purchasing system for transport operators",
         description="Widen the market of operators able to bid for SEN routes at short notice.",
         criterion="Refreshed DPS live with more operators admitted than before.",
         history=[
             upd(370, status="in_progress", rag="green", percent=10, reason="Market engagement "
                 "event held with 42 operators."),
             upd(280, percent=60, note="Refreshed DPS live; 18 new operators admitted so far."),
             upd(230, status="implemented", percent=100, note="Final admission round closed."),
             close(170, "Verified against the contract register entry (see IA1).",
                   ref="Officer Decision: DPS award report and operator admission list"),
         ]),
    dict(ref="A4", rec="R2", owner="commercial", dir=CED, theme="Governance", priority="high",
         target=-10, title="Record a formal decision for every transport contract award",
         description="Amend the Contract Procedure Rules so that awards above £250,000 always "
         "carry a recorded key or officer decision.",
         criterion="Amended rules published; decision records found for the next awards.",
         history=[
             upd(375, status="in_progress", rag="green", percent=30, reason="Amendment to the "
                 "Contract Procedure Rules drafted with Legal."),
             upd(330, status="implemented", percent=100, note="Amendment approved by Council as "
                 "part of the Constitution update."),
             close(320, "Verified: the rule is published and decision records exist for the "
                   "latest awards.", ref="Council minute: Constitution update (CPR rule 8.4)"),
         ]),
    dict(ref="A5", rec="R2", owner="commercial", dir=GET, theme="Governance", priority="high",
         target=-2, title="Introduce a pre-award assurance checkpoint for urgent awards",
         description="Legal and Finance sign-off before any urgent transport contract is awarded.",
         criterion="Checkpoint applied to every urgent award; sampled by Internal Audit.",
         history=[
             upd(350, status="in_progress", rag="green", percent=10, reason="Checkpoint design "
                 "agreed with Legal and Finance."),
             upd(240, percent=50, note="Piloted on the tender round; two awards paused until "
                 "sign-off was complete."),
             upd(95, rag="amber", percent=70, reason="The pilot showed sign-off adding up to "
                 "eight days to urgent awards; streamlining before roll-out."),
             upd(12, status="implemented", rag="green", percent=100, reason="Streamlined "
                 "checkpoint in use for all awards since the start of the month."),
             evidence(10, "Pre-award assurance checklist v2 and sign-off log",
                      "Ready for Internal Audit to sample."),
         ]),
    dict(ref="A6", rec="R3", owner="fair", dir=CYPE, theme="Communication", priority="high",
         target=2, title="Confirm transport arrangements to families ten working days ahead",
         description="Every family receives written confirmation of the route, operator and "
         "pick-up time ten working days before their child starts.",
         criterion="95% of families confirmed ten working days ahead for two terms running.",
         status="in_progress", rag="green", percent=20,
         commentary="Builds on the confirmation letters introduced for Secondary Transfer.",
         history=[
             note(320, "Template letters agreed with the parent carer forum; confirmations now "
                  "go by email and post."),
             upd(250, rag="amber", percent=40, reason="Operator shortages in two districts mean "
                 "arrangements cannot always be confirmed ten working days ahead."),
             edit(160, "owner", "senops", "Service restructure: transport eligibility and family "
                  "communications moved from Fair Access to SEN Operations."),
             upd(120, rag="red", reason="Two operators withdrew from East district contracts at "
                 "short notice; 140 families were confirmed late."),
             upd(20, rag="amber", percent=70, reason="New operators appointed through the "
                 "refreshed DPS (A3); confirmation rate back to 93%."),
         ]),
    dict(ref="A7", rec="R3", owner="fair", dir=CYPE, theme="Communication", priority="medium",
         target=-8, title="Co-design family communications with the parent carer forum",
         description="Rewrite the transport guide and decision letters with parents and carers.",
         criterion="Revised guide published and endorsed by the parent carer forum.",
         history=[
             upd(365, status="in_progress", rag="green", percent=25, reason="Three co-design "
                 "workshops held with the parent carer forum."),
             upd(300, status="implemented", percent=100, note="Revised guide published and sent "
                 "with every decision letter."),
             evidence(299, "Home to School Transport: A Guide for Families (revised)"),
             close(240, "Verified: the forum confirmed at the joint board that the guide reflects "
                   "its feedback."),
         ]),
    dict(ref="A8", rec="R3", owner="customer", dir=CED, theme="Communication", priority="medium",
         target=-1, title="Run a dedicated transport contact line at the start of term",
         description="A staffed line for transport queries during the first two weeks of term.",
         criterion="Line operated for one start of term with answer times reported.",
         history=[
             upd(330, status="in_progress", rag="green", percent=20, reason="Business case for a "
                 "dedicated line agreed."),
             upd(120, percent=60, note="Contact centre staff trained; call scripts written with "
                 "SEN Operations."),
             upd(28, status="implemented", percent=100, note="Line ran for the first two weeks of "
                 "term: 2,310 calls, 88% answered within two minutes."),
             evidence(27, "Contact centre performance report: transport line"),
         ]),
    dict(ref="A9", rec="R4", owner="adsen", dir=CYPE, theme="Governance", priority="high",
         target=-10, title="Agree who is responsible for what across CYPE and GET",
         description="A responsibility matrix (RACI) for SEN transport from assessment to route.",
         criterion="RACI signed by both Corporate Directors and published to staff.",
         history=[
             upd(380, status="in_progress", rag="green", percent=40, reason="Draft RACI "
                 "tested with both management teams."),
             upd(345, status="implemented", percent=100, note="RACI signed by both Corporate "
                 "Directors."),
             close(340, "Verified: published on the staff intranet and used by the joint board.",
                   ref="CYPE/GET SEN transport RACI v1.0 (signed)"),
         ]),
    dict(ref="A10", rec="R4", owner="transport", dir=GET, theme="Governance", priority="high",
         target=-7, title="Agree a joint escalation protocol for service failure",
         description="Named senior officers in both directorates, with authority to commission "
         "emergency routes, out of hours included.",
         criterion="Protocol tested in a live exercise and signed off by the joint board.",
         history=[
             upd(350, status="in_progress", rag="green", percent=15, reason="Draft protocol shared "
                 "with both directorate management teams."),
             upd(215, target=-4, rag="amber", reason="Not yet agreed who holds the decision to "
                 "commission emergency routes out of hours."),
             upd(130, target=-1, reason="The protocol is to be tested in a live exercise with "
                 "Emergency Planning before sign-off."),
             upd(45, rag="red", percent=60, reason="Exercise postponed twice for staff "
                 "availability; the protocol is unsigned and past its target date."),
             note(9, "Exercise now booked; a new target date will be proposed once it is done."),
         ]),
    dict(ref="A11", rec="R4", owner="edu", dir=CYPE, theme="Governance", priority="medium",
         target=3, title="Hold a quarterly joint SEN transport board",
         description="Chaired alternately by the two Corporate Directors; owns this table.",
         criterion="Board has met quarterly for a year and reviewed its own effectiveness.",
         status="in_progress", rag="green", percent=30,
         commentary="The board met for the first time while this table was being drawn up.",
         history=[
             note(290, "Terms of reference agreed; the board meets quarterly."),
             upd(200, percent=60, note="Board has met three times; attendance at director level."),
             upd(16, percent=80, note="Board reviewed the table's first year; an effectiveness "
                 "review is on its next agenda."),
         ]),
    dict(ref="A12", rec="R5", owner="democratic", dir=CED, theme="Governance", priority="medium",
         target=1, acceptance="in_principle",
         title="Report SEN transport performance to the Cabinet Committee",
         description="Regular performance reports so that Members can oversee the service.",
         criterion="Two reports considered by the Cabinet Committee, complaints data included.",
         commentary="Accepted in principle: frequency and format are for the Cabinet Committee.",
         history=[
             upd(300, status="in_progress", rag="green", percent=20, reason="The Cabinet "
                 "Committee agreed to a six-monthly performance report."),
             upd(210, percent=50, note="First report considered; Members asked for complaints "
                 "data to be included (see A18)."),
             upd(30, percent=75, note="Second report drafted with complaints data."),
             note(3, "Report published with the Cabinet Committee agenda."),
         ]),
    dict(ref="A13", rec="R5", owner="democratic", dir=CED, theme="Governance", priority="low",
         target=-9, title="Issue an interim briefing note to Members on transport duties",
         description="A short note on the statutory home to school transport duties.",
         criterion="Briefing note sent to all Members.",
         history=[
             upd(330, by="keeper", status="superseded", reason="Superseded by A12: the content "
                 "is now part of the six-monthly report and the Members' induction programme."),
         ]),
    dict(ref="A14", rec="R6", owner="digital", dir=CED, theme="Data and systems", priority="high",
         target=6, title="Integrate SEN case management with the transport routing system",
         description="Assessed pupils flow to route planning without re-keying, ending the "
         "spreadsheet hand-offs the review found.",
         criterion="Interface live and used for a full planning cycle without manual transfer.",
         history=[  # entered with the wrong year (6, not -6), then corrected
             correct_target(390, -6, "Target date keyed with the wrong year when the table was "
                            "set up; corrected to the date in the agreed management response."),
             upd(355, status="in_progress", rag="green", percent=10, reason="Interface "
                 "specification agreed with both system suppliers."),
             upd(215, target=-3, rag="amber", reason="The routing system supplier delayed the "
                 "interface release by three months."),
             upd(120, target=1, rag="red", reason="User testing found mismatched pupil records "
                 "between the systems; data cleansing needed before go-live."),
             upd(30, target=4, rag="amber", percent=65, reason="Cleansing 85% complete; go-live "
                 "moved outside the peak applications period to protect the service."),
         ]),
    dict(ref="A15", rec="R6", owner="bi", dir=CYPE, theme="Data and systems", priority="medium",
         target=1, title="Publish a weekly data-quality report and monthly dashboard",
         description="Applications awaiting assessment, routes unallocated and confirmations "
         "sent, visible to both directorates.",
         criterion="Dashboard refreshed automatically and used by the joint board.",
         history=[
             upd(340, status="in_progress", rag="green", percent=20, reason="Weekly report of "
                 "applications awaiting assessment is live."),
             upd(190, percent=55, note="Dashboard prototype shown to the joint board; measures "
                 "agreed."),
             upd(22, percent=85, note="Dashboard in testing; automated refresh follows A14."),
         ]),
    dict(ref="A16", rec="R7", owner="transport", dir=GET, theme="Workforce", priority="high",
         target=-5, title="Review the transport team establishment and fill vacant posts",
         description="Enough trained staff in post before the peak applications period.",
         criterion="Establishment agreed and vacancies below 5% at the start of the peak.",
         history=[
             upd(345, status="in_progress", rag="green", percent=15, reason="Establishment review "
                 "started with HR."),
             upd(240, percent=40, note="6.5 FTE vacancies found in the eligibility team; "
                 "recruitment campaign launched."),
             upd(190, target=-2, rag="amber", reason="Two recruitment rounds failed to fill the "
                 "specialist posts; agency cover in place while the grading is re-evaluated."),
             upd(140, percent=55, note="Regrading submitted to the job evaluation panel."),
         ]),
    dict(ref="A17", rec="R7", owner="hr", dir=CYPE, theme="Workforce", priority="medium",
         target=-3, title="Cross-train a surge team for peak applications",
         description="Staff from other teams trained to process applications at peak times.",
         criterion="Surge team of at least ten trained and used in one peak period.",
         history=[
             note(200, "Deferred until the establishment review (A16) is complete: the surge "
                  "team draws on the same posts."),
         ]),
    dict(ref="A18", rec="R8", owner="customer", dir=CED, theme="Communication", priority="medium",
         target=2, title="Report themes from transport complaints to the joint board",
         description="Learn from complaints and Ombudsman decisions, not only answer them.",
         criterion="Quarterly themes report considered by the board for a year.",
         history=[
             upd(310, status="in_progress", rag="green", percent=20, reason="Transport complaints "
                 "are now tagged so that themes can be reported."),
             upd(200, percent=45, note="First themes report: late confirmation and driver "
                 "changes are the top two themes."),
             upd(15, percent=70, note="Themes now also go to the Cabinet Committee (A12), with "
                 "Ombudsman decisions."),
         ]),
    dict(ref="A19", rec=None, owner="adsen", dir=CYPE, theme="Commissioning", priority="high",
         target=-11, title="Redesign the Secondary Transfer transport assessment process",
         description="Existing activity with the parent carer forum, under way before the "
         "review reported.",
         criterion="On-time Secondary Transfer applications implemented before term starts.",
         status="in_progress", rag="green", percent=80,
         commentary="Existing activity, included so the table shows all related work.",
         history=[
             upd(370, status="implemented", percent=100, note="Over 98% of on-time Secondary "
                 "Transfer applications implemented before the start of the school year."),
             evidence(369, "Secondary Transfer transport outcomes report to the Cabinet Committee"),
             close(350, "Verified against the outcomes report; further work carried into A1 "
                   "and A6."),
         ]),
    dict(ref="A20", rec=None, owner="transport", dir=GET, theme="Commissioning",
         priority="low", target=6, title="Expand independent travel training",
         description="Existing activity: help young people for whom it is suitable to travel "
         "independently.",
         criterion="Training available in every district; 100 young people trained a year.",
         status="in_progress", rag="green", percent=30,
         commentary="Existing activity, included so the table shows all related work.",
         history=[
             upd(260, percent=40, note="Offered in all twelve districts; 64 young people trained."),
             upd(120, percent=50, note="Funding for two more trainers agreed."),
         ]),
    dict(ref="IA1", rec="F1", owner="commercial", dir=CED, theme="Commissioning",
         priority="high", target=-2, title="Complete the corporate contract register",
         description="Every live contract on the register with value, term and manager.",
         criterion="Register reconciled to the ledger with no unexplained contracts.",
         history=[
             upd(240, status="in_progress", rag="green", percent=20, reason="Gap analysis: "
                 "118 live contracts are not on the register, 46 of them in GET."),
             upd(150, percent=55, note="All transport contracts are now on the register."),
             upd(70, target=1, rag="amber", reason="Remaining entries depend on directorate "
                 "returns and two directorates are late; escalated to CMT."),
             upd(18, percent=80, note="Returns received from all but one directorate."),
         ]),
    dict(ref="IA2", rec="F2", owner="commercial", dir=CED, theme="Governance", priority="medium",
         target=-5, title="Name a contract manager for every contract over £100,000",
         description="Accountability for each contract sits with a named officer.",
         criterion="Internal Audit follow-up sample finds no exceptions.",
         history=[
             upd(230, status="in_progress", rag="green", percent=50, reason="Managers named for "
                 "all transport contracts."),
             upd(180, status="implemented", percent=100, note="Every contract over £100,000 has "
                 "a named manager on the register."),
             close(130, "Verified by Internal Audit follow-up: no exceptions in a sample of 25.",
                   ref="Internal Audit follow-up memo: contract manager sample"),
         ]),
    dict(ref="IA3", rec="F2", owner="hr", dir=CED, theme="Workforce", priority="medium",
         target=-1, title="Train contract managers in contract management",
         description="A mandatory course for every named contract manager.",
         criterion="All named contract managers have completed the course.",
         history=[
             upd(220, status="in_progress", rag="green", percent=10, reason="Course commissioned "
                 "from the Commercial team."),
             upd(100, percent=60, note="First cohort of 24 officers completed the course."),
             upd(14, status="implemented", percent=100, note="All managers named under IA2 have "
                 "completed the course."),
             evidence(13, "Learning system completion report: Contract Management Essentials"),
         ]),
    dict(ref="IA4", rec="F3", owner="ptc", dir=GET, theme="Commissioning", priority="high",
         target=-1, title="Monitor transport operators' performance quarterly",
         description="KPIs for punctuality, vehicle checks and safeguarding, reviewed each "
         "quarter with every operator.",
         criterion="Quarterly reviews held with all operators for two quarters.",
         history=[
             upd(235, status="in_progress", rag="green", percent=15, reason="KPI set drafted: "
                 "punctuality, vehicle checks, safeguarding compliance."),
             upd(150, rag="amber", percent=35, reason="Operators' data returns are incomplete; "
                 "a contract variation is needed to make them mandatory."),
             upd(40, rag="red", percent=45, reason="Variation not yet agreed with the operators' "
                 "association; reviews not started and the target date has passed."),
             note(4, "Variation agreed in principle; a revised date will go to the joint board."),
         ]),
    dict(ref="IA5", rec="F1", owner="commercial", dir=CED, theme="Data and systems",
         priority="low", target=2, acceptance="in_principle",
         title="Procure a contract management system",
         description="A system to hold the contract register, milestones and reviews.",
         criterion="System procured and the register migrated into it.",
         commentary="Accepted in principle, subject to the ERP replacement programme.",
         history=[
             upd(180, status="cancelled", reason="Contract management will be a module of the "
                 "corporate ERP replacement; a separate procurement would duplicate it. Agreed "
                 "by the Corporate Management Team."),
         ]),
    dict(ref="IA6", rec="F4", owner="finance", dir=GET, theme="Governance", priority="medium",
         target=-3, rag="green", title="Log and approve every contract variation",
         description="Variations recorded and approved under the Contract Procedure Rules.",
         criterion="Variation log complete; every variation has a recorded approval.",
         commentary="Low risk: the variation log exists; only the approval step is missing.",
         history=[
             note(130, "Approval step drafted in the procurement system; awaiting configuration."),
         ]),
]
# fmt: on


@dataclass(frozen=True)
class _Event:
    at: dt.datetime
    seq: int  # data order: breaks ties so replay order never depends on the sort's luck
    ref: str
    author: str
    verb: str
    fields: dict


def build_demo(conn: sqlite3.Connection, *, now: dt.datetime | None = None) -> None:
    """Fill a freshly created, empty register with the demo story."""
    now = now or utc_now()
    now = now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now.astimezone(dt.UTC)
    if register_info(conn)["actions"] or meetings.list_meetings(conn):
        raise ActregError("The demo needs a new, empty register; this one already has content.")
    story = _Story(now)
    events = story.events()
    # The year's meetings were agreed before its story began (and their entries, like
    # every entry, go in time order: db.store.chain).
    agreed = min(e.at for e in events) - dt.timedelta(days=1)
    meetings.add_committee(conn, COMMITTEE, cadence="quarterly", clock=lambda: agreed)
    for day, title in story.meetings():
        meetings.add_meeting(conn, day.isoformat(), committee=COMMITTEE, title=title,
                             clock=lambda: agreed)  # fmt: skip
    events += story.snapshots(conn, now)
    for event in sorted(events, key=lambda e: (e.at, e.seq)):
        _replay(conn, event, story)


class _Story:
    """The scripted data, placed on the calendar relative to `now`."""

    def __init__(self, now: dt.datetime):
        self.today = now.date()

    def target(self, months: int) -> str:
        """The last day of the month `months` from now: councils date actions to month ends."""
        year, month = divmod(self.today.month - 1 + months, 12)
        year += self.today.year
        return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1]).isoformat()

    def meetings(self) -> list[tuple[dt.date, str]]:
        past = [self.today - dt.timedelta(days=d) for d in PAST_MEETINGS]
        future = [self.today + dt.timedelta(days=d) for d in FUTURE_MEETINGS]
        titles = ["SEN Transport Lessons Learned: Management Action Table"]
        titles += ["Management Action Table: quarterly update"] * (len(past) + len(future) - 1)
        # The committee meets on Tuesdays: move each date back to one.
        days = [d - dt.timedelta(days=(d.weekday() - 1) % 7) for d in past + future]
        return list(zip(days, titles, strict=True))

    def events(self) -> list[_Event]:
        rng = random.Random(20221115)  # fixed: the same `now` always gives the same register
        events: list[_Event] = []
        for position, action in enumerate(ACTIONS):
            source = RECOMMENDATIONS[action["rec"]][0]
            # Entered in ref order on one morning, so ids follow the table's order.
            added = self._office_day(ADDED_DAYS_AGO[source])
            at = added.replace(hour=9, minute=30) + dt.timedelta(minutes=3 * position)
            events.append(_Event(at, len(events), action["ref"], "keeper", "add", action))
            owner, last_days = action["owner"], ADDED_DAYS_AGO[source]
            for step in action.get("history", ()):
                if step.days > last_days:
                    raise ValueError(f"demo data: {action['ref']} steps are out of order")
                last_days = step.days
                minute = rng.randrange(8 * 60, 17 * 60)
                when = self._office_day(step.days) + dt.timedelta(minutes=minute)
                # Weekend moves can put two steps on one Friday: keep the scripted order.
                at = max(when, at + dt.timedelta(minutes=7))
                author = step.by or owner
                events.append(
                    _Event(at, len(events), action["ref"], author, step.verb, step.fields)
                )
                if step.verb == "edit" and step.fields["field"] == "owner":
                    owner = step.fields["value"]  # the new owner posts the later updates
        return events

    def snapshots(self, conn: sqlite3.Connection, now: dt.datetime) -> list[_Event]:
        """The keeper freezes the table the morning after each due meeting's paper deadline."""
        events: list[_Event] = []
        for meeting in meetings.list_meetings(conn):
            deadline = dt.date.fromisoformat(meeting["paper_deadline"])
            at = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(8, 45), dt.UTC)
            if meeting["due"] and at < now:
                fields = {"meeting": meeting["meeting_date"]}
                events.append(_Event(at, 10_000 + len(events), "", "keeper", "snapshot", fields))
        return events

    def _office_day(self, days_ago: int) -> dt.datetime:
        """Midnight UTC of the working day `days_ago` before now (a weekend moves to Friday)."""
        day = self.today - dt.timedelta(days=days_ago)
        day -= dt.timedelta(days=max(0, day.weekday() - 4))
        return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _owner(key: str) -> str:
    name, role = PEOPLE[key]
    return f"{name}, {role}"


def _replay(conn: sqlite3.Connection, event: _Event, story: _Story) -> None:
    """Make one scripted event happen, at its own time, through the public write API."""
    ref, f = event.ref, event.fields
    common = {"author": PEOPLE[event.author][0], "clock": lambda at=event.at: at}
    if event.verb == "add":
        source, recommendation = RECOMMENDATIONS[f["rec"]]
        draft = {
            "ref": ref,
            "title": f["title"],
            "owner": _owner(f["owner"]),
            "target_date": story.target(f["target"]),
            "directorate": f["dir"],
            "theme": f["theme"],
            "priority": f["priority"],
            "acceptance": f.get("acceptance", "accepted"),
            "description": f["description"],
            "source": source,
            "recommendation": recommendation,
            "completion_criterion": f["criterion"],
            "status": f.get("status", "not_started"),
            "rag": f.get("rag"),
            "percent_complete": f.get("percent", 0),
        }
        register.add_action(conn, draft, commentary=f.get("commentary"), **common)
    elif event.verb == "update":
        changes = {
            "note": f.get("note"),
            "status": f.get("status"),
            "rag": f.get("rag"),
            "target_date": story.target(f["target"]) if "target" in f else None,
            "percent_complete": f.get("percent"),
            "reason": f.get("reason"),
        }
        register.record_update(conn, ref, **changes, **common)
    elif event.verb == "note":
        register.record_note(conn, ref, f["note"], **common)
    elif event.verb == "evidence":
        register.add_evidence(conn, ref, f["evidence"], note=f["note"], **common)
    elif event.verb == "close":
        register.close_action(conn, ref, evidence=f["evidence"], note=f["note"], **common)
    elif event.verb == "edit":
        value = _owner(f["value"]) if f["field"] == "owner" else f["value"]
        register.edit_field(conn, ref, f["field"], value, reason=f["reason"], **common)
    elif event.verb == "correct":
        # The entry to correct is the action's creation (its original target date).
        created = action_log(conn, get_action(conn, ref)["id"], newest_first=False)[0]
        register.correct_entry(
            conn, created.uuid, value=story.target(f["target"]), reason=f["reason"], **common
        )
    elif event.verb == "snapshot":
        snapshots.take_snapshot(conn, f["meeting"], committee=COMMITTEE, **common)
    else:
        raise ValueError(f"demo data: unknown step {event.verb!r}")
