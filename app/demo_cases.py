"""The demo's casussen: five identified (fictional people, BSNs from the test range), two
anonymised; one escalated, one closed last year and a new one about the same person, one spoed."""

from datetime import date, timedelta

from sqlmodel import Session, col, select

from app import demo_meeting
from app.agenda.models import AgendaItem
from app.audit import Actor
from app.cases import service
from app.cases.models import (
    AgeBand,
    AnonymisedFields,
    Case,
    CaseCategory,
    CaseSubmission,
    Consent,
    IdentifiedFields,
    LegalBasis,
    PersonData,
    Urgency,
)
from app.db import today, utcnow
from app.overleg.models import Meeting, MeetingSeries, MeetingStatus
from app.overleg.schedule import at_local_time, local
from app.security.crypto import CaseCrypto
from app.users.models import User

KEES = PersonData(
    name="Kees Wildeboer",
    birth_date=date(1961, 3, 12),
    bsn="999990111",
    address="Dorpsstraat 14, Dorpsveen",
)
FATMA = PersonData(
    name="Fatma Yildirim-Verhoef",
    birth_date=date(1988, 9, 2),
    bsn="999990925",
    address="Kerkpad 3, Dorpsveen",
)
MILA = PersonData(
    name="Mila Verhoef",
    birth_date=date(2016, 5, 20),
    bsn="999990962",
    address="Kerkpad 3, Dorpsveen",
)
RUUD = PersonData(
    name="Ruud Ommeren",
    birth_date=date(1975, 11, 30),
    bsn="999991036",
    address="Molenweg 27, Dorpsveen",
)
ANOUK = PersonData(
    name="Anouk Zeldenrust",
    birth_date=date(1999, 1, 8),
    bsn="999991073",
    address="Veenkade 5, Dorpsveen",
)
DEMO_PEOPLE = (KEES, FATMA, MILA, RUUD, ANOUK)


def _actor(user: User) -> Actor:
    return Actor(user=user, organisation_name=user.organisation.name, client_address="demo")


def _submission(
    meeting: Meeting,
    pseudonym: str,
    categories: list[CaseCategory],
    reason: str,
    question: str,
    *,
    identified: bool,
    children: bool = False,
    urgency: Urgency = Urgency.REGULAR,
) -> CaseSubmission:
    return CaseSubmission(
        meeting_id=meeting.id,
        pseudonym=pseudonym,
        categories=categories,
        identified=identified,
        children_involved=children,
        urgency=urgency,
        reason=reason,
        question=question,
    )


def _next_open_meeting(session: Session, series: MeetingSeries) -> Meeting:
    """The first coming meeting whose agenda deadline has not passed."""
    return session.exec(
        select(Meeting)
        .where(
            Meeting.series_id == series.id,
            Meeting.agenda_deadline >= today(),
            Meeting.status == MeetingStatus.PLANNED,
        )
        .order_by(col(Meeting.starts_at))
    ).first()


def _meeting_last_year(session: Session, series: MeetingSeries) -> Meeting:
    """A meeting held about eleven months ago, before the current recurrence began."""
    day = today() - timedelta(days=330)
    day -= timedelta(days=(day.weekday() - series.weekday) % 7)
    starts = at_local_time(day, series.start_time)
    meeting = Meeting(
        series_id=series.id,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location=series.default_location,
        status=MeetingStatus.FINISHED,
        agenda_deadline=day - timedelta(days=7),
        created_at=utcnow(),
    )
    session.add(meeting)
    session.commit()
    return meeting


def _old_anouk_case(
    session: Session, series: MeetingSeries, meeting: Meeting, user: User, crypto: CaseCrypto
) -> Case:
    """Last year's casus, closed: submitted through the use case, then moved into the past."""
    case = service.submit_case(
        session,
        series=series,
        people=[ANOUK],
        crypto=crypto,
        by=_actor(user),
        today=today(),
        details=IdentifiedFields(consent=Consent.OBTAINED, legal_basis=LegalBasis.CONSENT),
        data=_submission(
            _next_open_meeting(session, series),
            "Jonge vrouw, verslaving",
            [CaseCategory.ADDICTION],
            "Zorgen over middelengebruik en schulden.",
            "Wie kan begeleiding bieden?",
            identified=True,
        ),
    )
    held = local(meeting.starts_at).date()
    case.meeting_id, case.year, case.last_discussed_on = meeting.id, held.year, held
    case.reference = case.reference.replace(str(today().year), str(held.year))
    session.add(case)
    for item in session.exec(select(AgendaItem).where(AgendaItem.case_id == case.id)).all():
        item.meeting_id, item.title = meeting.id, f"{case.reference} {case.pseudonym}"
        session.add(item)
    session.commit()
    service.close(
        session,
        case=case,
        on=held,
        by=_actor(user),
        reason="Begeleiding door de verslavingszorg is gestart.",
    )
    return case


def seed_cases(
    session: Session, *, series: MeetingSeries, users: dict[str, User], crypto: CaseCrypto
) -> None:
    """Seven casussen in the demo overleg, as partners would bring them."""
    police, social = users["wijkagent@politie.example"], users["sociaalteam@dorpsveen.example"]
    municipality = users["beheer@dorpsveen.example"]
    housing = users["woningcorporatie@wonen.example"]
    _old_anouk_case(session, series, _meeting_last_year(session, series), social, crypto)
    meeting = _next_open_meeting(session, series)

    def identified(
        user: User,
        people: list[PersonData],
        consent: Consent,
        basis: LegalBasis,
        submission: CaseSubmission,
    ) -> Case:
        return service.submit_case(
            session,
            series=series,
            data=submission,
            people=people,
            crypto=crypto,
            details=IdentifiedFields(consent=consent, legal_basis=basis),
            by=_actor(user),
            today=today(),
        )

    kees = identified(
        police,
        [KEES],
        Consent.NOT_ASKED,
        LegalBasis.COVENANT,
        _submission(
            meeting,
            "Man met overlast, 60+",
            [CaseCategory.NUISANCE, CaseCategory.CONFUSED_BEHAVIOUR],
            "Buren melden maanden geluidsoverlast en verward gedrag; drie meldingen in vier weken.",
            "Wie kan contact leggen en beoordelen of er zorg nodig is?",
            identified=True,
        ),
    )
    mother = identified(
        social,
        [FATMA, MILA],
        Consent.OBTAINED,
        LegalBasis.CONSENT,
        _submission(
            meeting,
            "Moeder en dochter, huiselijk geweld",
            [CaseCategory.DOMESTIC_VIOLENCE],
            "Melding van huiselijk geweld door de ex-partner; moeder wil hulp.",
            "Hoe zorgen we samen voor veiligheid van moeder en kind?",
            identified=True,
            children=True,
            urgency=Urgency.CRISIS,
        ),
    )
    debts = identified(
        municipality,
        [RUUD],
        Consent.OBTAINED,
        LegalBasis.CONSENT,
        _submission(
            meeting,
            "Man met schulden, dreigende uitzetting",
            [CaseCategory.DEBT_EVICTION],
            "Huurachterstand van zes maanden; de woningcorporatie start een ontruimingsprocedure.",
            "Kan het overleg een uitzetting voorkomen?",
            identified=True,
        ),
    )
    identified(
        police,
        [ANOUK],
        Consent.NOT_ASKED,
        LegalBasis.COVENANT,
        _submission(
            meeting,
            "Jonge vrouw, opnieuw zorgen",
            [CaseCategory.ADDICTION, CaseCategory.NUISANCE],
            "Opnieuw meldingen van overlast in verband met middelengebruik.",
            "Is de eerdere begeleiding gestopt, en wie pakt dit op?",
            identified=True,
        ),
    )
    anonymised = [
        service.submit_case(
            session,
            series=series,
            people=[],
            crypto=crypto,
            by=_actor(user),
            today=today(),
            details=AnonymisedFields(age_band=band, situation=situation),
            data=_submission(
                meeting,
                pseudonym,
                [category],
                situation,
                "Wie kan een eerste gesprek voeren?",
                identified=False,
            ),
        )
        for user, pseudonym, category, band, situation in (
            (
                police,
                "Jongere, winkeldiefstallen",
                CaseCategory.YOUTH_CRIME,
                AgeBand.TEEN,
                "Een jongere wordt vaak aangehouden voor winkeldiefstal; school meldt verzuim.",
            ),
            (
                housing,
                "Oudere huurder, vervuilde woning",
                CaseCategory.HOARDING,
                AgeBand.SENIOR,
                "Bij een reparatie bleek de woning ernstig vervuild; de huurder wil geen hulp.",
            ),
        )
    ]
    demo_meeting.run_last_meeting(
        session,
        series=series,
        users=users,
        crypto=crypto,
        discussed=[kees, mother, debts, anonymised[0]],
        next_meeting=meeting,
    )
