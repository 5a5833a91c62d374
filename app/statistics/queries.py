"""The dashboard's figures about casussen, aggregated in SQL over the overleggen a viewer may
see: a fixed number of statements whatever the period, nothing decrypted (repeats are found
through the blind indexes), every number made safe in app/statistics/disclosure_control.py."""

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, or_, union, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.cases.models import Case, CaseCategory, CasePerson, CaseStatus, EscalationBody, Urgency
from app.statistics import disclosure_control as dc
from app.statistics import meeting_figures
from app.statistics.period import Period, add_months, midnight, month_label, months_before
from app.statistics.sql import (
    at_most_months_before,
    between,
    counted_if,
    days_from,
    interval_index,
    per_organisation,
    plain,
)
from app.statistics.tables import Chart, Figure, Row, StatTable

REPEAT_WINDOW_MONTHS = 12
OPEN = (CaseStatus.SUBMITTED, CaseStatus.IN_PROGRESS, CaseStatus.ESCALATED)
# (label, months since aangemeld from, up to): the open casussen by age.
AGE_BANDS = (("0–3 maanden", 0, 3), ("3–6 maanden", 3, 6), ("6–12 maanden", 6, 12))
OLDEST_BAND = "meer dan 12 maanden"
COUNTED = (
    "Ingetrokken casussen en te late aanmeldingen die de voorzitter (nog) niet op de agenda "
    "heeft gezet tellen niet mee; casussen waarvan de gegevens na de bewaartermijn zijn "
    "verwijderd wel."
)


def dashboard(
    session: Session,
    *,
    series_ids: Sequence[int],
    first_month: date,
    last_month: date,
    today: date,
    min_count: int,
    target_working_days: int,
) -> list[StatTable]:
    """Every figure for these overleggen from the first day of `first_month` to the end of
    `last_month` (both the first of a month), each made safe to publish."""
    period = Period(first_month, last_month)
    figures = CaseFigures(session, list(series_ids), period, min_count)
    return [
        figures.per_month(),
        *figures.profile(),
        figures.per_organisation(),
        figures.lead_time(),
        figures.open_by_age(today),
        figures.repeats(),
        *meeting_figures.tables(
            session,
            series_ids=list(series_ids),
            period=period,
            today=today,
            min_count=min_count,
            target_working_days=target_working_days,
        ),
    ]


def counted_cases(series_ids: Sequence[int], table: Any = Case) -> list[ColumnElement[bool]]:
    """The casussen of these overleggen the figures count (see COUNTED)."""
    return [
        col(table.series_id).in_(series_ids),
        col(table.accepted),
        col(table.status) != CaseStatus.WITHDRAWN,
    ]


class CaseFigures:
    """The tables about casussen; each method sends one statement."""

    def __init__(self, session: Session, series_ids: list[int], period: Period, min_count: int):
        self.session = session
        self.series_ids = series_ids
        self.period = period
        self.min_count = min_count
        self.dialect = session.get_bind().dialect.name
        self.counted = counted_cases(series_ids)
        self.new = between(Case.submitted_at, period.start_moment, period.end_moment)
        self.escalated = between(Case.escalated_on, period.first_month, period.end_day)

    def _count(self, n: int) -> Figure:
        return dc.count(n, self.min_count)

    def per_month(self) -> StatTable:
        """New, closed and escalated casussen per month of the period."""
        days = [*self.period.months, self.period.end_day]  # the months' boundaries
        measures = (
            ("nieuw", Case.submitted_at, [midnight(day) for day in days]),
            ("afgesloten", Case.closed_on, days),
            ("opgeschaald", Case.escalated_on, days),
        )
        parts = []
        for name, column, bounds in measures:
            # Bucketed in a subquery: PostgreSQL would not group by an expression whose
            # parameters are bound twice.
            bucketed = (
                select(interval_index(column, bounds).label("month"))
                .where(*self.counted, between(column, bounds[0], bounds[-1]))
                .subquery()
            )
            parts.append(
                select(literal(name), bucketed.c.month, func.count()).group_by(bucketed.c.month)
            )
        found = {(m, n): total for m, n, total in self.session.execute(union_all(*parts)).all()}
        rows = tuple(
            Row(
                label=month_label(month),
                figures=tuple(self._count(found.get((name, n), 0)) for name, _, _ in measures),
            )
            for n, month in enumerate(self.period.months)
        )
        return StatTable(
            key="casussen-per-maand",
            title="Casussen per maand",
            explanation=(
                "Per maand: hoeveel casussen zijn aangemeld (nieuw), hoeveel zijn afgesloten "
                "(afsluitdatum in die maand) en hoeveel zijn opgeschaald (datum van opschalen "
                f"in die maand), ongeacht wanneer ze zijn aangemeld. {COUNTED}"
            ),
            row_header="Maand",
            columns=("Nieuw", "Afgesloten", "Opgeschaald"),
            rows=rows,
        )

    def profile(self) -> list[StatTable]:
        """Escalations per body, and the new casussen per category and per urgency."""
        # Grouped by the stored list of categories (a few dozen combinations at most), which
        # Python then splits: cheaper than matching every category against every casus.
        new_cases = (
            select(literal("nieuw"), plain(Case.categories), plain(Case.urgency), func.count())
            .where(*self.counted, self.new)
            .group_by(col(Case.categories), col(Case.urgency))
        )
        escalations = (
            select(literal("opgeschaald"), plain(Case.escalated_to), literal(""), func.count())
            .where(*self.counted, self.escalated)
            .group_by(col(Case.escalated_to))
        )
        per_body: Counter[str] = Counter()
        per_category: Counter[str] = Counter()
        per_urgency: Counter[str] = Counter()
        for measure, value, urgency, n in self.session.execute(union_all(new_cases, escalations)):
            if measure == "opgeschaald":
                per_body[value] += n
                continue
            per_urgency[urgency] += n
            for category in set(value.split("|")):
                per_category[category] += n
        return [
            self._one_column(
                key="opgeschaald-per-instantie",
                title="Opgeschaald per instantie",
                explanation=(
                    "Casussen die in de periode zijn opgeschaald, naar de instantie waaraan ze "
                    f"zijn overgedragen. {COUNTED}"
                ),
                row_header="Instantie",
                labels=[body.value for body in EscalationBody],
                counts=[per_body[body] for body in EscalationBody],
            ),
            self._one_column(
                key="casussen-per-categorie",
                title="Nieuwe casussen per categorie",
                explanation=(
                    "Casussen die in de periode zijn aangemeld, per categorie van zorg. Een casus "
                    "met meer categorieën telt bij elk daarvan één keer mee, dus de rijen "
                    f"samen zijn meer dan het aantal casussen. {COUNTED}"
                ),
                row_header="Categorie",
                labels=[category.value for category in CaseCategory],
                counts=[per_category[category] for category in CaseCategory],
            ),
            self._one_column(
                key="casussen-per-urgentie",
                title="Nieuwe casussen per urgentie",
                explanation=(
                    "Casussen die in de periode zijn aangemeld, naar de urgentie die de "
                    f"indiener opgaf. {COUNTED}"
                ),
                row_header="Urgentie",
                labels=[urgency.value for urgency in Urgency],
                counts=[per_urgency[urgency] for urgency in Urgency],
            ),
        ]

    def _one_column(
        self, *, labels: Sequence[str], counts: Sequence[int], **table: Any
    ) -> StatTable:
        rows = tuple(
            Row(label=label, figures=(self._count(n),))
            for label, n in zip(labels, counts, strict=True)
        )
        return StatTable(columns=("Casussen",), rows=rows, **table)

    def per_organisation(self) -> StatTable:
        """New casussen per submitting organisation (every organisation of the overleggen)."""
        query = per_organisation(
            self.series_ids,
            col(Case.submitting_organisation_id),
            [func.count()],
            *self.counted,
            self.new,
        )
        found = self.session.execute(query).all()
        return self._one_column(
            key="casussen-per-organisatie",
            title="Nieuwe casussen per indienende organisatie",
            explanation=(
                "Casussen die in de periode zijn aangemeld, naar de organisatie die ze indiende; "
                "elke organisatie van het overleg staat erin, ook zonder aanmeldingen. "
                f"{COUNTED}"
            ),
            row_header="Organisatie",
            labels=[name for name, _ in found],
            counts=[n for _, n in found],
        )

    def lead_time(self) -> StatTable:
        """Median and 75th percentile of the days from aangemeld to afgesloten."""
        days = days_from(self.dialect, col(Case.submitted_at), col(Case.closed_on)).label("days")
        closed = (
            select(days)
            .where(
                *self.counted, between(Case.closed_on, self.period.first_month, self.period.end_day)
            )
            .subquery()
        )
        histogram = self.session.execute(
            select(closed.c.days, func.count()).group_by(closed.c.days)
        ).all()
        durations = sorted(d for d, n in histogram for _ in range(n))
        return StatTable(
            key="doorlooptijd",
            title="Doorlooptijd van aangemeld tot afgesloten",
            explanation=(
                "Over de casussen die in de periode zijn afgesloten: het aantal kalenderdagen "
                "van de dag van aanmelding tot de afsluitdatum. De mediaan is de middelste "
                "waarde (de helft duurde korter), het 75e percentiel de waarde waar driekwart "
                "van de casussen binnen bleef. Alleen getoond als ze op minstens "
                f"{self.min_count} afgesloten casussen berusten. {COUNTED}"
            ),
            row_header="Maat",
            columns=("Doorlooptijd",),
            rows=(
                Row("Mediaan", (dc.median_days(durations, self.min_count),)),
                Row("75e percentiel", (dc.percentile_75_days(durations, self.min_count),)),
            ),
            unit="dagen",
        )

    def open_by_age(self, today: date) -> StatTable:
        """The casussen open today, by how long ago they were aangemeld."""
        since = {months: midnight(months_before(today, months)) for months in (0, 3, 6, 12)}
        bands = [
            counted_if(between(Case.submitted_at, since[oldest], since[youngest]))
            for _, youngest, oldest in AGE_BANDS
        ]
        found = self.session.execute(
            select(*bands, counted_if(col(Case.submitted_at) < since[12])).where(
                *self.counted, col(Case.status).in_(OPEN)
            )
        ).one()
        return self._one_column(
            key="open-casussen-naar-leeftijd",
            title="Open casussen naar leeftijd",
            explanation=(
                "Casussen die vandaag nog open zijn (aangemeld, in behandeling of opgeschaald "
                "en niet afgesloten), naar de tijd sinds de aanmelding. Dit telt op de dag van "
                f"vandaag, los van de gekozen periode. {COUNTED}"
            ),
            row_header="Sinds aanmelding",
            labels=[label for label, _, _ in AGE_BANDS] + [OLDEST_BAND],
            counts=list(found),
        )

    def repeats(self) -> StatTable:
        """Of the new casussen, how many concern a person of an earlier casus within 12 months."""
        # Each person's casus is compared with the latest earlier casus about the same blind
        # index (a window over the casussen sorted by submission), not with every earlier one:
        # one sort per index instead of a join that grows with the square of a person's casussen.
        repeated_cases = union(self._repeated_through_persons(), self._linked_repeats()).subquery()
        new_cases, repeated = self.session.execute(
            select(
                select(func.count()).where(*self.counted, self.new).scalar_subquery(),
                select(func.count()).select_from(repeated_cases).scalar_subquery(),
            )
        ).one()
        row = Row(
            label=self.period.label,
            figures=(
                self._count(new_cases),
                self._count(repeated),
                dc.percentage(repeated, new_cases, self.min_count),
            ),
        )
        return StatTable(
            key="herhaalde-bespreking",
            title="Herhaalde bespreking",
            explanation=(
                "Van de casussen die in de periode zijn aangemeld: hoeveel gaan over een persoon "
                "over wie in hetzelfde overleg (of dezelfde gekozen overleggen) in de "
                f"{REPEAT_WINDOW_MONTHS} maanden daarvoor al een casus was aangemeld. Dezelfde "
                "persoon herkent Casustafel aan het BSN of aan naam en geboortedatum, via "
                "versleutelde zoeksleutels: niets wordt ontsleuteld. Geanonimiseerde casussen "
                "en casussen waarvan de gegevens al zijn verwijderd tellen mee als ze aan die "
                "eerdere casus gekoppeld zijn. Het aandeel staat er alleen als minstens "
                f"{self.min_count} nieuwe casussen wel en minstens {self.min_count} niet "
                f"herhaald besproken zijn. {COUNTED}"
            ),
            row_header="Periode",
            columns=("Nieuwe casussen", "Herhaald besproken", "Aandeel herhaald"),
            rows=(row,),
            chart=Chart.NONE,
        )

    def _repeated_through_persons(self) -> Select[Any]:
        """The new casussen with a person whose BSN or name and birth date (blind indexes) is
        that of a person in an earlier casus."""
        # Only casussen from a year (and a month's margin) before the period can be the earlier
        # one of a new casus: the rest need not be sorted.
        since = midnight(add_months(self.period.first_month, -(REPEAT_WINDOW_MONTHS + 1)))
        persons = (
            select(
                col(Case.id).label("case_id"),
                col(Case.submitted_at).label("submitted_at"),
                col(CasePerson.bsn_index).label("bsn_index"),
                _latest_before(col(CasePerson.bsn_index)).label("earlier_by_bsn"),
                _latest_before(col(CasePerson.name_birth_index)).label("earlier_by_name"),
            )
            .join(CasePerson, col(CasePerson.case_id) == col(Case.id))
            .where(*self.counted, between(Case.submitted_at, since, self.period.end_moment))
            .subquery()
        )

        def within(earlier: Any) -> ColumnElement[bool]:
            return self._within_window(earlier, persons.c.submitted_at)

        return select(persons.c.case_id).where(
            persons.c.submitted_at >= self.period.start_moment,
            or_(
                persons.c.bsn_index.is_not(None) & within(persons.c.earlier_by_bsn),
                within(persons.c.earlier_by_name),
            ),
        )

    def _within_window(self, earlier: Any, later: Any) -> ColumnElement[bool]:
        """`earlier` lies before `later`, by at most the repeat window."""
        return at_most_months_before(self.dialect, earlier, later, REPEAT_WINDOW_MONTHS)

    def _linked_repeats(self) -> Select[Any]:
        """The new casussen linked to an earlier one (all that is left once persons are gone)."""
        earlier = aliased(Case)
        return (
            select(Case.id)
            .join(earlier, col(earlier.id) == col(Case.repeat_of_case_id))
            .where(
                # Said outright, so the few linked casussen are looked up first.
                col(Case.repeat_of_case_id).is_not(None),
                *self.counted,
                self.new,
                *counted_cases(self.series_ids, earlier),
                self._within_window(col(earlier.submitted_at), col(Case.submitted_at)),
            )
        )


def _latest_before(index: ColumnElement[str]) -> ColumnElement[Any]:
    """The latest moment before this row's casus that a casus with the same blind index was
    submitted: if any earlier casus lies within the window, that one does. The frame ends at the
    group before this row's, so casussen submitted at the same moment (one casus with two
    persons alike, too) are not each other's earlier one."""
    return func.max(col(Case.submitted_at)).over(
        partition_by=index, order_by=col(Case.submitted_at), groups=(None, -1)
    )
