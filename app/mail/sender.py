"""Delivering the outbox over SMTP, apart from any request; safe with several app processes."""

import contextlib
import functools
import logging
import secrets
import smtplib
import ssl
import threading
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage, Message
from email.utils import format_datetime, parseaddr
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select, update

from app.config import Settings
from app.db import AMSTERDAM, utcnow
from app.mail.models import OutboxMessage, OutboxStatus
from app.ops import metrics

logger = logging.getLogger("casustafel.mail")

SMTP_TIMEOUT = 30.0
# A conversation is a handful of SMTP commands of at most SMTP_TIMEOUT each, so a claim only
# runs out when its process has really died; only then may another process send the message.
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(hours=1)
SECRET_REMOVED = "[Verwijderd: dit bericht bevatte een eenmalige link.]"


def deliver_due(
    engine: Engine,
    settings: Settings,
    *,
    now: datetime | None = None,
    batch: int = 20,
    stop: threading.Event | None = None,
) -> int:
    """Send the pending e-mails that are due (at most `batch`, and none after `stop` is set:
    the one being sent is finished and recorded first); how many were sent."""
    sent = 0
    for message_id in _due_ids(engine, now=now or utcnow(), batch=batch):
        if stop is not None and stop.is_set():
            break
        # The clock is read per message: a long batch must not shorten the later leases.
        if _deliver_one(engine, settings, message_id=message_id, now=now or utcnow()):
            sent += 1
    if sent:
        logger.info("%d e-mail(s) verzonden", sent)
    return sent


def run_worker(
    engine: Engine,
    settings: Settings,
    *,
    stop: threading.Event,
    interval: float = 15.0,
    jobs: Sequence[Callable[[], object]] = (),
) -> None:
    """Every interval run the jobs, then deliver due mail, until `stop` is set (the step under
    way is finished, the rest skipped)."""
    delivery = functools.partial(deliver_due, engine, settings, stop=stop)
    steps = [*jobs, metrics.counted_job("deliver_due", delivery)]
    while not stop.is_set():
        for step in steps:
            if stop.is_set():
                break
            _run_guarded(step)
        stop.wait(interval)


def _is_due(now: datetime) -> ColumnElement[bool]:
    claimed_until = col(OutboxMessage.claimed_until)
    return and_(
        col(OutboxMessage.status) == OutboxStatus.PENDING,
        col(OutboxMessage.next_attempt_at) <= now,
        or_(claimed_until.is_(None), claimed_until < now),
    )


def _due_ids(engine: Engine, *, now: datetime, batch: int) -> list[int]:
    statement = (
        select(col(OutboxMessage.id))
        .where(_is_due(now))
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(batch)
    )
    with Session(engine) as session:
        return [message_id for message_id in session.exec(statement) if message_id is not None]


def _deliver_one(engine: Engine, settings: Settings, *, message_id: int, now: datetime) -> bool:
    """Claim, send and record one message; True when this call sent it."""
    claimed = _claim(engine, message_id=message_id, now=now)
    if claimed is None:
        return False
    token, message = claimed
    # No transaction is open here: the SMTP conversation never holds a database lock.
    try:
        _send(_build_email(message, settings), settings)
    except Exception as error:
        _record_failure(engine, message=message, token=token, now=now, error=error)
        return False
    _finish(
        engine,
        message_id=message_id,
        token=token,
        status=OutboxStatus.SENT,
        sent_at=now,
        **_without_secret(message),
    )
    return True


def _without_secret(message: OutboxMessage) -> dict[str, str]:
    """The values that blank a one-time link once the message is done with (sent or given up)."""
    return {"body_text": SECRET_REMOVED} if message.secret else {}


def _claim(engine: Engine, *, message_id: int, now: datetime) -> tuple[str, OutboxMessage] | None:
    """Take the message in a short transaction of its own; None when another process has it."""
    token = secrets.token_hex(16)
    claim = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, _is_due(now))
        .values(claim_token=token, claimed_until=now + LEASE)
    )
    with Session(engine, expire_on_commit=False) as session, session.begin():
        if session.exec(claim).rowcount != 1:
            return None
        message = session.get_one(OutboxMessage, message_id)
    return token, message


def _finish(engine: Engine, *, message_id: int, token: str, **values: Any) -> None:
    """Store the outcome and release the claim, if the claim is still ours."""
    statement = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.claim_token) == token)
        .values(claim_token=None, claimed_until=None, **values)
    )
    with Session(engine) as session, session.begin():
        if session.exec(statement).rowcount != 1:
            logger.warning("Claim op bericht %s was verlopen bij het vastleggen", message_id)


def _record_failure(
    engine: Engine, *, message: OutboxMessage, token: str, now: datetime, error: Exception
) -> None:
    """Count the attempt and schedule the next one, or give up after MAX_ATTEMPTS."""
    assert message.id is not None
    attempts = message.attempts + 1
    reason = describe_error(error)
    metrics.outbox_send_failed()
    gave_up = attempts >= MAX_ATTEMPTS
    if gave_up:
        logger.error("Bericht %s opgegeven na %d pogingen: %s", message.id, attempts, reason)
    else:
        logger.warning("Bericht %s niet verzonden (poging %d): %s", message.id, attempts, reason)
    _finish(
        engine,
        message_id=message.id,
        token=token,
        status=OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING,
        attempts=attempts,
        last_error=reason,
        next_attempt_at=now + backoff(attempts),
        **(_without_secret(message) if gave_up else {}),
    )


def backoff(attempts: int) -> timedelta:
    """The wait after the given number of failed attempts: 1, 2, 4, 8 … minutes, at most an hour."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 10)), MAX_BACKOFF)


def describe_error(error: BaseException) -> str:
    """The exception class and SMTP code: never the server's text, which may quote the address."""
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{name} {error.smtp_code}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _text in error.recipients.values()})
        return " ".join([name, *map(str, codes)])
    if isinstance(error, OSError) and error.errno is not None:
        return f"{name} errno {error.errno}"
    return name


def _build_email(message: OutboxMessage, settings: Settings) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(datetime.now(AMSTERDAM))
    email["Message-ID"] = _message_id(message, settings)
    # Keeps out-of-office replies and other auto-responders from answering the outbox.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text, charset="utf-8")
    if message.attachment is not None:
        _attach(email, message)
    return email


def _message_id(message: OutboxMessage, settings: Settings) -> str:
    # The same id on every attempt, so a message sent again after a lost claim is recognisable.
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "casustafel.invalid"
    return f"<outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"


def _attach(email: EmailMessage, message: OutboxMessage) -> None:
    """Attach the stored text with its own content type, e.g. text/calendar; method=CANCEL."""
    content_type = Message()
    content_type["Content-Type"] = message.attachment_content_type or "text/plain"
    params = {key: value for key, value in content_type.get_params()[1:] if key != "charset"}
    email.add_attachment(
        message.attachment,
        subtype=content_type.get_content_subtype(),
        charset="utf-8",
        filename=message.attachment_filename or "bijlage.txt",
        params=params,
    )


def _send(email: EmailMessage, settings: Settings) -> None:
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    try:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(email)
    finally:
        # Once the server accepted the message it is sent: a failing QUIT must not cause a resend.
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()
        smtp.close()


def _run_guarded(job: Callable[[], object]) -> None:
    """Run one job; log a failure by class and code location only, and carry on."""
    try:
        job()
    except Exception as error:
        frames = "".join(traceback.format_tb(error.__traceback__)).rstrip()
        logger.error("Taak %s mislukt: %s\n%s", _job_name(job), type(error).__name__, frames)


def _job_name(job: Callable[[], object]) -> str:
    target = job.func if isinstance(job, functools.partial) else job
    return str(getattr(target, "__qualname__", type(target).__name__))
