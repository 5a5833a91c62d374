"""The reminders' e-mails: counts, a date and links, nothing else (DOMAIN.md rule 12)."""

from datetime import date

from app.dates import long_date
from app.overleg.invitations import SIGNATURE, MailContext
from app.overleg.models import Meeting
from app.reminders.queries import DIGEST_HORIZON, TaskCounts

DIGEST_SUBJECT = "Uw acties in Casustafel: overzicht van deze week"
MINUTES_SUBJECT = "Herinnering: verslag nog niet vastgesteld"


def _link(mail: MailContext, path: str) -> str:
    return mail.base_url.rstrip("/") + path


def _tally(overdue: int, due_soon: int) -> str:
    return f"{overdue} te laat, {due_soon} binnen {DIGEST_HORIZON.days} dagen"


def weekly_digest(counts: TaskCounts, *, mail: MailContext) -> str:
    """The body of a person's weekly digest."""
    return (
        "Dit is uw wekelijkse overzicht van open acties die te laat zijn of binnen "
        f"{DIGEST_HORIZON.days} dagen klaar moeten zijn.\n\n"
        f"Op uw naam: {_tally(counts.own_overdue, counts.own_due_soon)}.\n"
        "Voor uw organisatie, zonder persoon: "
        f"{_tally(counts.organisation_overdue, counts.organisation_due_soon)}.\n\n"
        f"Bekijk ze en meld ze gereed in Casustafel: {_link(mail, '/acties')}\n\n"
        "Wilt u dit overzicht niet meer ontvangen? Zet het uit bij Mijn account: "
        f"{_link(mail, '/account')}{SIGNATURE}"
    )


def minutes_overdue(
    meeting: Meeting, *, day: date, deadline: date, working_days: int, mail: MailContext
) -> str:
    """The body of the reminder that a meeting's verslag is still not vastgesteld."""
    path = f"/overleggen/{meeting.series_id}/bijeenkomsten/{meeting.id}/verslag"
    return (
        f"Het verslag van de bijeenkomst van {long_date(day)} is nog niet vastgesteld. "
        f"De afspraak is: binnen {working_days} werkdagen, dus uiterlijk {long_date(deadline)}."
        f"\n\nStel het verslag vast in Casustafel: {_link(mail, path)}{SIGNATURE}"
    )
