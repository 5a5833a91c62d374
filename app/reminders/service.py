"""Reminders put in the outbox by the worker: each person's weekly digest of tasks due or
overdue, and a reminder to chair and secretary when a verslag is late.

Each reminder is claimed by inserting its unique ReminderSent row and is committed with its
e-mail on its own: of several app processes running the same job, the one whose insert fails
rolls back only that claim and goes on with the next.
"""

from datetime import date, time, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.mail import service as mail_service
from app.overleg import schedule
from app.overleg.invitations import MailContext
from app.reminders import mails, queries
from app.reminders.models import ReminderKind, ReminderSent


def iso_week(day: date) -> str:
    """The ISO week a day lies in, as '2026-W49': the period of a weekly digest."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _claim(session: Session, reminder: ReminderSent) -> bool:
    session.add(reminder)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()  # another process sent it
        return False
    return True


def enqueue_weekly_digests(
    session: Session, *, today: date, weekday: int, mail: MailContext
) -> int:
    """On the digest weekday, put each person's digest in the outbox, once per ISO week;
    how many."""
    if today.weekday() != weekday:
        return 0
    period = iso_week(today)
    sent = 0
    for digest in queries.due_digests(session, today=today, period=period):
        claim = ReminderSent(kind=ReminderKind.WEEKLY_DIGEST, user_id=digest.user_id, period=period)
        if _claim(session, claim):
            body = mails.weekly_digest(digest.counts, mail=mail)
            mail_service.enqueue(session, to=digest.email, subject=mails.DIGEST_SUBJECT, body=body)
            session.commit()
            sent += 1
    return sent


def enqueue_minutes_reminders(
    session: Session, *, today: date, target_working_days: int, mail: MailContext
) -> int:
    """Remind the chairs and secretary of each finished meeting whose verslag is still not
    vastgesteld when its target has passed, once per meeting; how many e-mails."""
    # The target's working days span at least as many calendar days: a cheap first cut.
    held_before = schedule.at_local_time(today - timedelta(days=target_working_days), time.min)
    sent = 0
    for meeting in queries.unreminded_finished_meetings(session, held_before=held_before):
        day = schedule.local(meeting.starts_at).date()
        deadline = schedule.working_days_after(day, target_working_days)
        if today <= deadline:
            continue
        if _claim(session, ReminderSent(kind=ReminderKind.MINUTES_OVERDUE, meeting_id=meeting.id)):
            sent += mail_service.enqueue_many(
                session,
                recipients=queries.minutes_keepers(session, series_id=meeting.series_id),
                subject=mails.MINUTES_SUBJECT,
                body=mails.minutes_overdue(
                    meeting,
                    day=day,
                    deadline=deadline,
                    working_days=target_working_days,
                    mail=mail,
                ),
            )
            session.commit()
    return sent
