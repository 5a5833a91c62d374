"""Every table model, imported once: the one registry for the app and for Alembic."""

from app.agenda.models import AgendaItem
from app.attendance.models import AttendanceIntention, ConfidentialityDeclaration
from app.audit import AuditEvent
from app.cases.models import Case, CaseEvent, CasePerson
from app.contacts.models import ContactCard
from app.covenants.models import (
    Covenant,
    CovenantDocument,
    CovenantSignature,
    CovenantVersion,
    DeclarationText,
)
from app.factors.models import RecoveryCode, SecondFactor
from app.flash import FlashMessage
from app.invitations.models import AccountLink
from app.mail.models import OutboxMessage
from app.meetings.models import ItemAbsence, ItemContribution, ItemRecord, MeetingAttendance
from app.minutes.models import MinutesDocument, MinutesSnapshot, MinutesVersion
from app.organisations.models import Organisation
from app.overleg.models import (
    CalendarFeedToken,
    Meeting,
    MeetingSeries,
    SeriesMember,
    SeriesOrganisation,
)
from app.reminders.models import ReminderSent
from app.retention.models import RetentionPurge
from app.rights.models import OverviewRedaction, RightsRequest
from app.security.sessions import UserSession
from app.security.throttle import LoginAttempt, LoginLockout
from app.sso.models import SsoAttempt, SsoLink
from app.tasks.models import Task
from app.users.models import User

__all__ = [
    "AccountLink",
    "AgendaItem",
    "AttendanceIntention",
    "AuditEvent",
    "CalendarFeedToken",
    "Case",
    "CaseEvent",
    "CasePerson",
    "ConfidentialityDeclaration",
    "ContactCard",
    "Covenant",
    "CovenantDocument",
    "CovenantSignature",
    "CovenantVersion",
    "DeclarationText",
    "FlashMessage",
    "ItemAbsence",
    "ItemContribution",
    "ItemRecord",
    "LoginAttempt",
    "LoginLockout",
    "Meeting",
    "MeetingAttendance",
    "MeetingSeries",
    "MinutesDocument",
    "MinutesSnapshot",
    "MinutesVersion",
    "Organisation",
    "OutboxMessage",
    "OverviewRedaction",
    "RecoveryCode",
    "ReminderSent",
    "RetentionPurge",
    "RightsRequest",
    "SecondFactor",
    "SeriesMember",
    "SeriesOrganisation",
    "SsoAttempt",
    "SsoLink",
    "Task",
    "User",
    "UserSession",
]
