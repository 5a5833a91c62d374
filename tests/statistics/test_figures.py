"""Each figure of the dashboard on a hand-made history with known answers, on SQLite and on
PostgreSQL: what is counted, what is left out, and how each number is published."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import literal, select
from sqlmodel import Session, col, func
from sqlmodel.sql.sqltypes import UTCDateTime

from app.audit import AuditEvent
from app.cases.disclosure import READ
from app.cases.models import CaseCategory, CaseStatus, EscalationBody, Urgency
from app.meetings.models import Presence
from app.organisations.models import Organisation
from app.overleg.models import MeetingStatus
from app.statistics.period import Period
from app.statistics.sql import local_date
from app.tasks.models import TaskStatus
from tests.factories import make_organisation
from tests.statistics.conftest import History, cells, statements_during, utc

JAN, FEB, MAR, APR = (date(2025, month, 1) for month in (1, 2, 3, 4))
TODAY = date(2025, 4, 15)


def test_casussen_per_month_counted_by_dutch_date(history: History) -> None:
    history.add_case(utc(2024, 12, 31, 23, 30))  # 00:30 on 1 January in the Netherlands
    history.add_cases(4, date(2025, 1, 15))
    history.add_case(utc(2025, 1, 31, 23, 30))  # 1 February in the Netherlands
    history.add_cases(6, date(2025, 2, 10))
    history.add_case(date(2025, 2, 11), purged_on=date(2025, 4, 1), status=CaseStatus.CLOSED)
    # Not counted: withdrawn, late and not (yet) taken on, another overleg.
    history.add_case(date(2025, 1, 20), status=CaseStatus.WITHDRAWN)
    history.add_case(date(2025, 1, 20), accepted=False, late=True)
    history.add_cases(3, date(2025, 1, 20), series=history.other)
    # Closed and escalated count in the month it happened, whenever the casus came in.
    history.add_cases(5, date(2024, 6, 1), status=CaseStatus.CLOSED, closed_on=date(2025, 3, 3))
    history.add_cases(
        4,
        date(2024, 6, 1),
        status=CaseStatus.ESCALATED,
        escalated_on=date(2025, 2, 3),
        escalated_to=EscalationBody.VEILIG_THUIS,
    )

    table = history.figures(JAN, MAR, on=TODAY)["casussen-per-maand"]

    assert table.columns == ("Nieuw", "Afgesloten", "Opgeschaald")
    assert cells(table) == {
        "jan 2025": ["5", "< 5", "< 5"],
        "feb 2025": ["10", "< 5", "< 5"],  # 8 (a purged casus too), rounded
        "mrt 2025": ["< 5", "5", "< 5"],
    }


def test_every_month_of_a_long_period_is_a_row_even_without_casussen(history: History) -> None:
    table = history.figures(date(2021, 1, 1), date(2025, 12, 1), on=TODAY)["casussen-per-maand"]

    assert len(table.rows) == 60
    assert (table.rows[0].label, table.rows[-1].label) == ("jan 2021", "dec 2025")
    assert all(figure.hidden for row in table.rows for figure in row.figures)


def test_escalations_categories_urgency_and_submitters(history: History) -> None:
    housing, police = history.table.housing_id, history.table.police_id
    outsider = history.table.outsider.organisation_id
    in_march = {"status": CaseStatus.ESCALATED, "escalated_on": date(2025, 3, 10)}
    to_safety_house = in_march | {"escalated_to": EscalationBody.SAFETY_HOUSE}
    to_veilig_thuis = in_march | {"escalated_to": EscalationBody.VEILIG_THUIS}
    both = (CaseCategory.NUISANCE, CaseCategory.ADDICTION)
    history.add_cases(
        5, date(2025, 2, 3), organisation_id=police, categories=both, **to_safety_house
    )
    history.add_cases(
        3, date(2025, 2, 4), organisation_id=housing, urgency=Urgency.CRISIS, **to_veilig_thuis
    )
    history.add_case(
        date(2025, 2, 5),
        organisation_id=outsider,
        categories=(CaseCategory.DOMESTIC_VIOLENCE,),
        urgency=Urgency.URGENT,
        status=CaseStatus.ESCALATED,
        escalated_on=date(2025, 4, 2),  # after the period
        escalated_to=EscalationBody.VEILIG_THUIS,
    )
    history.add_case(date(2024, 1, 10), **to_veilig_thuis)  # escalated now, submitted long ago

    figures = history.figures(JAN, MAR, on=TODAY)

    assert cells(figures["opgeschaald-per-instantie"]) == {
        "Zorg- en Veiligheidshuis": ["5"],
        "Veilig Thuis": ["< 5"],  # 4 in the period
        "andere instantie": ["< 5"],
    }
    categories = cells(figures["casussen-per-categorie"])
    assert len(categories) == len(CaseCategory)
    assert (categories["overlast"], categories["verslaving"]) == (["10"], ["5"])  # 8 and 5
    assert categories["huiselijk geweld"] == categories["radicalisering"] == ["< 5"]
    assert cells(figures["casussen-per-urgentie"]) == {
        "regulier": ["5"],
        "urgent": ["< 5"],
        "spoed": ["< 5"],
    }
    submitters = cells(figures["casussen-per-organisatie"])
    assert submitters["Politie"] == ["5"]
    assert submitters["Woonstichting"] == ["< 5"]
    assert len(submitters) == 3  # both partners of the overleg, and the one that submitted


def test_lead_time_median_and_75th_percentile_in_dutch_days(history: History) -> None:
    closed = {"status": CaseStatus.CLOSED}
    for days in (10, 20, 40, 100):
        history.add_case(
            date(2025, 3, 20) - timedelta(days=days), closed_on=date(2025, 3, 20), **closed
        )
    # 00:30 on 1 January in the Netherlands: 30 days to 31 January, not 31.
    history.add_case(utc(2024, 12, 31, 23, 30), closed_on=date(2025, 1, 31), **closed)
    history.add_case(date(2024, 1, 1), closed_on=date(2025, 4, 1), **closed)  # after the period

    table = history.figures(JAN, MAR, on=TODAY)["doorlooptijd"]

    assert cells(table) == {"Mediaan": ["30 dagen"], "75e percentiel": ["40 dagen"]}
    assert cells(history.figures(JAN, JAN, on=TODAY)["doorlooptijd"]) == {
        "Mediaan": ["< 5"],
        "75e percentiel": ["< 5"],
    }


@pytest.mark.parametrize(
    ("moment", "dutch_day"),
    [
        (datetime(2025, 1, 9, 23, 30, tzinfo=UTC), date(2025, 1, 10)),  # winter: UTC+1
        (datetime(2025, 1, 9, 22, 30, tzinfo=UTC), date(2025, 1, 9)),
        (datetime(2025, 7, 31, 22, 30, tzinfo=UTC), date(2025, 8, 1)),  # summer: UTC+2
        (datetime(2025, 7, 31, 21, 30, tzinfo=UTC), date(2025, 7, 31)),
        (datetime(2025, 3, 29, 22, 59, tzinfo=UTC), date(2025, 3, 29)),  # the night of the change
        (datetime(2025, 3, 30, 22, 30, tzinfo=UTC), date(2025, 3, 31)),
        (datetime(2025, 10, 25, 22, 30, tzinfo=UTC), date(2025, 10, 26)),
        (datetime(2025, 10, 26, 22, 30, tzinfo=UTC), date(2025, 10, 26)),
    ],
)
def test_the_dutch_day_of_a_stored_moment_on_both_databases(
    session: Session, moment: datetime, dutch_day: date
) -> None:
    dialect = session.get_bind().dialect.name

    found = session.execute(select(local_date(dialect, literal(moment, UTCDateTime())))).scalar()

    assert str(found) == dutch_day.isoformat()


def test_open_casussen_by_age_today(history: History) -> None:
    history.add_cases(5, date(2025, 3, 15))  # a month old
    history.add_case(date(2024, 12, 1), status=CaseStatus.IN_PROGRESS)  # four and a half months
    history.add_cases(8, date(2024, 1, 10), status=CaseStatus.ESCALATED)  # fifteen months
    history.add_cases(3, date(2024, 1, 10), status=CaseStatus.CLOSED, closed_on=date(2025, 1, 5))
    history.add_case(date(2024, 1, 10), status=CaseStatus.WITHDRAWN)

    table = history.figures(JAN, JAN, on=TODAY)["open-casussen-naar-leeftijd"]

    assert cells(table) == {
        "0–3 maanden": ["5"],
        "3–6 maanden": ["< 5"],
        "6–12 maanden": ["< 5"],
        "meer dan 12 maanden": ["10"],
    }


KEES = ("Kees Wildeboer|1961-03-12", "999990111")
JANS = ("Jans Tuin|1970-01-01", None)
MARIE = ("Marie Smit|1980-05-05", "999990123")
PIET = ("Piet Hein|1990-09-09", None)


def test_repeat_rate_from_blind_indexes_without_decrypting(history: History) -> None:
    """20 new casussen in the period, so each repeat is exactly 5 % of them."""
    history.add_case(date(2024, 6, 1), people=[KEES])
    history.add_case(date(2025, 2, 1), people=[("Kees W.|1961-03-12", KEES[1])])  # same BSN
    history.add_case(date(2025, 1, 10), people=[JANS])  # new, but the first about Jans
    history.add_case(date(2025, 3, 1), people=[JANS])  # same name and birth date
    history.add_case(date(2023, 12, 15), people=[MARIE])
    history.add_case(date(2025, 1, 20), people=[MARIE])  # 13 months later: not a repeat
    earlier = history.add_case(date(2024, 10, 1))
    history.add_case(date(2025, 2, 2), repeat_of_case_id=earlier.id)  # anonymised, linked
    tombstone = {"status": CaseStatus.CLOSED, "closed_on": date(2025, 3, 1)}
    history.add_case(
        date(2025, 2, 3), repeat_of_case_id=earlier.id, purged_on=date(2025, 3, 2), **tombstone
    )
    history.add_case(date(2024, 5, 1), series=history.other, people=[PIET])
    history.add_case(date(2025, 2, 4), people=[PIET])  # in the other overleg before
    history.add_cases(20 - 7, date(2025, 2, 10))

    alone = cells(history.figures(JAN, MAR, on=TODAY)["herhaalde-bespreking"])
    together = history.figures(JAN, MAR, on=TODAY, series=[history.series, history.other])

    # Kees, Jans, two linked: 20 % would give back the 4 its count hides
    assert alone == {"jan 2025 – mrt 2025": ["20", "< 5", "< 5"]}
    assert cells(together["herhaalde-bespreking"]) == {
        "jan 2025 – mrt 2025": ["20", "5", "25 %"]  # and Piet
    }
    reads = func.count(col(AuditEvent.id))
    assert history.session.exec(select(reads).where(AuditEvent.action == READ)).one() == (0,)


def test_attendance_per_organisation_over_the_last_twelve_meetings(history: History) -> None:
    police_member, housing_member = history.table.chair.id, history.table.member.id
    guest_organisation = make_organisation(history.session, name="GGD").id
    first = date(2024, 3, 5)
    meetings = [history.add_meeting(first + timedelta(weeks=4 * n)) for n in range(13)]
    history.add_meeting(date(2025, 1, 14), status=MeetingStatus.CANCELLED)
    later = history.add_meeting(date(2025, 4, 8))  # after the period
    for meeting in meetings:
        history.attend(meeting, Presence.PRESENT, user_id=police_member)
    history.attend(meetings[0], Presence.ABSENT, user_id=housing_member)  # the 13th back
    history.attend(meetings[3], Presence.EXCUSED, user_id=housing_member)
    history.attend(meetings[4], Presence.EXCUSED, user_id=housing_member)
    history.attend(meetings[5], Presence.ABSENT, user_id=housing_member)
    history.attend(meetings[6], Presence.PRESENT, guest_organisation_id=guest_organisation)
    history.attend(meetings[7], Presence.PRESENT)  # a guest without an organisation
    history.attend(later, Presence.ABSENT, user_id=police_member)

    table = history.figures(JAN, MAR, on=TODAY)["aanwezigheid-per-organisatie"]

    assert table.columns == ("Aanwezig", "Afwezig met bericht", "Afwezig")
    assert cells(table) == {
        "GGD": ["1", "0", "0"],
        "Gasten zonder organisatie": ["1", "0", "0"],
        "Politie": ["12", "0", "0"],
        "Woonstichting": ["0", "2", "1"],
    }


def test_tasks_per_organisation(history: History) -> None:
    police, housing = history.table.police_id, history.table.housing_id
    outsider = history.table.outsider.organisation_id
    in_feb = date(2025, 2, 12)
    history.add_tasks(
        8, in_feb, organisation_id=police, due_on=date(2025, 3, 1), status=TaskStatus.DONE
    )
    history.add_tasks(1, in_feb, organisation_id=police, due_on=TODAY - timedelta(days=1))
    history.add_tasks(1, in_feb, organisation_id=police, due_on=TODAY)  # due today: not late
    history.add_tasks(1, in_feb, organisation_id=police, due_on=TODAY, status=TaskStatus.LAPSED)
    history.add_tasks(1, in_feb, organisation_id=police, due_on=TODAY, series=history.other)
    history.add_tasks(
        4, in_feb, organisation_id=housing, due_on=date(2025, 4, 1), carried_forward=3
    )
    history.add_tasks(1, in_feb, organisation_id=housing, due_on=TODAY, carried_forward=4)
    history.add_tasks(1, APR, organisation_id=housing, due_on=TODAY, status=TaskStatus.DONE)
    history.add_tasks(1, in_feb, organisation_id=outsider, due_on=TODAY)

    table = history.figures(JAN, MAR, on=TODAY)["acties-per-organisatie"]

    outsider_organisation = history.session.get(Organisation, outsider)
    assert outsider_organisation is not None
    assert cells(table) == {
        # 10 tasks, 8 done (80 % would give back the 2 not done), 1 late
        "Politie": ["10", "10", "< 5", "< 5", "< 5"],
        "Woonstichting": ["5", "< 5", "< 5", "< 5", "5"],  # 4 late, 5 carried forward
        outsider_organisation.name: ["< 5", "< 5", "< 5", "< 5", "< 5"],
    }


def test_verslag_turnaround_in_working_days_against_the_target(history: History) -> None:
    history.add_meeting(date(2025, 1, 7), finalised=[date(2025, 1, 14)])  # 5 working days
    history.add_meeting(date(2025, 1, 21), finalised=[date(2025, 2, 4)])  # 10
    history.add_meeting(date(2025, 2, 4), finalised=[date(2025, 2, 19)])  # 11
    history.add_meeting(date(2025, 2, 18), finalised=[date(2025, 2, 25), date(2025, 3, 25)])
    history.add_meeting(date(2025, 3, 4), finalised=[date(2025, 3, 6)])  # 2
    history.add_meeting(date(2025, 3, 18))  # 20 working days ago, no verslag
    history.add_meeting(date(2025, 3, 25), status=MeetingStatus.CANCELLED)

    figures = history.figures(JAN, MAR, on=TODAY)

    assert cells(figures["verslag-doorlooptijd"]) == {
        "Gehouden bijeenkomsten": ["6"],
        "Mediaan tot vastgesteld": ["5 werkdagen"],
        "Vastgesteld binnen 10 werkdagen": ["4"],
        "Vastgesteld na meer dan 10 werkdagen": ["1"],
        "Nog niet vastgesteld, norm verstreken": ["1"],
        "Nog niet vastgesteld, binnen de norm": ["0"],
    }
    assert cells(figures["verslag-per-bijeenkomst"]) == {
        "7 jan 2025": ["5", "7"],
        "21 jan 2025": ["10", "14"],
        "4 feb 2025": ["11", "15"],
        "18 feb 2025": ["5", "7"],
        "4 mrt 2025": ["2", "2"],
        "18 mrt 2025": ["–", "–"],
    }


def test_casussen_and_anonymous_items_per_meeting(history: History) -> None:
    busy = history.add_meeting(date(2025, 2, 4))
    quiet = history.add_meeting(date(2025, 3, 4))
    for n in range(8):
        history.add_item(busy, history.add_case(date(2025, 1, 20)), anonymously=n < 5)
    for n in range(5):
        history.add_item(quiet, history.add_case(date(2025, 2, 20)), anonymously=n < 4)
    history.add_item(quiet, None)  # a general item

    table = history.figures(JAN, MAR, on=TODAY)["casussen-per-bijeenkomst"]

    assert cells(table) == {"4 feb 2025": ["10", "5"], "4 mrt 2025": ["5", "< 5"]}


@pytest.mark.parametrize("a_true", [2, 3, 4])
def test_a_hidden_overleg_is_not_the_difference_of_two_shown_figures(
    history: History, a_true: int
) -> None:
    """Overleg A's casussen in January stay hidden: the figure of both overleggen and that of
    B alone read the same whether A had 2, 3 or 4."""
    history.add_cases(a_true, date(2025, 1, 15))
    history.add_cases(6, date(2025, 1, 16), series=history.other)
    both = [history.series, history.other]

    def january(series: list) -> list[str]:
        table = history.figures(JAN, JAN, on=TODAY, series=series)["casussen-per-maand"]
        return cells(table)["jan 2025"][:1]

    assert january(both) == ["10"]
    assert january([history.other]) == ["5"]
    assert january([history.series]) == ["< 5"]


@pytest.mark.parametrize("march_true", [2, 3, 4])
def test_a_hidden_month_is_not_the_difference_of_two_periods(
    history: History, march_true: int
) -> None:
    """Jan–Mar minus Jan–Feb: the totals of the periods read the same whether March had 2, 3
    or 4 new casussen, and March itself is hidden."""
    history.add_cases(6, date(2025, 1, 15))
    history.add_cases(march_true, date(2025, 3, 15))

    first_quarter = history.figures(JAN, MAR, on=TODAY)
    two_months = history.figures(JAN, FEB, on=TODAY)

    assert cells(first_quarter["herhaalde-bespreking"])["jan 2025 – mrt 2025"][0] == "10"
    assert cells(two_months["herhaalde-bespreking"])["jan 2025 – feb 2025"][0] == "5"
    assert cells(first_quarter["casussen-per-maand"])["mrt 2025"][0] == "< 5"


def test_the_number_of_statements_does_not_grow_with_the_period_or_the_overleggen(
    history: History,
) -> None:
    history.add_cases(2, date(2025, 1, 15), people=[KEES])
    history.add_meeting(date(2025, 1, 7), finalised=[date(2025, 1, 14)])
    history.add_tasks(2, date(2025, 1, 8), organisation_id=history.table.police_id, due_on=TODAY)
    both = [history.series, history.other]

    def cost(first: date, last: date, series: list) -> int:
        return len(
            statements_during(
                history.session, lambda: history.figures(first, last, on=TODAY, series=series)
            )
        )

    cost(JAN, JAN, both)  # loads the overleggen, expired by the last commit
    one_month = cost(JAN, JAN, [history.series])

    assert cost(date(2021, 1, 1), date(2025, 12, 1), [history.series]) == one_month
    assert cost(JAN, JAN, both) == one_month
    assert one_month <= 10


def test_a_period_runs_from_a_first_of_the_month_forwards() -> None:
    assert Period(JAN, MAR).label == "jan 2025 – mrt 2025"
    with pytest.raises(ValueError):
        Period(MAR, JAN)
    with pytest.raises(ValueError):
        Period(date(2025, 1, 15), MAR)
