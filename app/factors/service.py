"""Use cases of second factors: setting up and removing an authenticator app, recovery codes,
proving a factor at login or for a step-up, a beheerder's reset of lost factors, and the
re-encryption of the authenticator apps' secrets when the keys rotate."""

import hashlib
import logging
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select, update

from app import audit
from app.audit import Actor, Outcome
from app.auth.service import LOCKED_OUT
from app.cases.disclosure import Ground
from app.config import Settings
from app.db import utcnow
from app.errors import DomainError, NotFound
from app.factors import queries, totp
from app.factors.models import FactorKind, RecoveryCode, SecondFactor
from app.security import sessions, throttle
from app.security.crypto import UNREADABLE, DataCipher, open_account_secret
from app.security.passwords import verify_password
from app.security.sessions import SessionStage, UserSession, token_digest
from app.users.models import User

logger = logging.getLogger("casustafel.factors")

RECOVERY_CODE_COUNT = 10
# 16 characters of 31 (no 0/o, 1/i/l): some 79 bits, far beyond guessing even from a leaked hash.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 16
RECOVERY_SOORT = "herstelcode"
SECRET_PURPOSE = "totp-geheim"
PENDING_PURPOSE = "totp-voorlopig"
LABEL_LENGTH = 100

WRONG_CODE = (
    "Deze code klopt niet. Vul de code van zes cijfers uit uw authenticator-app in, of een "
    "ongebruikte herstelcode."
)
WRONG_SET_UP_CODE = (
    "Deze code klopt niet. Vul de code van zes cijfers in die de app nu voor Casustafel toont."
)
SET_UP_EXPIRED = "Het instellen is verlopen. Scan de nieuwe QR-code en vul de code opnieuw in."
WRONG_PASSWORD = "Dit wachtwoord klopt niet."
NO_LABEL = "Geef de app een naam, bijvoorbeeld Telefoon."
LONG_LABEL = f"Gebruik hoogstens {LABEL_LENGTH} tekens."
LAST_FACTOR = (
    "Dit is uw enige tweede factor, en een tweede factor is verplicht. Voeg eerst een andere toe "
    "en verwijder deze daarna."
)
OWN_RESET = "Uw eigen tweede factor beheert u zelf, op de pagina Tweede factor."
PASSWORD_HAS_FACTOR = "Bevestig met uw tweede factor."


@dataclass(frozen=True)
class Proof:
    """Which kind of second factor was shown, and (for a recovery code) how many are left."""

    kind: str
    recovery_codes_left: int | None = None


def actor_of(user: User, client_address: str) -> Actor:
    """The user as the actor of a factor use case (also for a login still in progress)."""
    return Actor(user=user, organisation_name=user.organisation.name, client_address=client_address)


def _typed(code: str) -> str:
    # People copy codes with spaces or dashes ("123 456", "abcd-efgh-…"): neither counts.
    return "".join(code.split()).replace("-", "").lower()


def _recovery_digest(code: str) -> str:
    # A plain hash suffices: the codes are random and long, so nothing is gained by guessing them
    # from the hash, and a digest can be looked up in one statement (argon2 would need ten).
    return hashlib.sha256(_typed(code).encode()).hexdigest()


def _user_session(session: Session, token: str) -> UserSession:
    user_session = session.get(UserSession, token_digest(token))
    if user_session is None:
        raise NotFound
    return user_session


def secret_to_set_up(session: Session, *, user: User, token: str, cipher: DataCipher) -> str:
    """The secret of the authenticator app this session is setting up: the one already kept
    (so reloading the page keeps the QR code the app scanned), else a new one."""
    user_session = _user_session(session, token)
    if user_session.pending_totp_secret:
        try:
            return open_account_secret(
                cipher,
                user_session.pending_totp_secret,
                purpose=PENDING_PURPOSE,
                row=user_session.id,
            )
        except UNREADABLE:
            pass  # under a key no longer configured: start over with a new secret
    secret = totp.new_secret()
    user_session.pending_totp_secret = cipher.encrypt(
        secret, purpose=PENDING_PURPOSE, row=user_session.id
    )
    session.add(user_session)
    session.commit()
    return secret


def _checked_label(label: str) -> str:
    label = label.strip()
    if not label:
        raise DomainError(NO_LABEL, field="label")
    if len(label) > LABEL_LENGTH:
        raise DomainError(LONG_LABEL, field="label")
    return label


def set_up_authenticator(
    session: Session,
    *,
    user: User,
    token: str,
    label: str,
    code: str,
    cipher: DataCipher,
    by: Actor,
) -> SecondFactor:
    """Save the authenticator app this session is setting up, once its first code matches; a
    login waiting for it is complete, and the user's other sessions end."""
    label = _checked_label(label)
    user_session = _user_session(session, token)
    try:
        secret = open_account_secret(
            cipher,
            user_session.pending_totp_secret or "",
            purpose=PENDING_PURPOSE,
            row=user_session.id,
        )
    except UNREADABLE as exc:
        raise DomainError(SET_UP_EXPIRED, field="code") from exc
    now = utcnow()
    step = totp.matching_step(secret, _typed(code), after=None, at=now)
    if step is None:
        raise DomainError(WRONG_SET_UP_CODE, field="code")
    factor = SecondFactor(
        user_id=user.id, kind=FactorKind.TOTP, label=label, last_used_step=step, last_used_at=now
    )
    session.add(factor)
    session.flush()
    factor.secret = cipher.encrypt(secret, purpose=SECRET_PURPOSE, row=str(factor.id))
    user_session.pending_totp_secret = None
    session.add_all([factor, user_session])
    session.flush()
    if user_session.stage == SessionStage.ENROL:
        sessions.complete_login(session, token=token)
    sessions.end_other_sessions(session, user_id=user.id, keep_token=token)
    audit.record(
        session,
        action="tweede_factor.ingesteld",
        actor=by,
        object_type="gebruiker",
        object_id=user.id,
        detail={"soort": FactorKind.TOTP.value},
    )
    session.commit()
    return factor


def _new_recovery_code() -> str:
    code = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(code[start : start + 4] for start in range(0, RECOVERY_CODE_LENGTH, 4))


def make_recovery_codes(session: Session, *, user: User, by: Actor) -> list[str]:
    """Ten new recovery codes in place of any earlier ones; only their hashes are kept, so this
    is the one time they can be shown."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_digest(c)) for c in codes)
    audit.record(
        session,
        action="tweede_factor.ingesteld",
        actor=by,
        object_type="gebruiker",
        object_id=user.id,
        detail={"soort": RECOVERY_SOORT},
    )
    session.commit()
    return codes


def _use_authenticator(session: Session, user: User, code: str, cipher: DataCipher) -> bool:
    now = utcnow()
    factors = session.exec(
        select(SecondFactor).where(
            SecondFactor.user_id == user.id, SecondFactor.kind == FactorKind.TOTP
        )
    ).all()
    for factor in factors:
        try:
            secret = open_account_secret(
                cipher, factor.secret or "", purpose=SECRET_PURPOSE, row=str(factor.id)
            )
        except UNREADABLE:
            continue
        step = totp.matching_step(secret, code, after=factor.last_used_step, at=now)
        if step is not None and _claim_step(session, factor, step):
            return True
    return False


def _claim_step(session: Session, factor: SecondFactor, step: int) -> bool:
    # Conditional, so two requests racing with the same code cannot both get in.
    claimed = session.exec(
        update(SecondFactor)
        .where(
            col(SecondFactor.id) == factor.id,
            col(SecondFactor.last_used_step).is_(None) | (col(SecondFactor.last_used_step) < step),
        )
        .values(last_used_step=step, last_used_at=utcnow())
    )
    return claimed.rowcount == 1


def _use_recovery_code(session: Session, user: User, code: str) -> bool:
    claimed = session.exec(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.user_id) == user.id,
            col(RecoveryCode.code_hash) == _recovery_digest(code),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=utcnow())
    )
    return claimed.rowcount == 1


def _proof_of(session: Session, user: User, typed: str, cipher: DataCipher) -> Proof | None:
    if totp.is_code_shaped(typed):
        used = _use_authenticator(session, user, typed, cipher)
        return Proof(FactorKind.TOTP.value) if used else None
    if _use_recovery_code(session, user, typed):
        left = queries.recovery_codes_left(session, user_id=user.id)
        return Proof(RECOVERY_SOORT, recovery_codes_left=left)
    return None


def _throttle_key(user: User) -> str:
    # Codes count apart from passwords: a correct password, which restarts the password count,
    # must not restart the count of guessed codes.
    return f"tweede-factor:{user.id}"


def _refuse_when_locked(session: Session, *, key: str, actor: Actor, action: str) -> None:
    if throttle.is_locked(session, email=key, client_address=actor.client_address or ""):
        audit.record(
            session, action=action, actor=actor, outcome=Outcome.DENIED, context="blokkade actief"
        )
        session.commit()
        raise DomainError(LOCKED_OUT, field="code")


def _register_failure(
    session: Session, *, key: str, actor: Actor, action: str, settings: Settings
) -> list[throttle.ThrottleScope]:
    locked = throttle.register_attempt(
        session,
        email=key,
        client_address=actor.client_address or "",
        succeeded=False,
        settings=settings,
    )
    audit.record(
        session,
        action=action,
        actor=actor,
        outcome=Outcome.FAILURE,
        object_type="gebruiker",
        object_id=actor.user.id if actor.user else None,
    )
    for scope in locked:
        audit.record(
            session,
            action="inloggen.blokkade",
            actor=actor,
            outcome=Outcome.DENIED,
            context=f"te veel mislukte pogingen per {scope}",
        )
    session.commit()
    return locked


def prove_second_factor(
    session: Session,
    *,
    user: User,
    token: str,
    code: str,
    cipher: DataCipher,
    settings: Settings,
    by: Actor,
    for_login: bool,
) -> Proof:
    """Check an authenticator code or a recovery code, throttled like a password: it completes
    a login waiting for it, or confirms a full session again (step-up)."""
    key = _throttle_key(user)
    _refuse_when_locked(session, key=key, actor=by, action="tweede_factor.mislukt")
    proof = _proof_of(session, user, _typed(code), cipher)
    if proof is None:
        locked = _register_failure(
            session, key=key, actor=by, action="tweede_factor.mislukt", settings=settings
        )
        raise DomainError(LOCKED_OUT if locked else WRONG_CODE, field="code")
    throttle.register_attempt(
        session,
        email=key,
        client_address=by.client_address or "",
        succeeded=True,
        settings=settings,
    )
    used = "herstelcode.gebruikt" if proof.kind == RECOVERY_SOORT else "tweede_factor.gebruikt"
    _record_proof(session, action=used, user=user, by=by, kind=proof.kind)
    if for_login:
        sessions.complete_login(session, token=token)
    else:
        sessions.confirm(session, token=token)
        _record_proof(session, action="bevestiging", user=user, by=by, kind=proof.kind)
    session.commit()
    return proof


def _record_proof(session: Session, *, action: str, user: User, by: Actor, kind: str) -> None:
    audit.record(
        session,
        action=action,
        actor=by,
        object_type="gebruiker",
        object_id=user.id,
        detail={"soort": kind},
    )


def confirm_with_password(
    session: Session, *, user: User, token: str, password: str, settings: Settings, by: Actor
) -> None:
    """Step-up for an account without a second factor (only while none is required): the
    password again, throttled like a login."""
    if queries.has_second_factor(session, user_id=user.id):
        raise DomainError(PASSWORD_HAS_FACTOR, field="password")
    _refuse_when_locked(session, key=user.email, actor=by, action="bevestiging")
    if not verify_password(password, user.password_hash):
        locked = _register_failure(
            session, key=user.email, actor=by, action="bevestiging", settings=settings
        )
        raise DomainError(LOCKED_OUT if locked else WRONG_PASSWORD, field="password")
    sessions.confirm(session, token=token)
    _record_proof(session, action="bevestiging", user=user, by=by, kind="wachtwoord")
    session.commit()


def remove_factor(
    session: Session, *, user: User, factor_id: int, settings: Settings, by: Actor
) -> str:
    """Remove one of the user's own factors; the last one only while none is required (and
    then the recovery codes go with it: they stand in for a factor there no longer is)."""
    factors = queries.factors_of(session, user_id=user.id)
    factor = next((f for f in factors if f.id == factor_id), None)
    if factor is None:
        raise NotFound
    is_last = len(factors) == 1
    if is_last and settings.second_factor_required:
        raise DomainError(LAST_FACTOR)
    session.delete(factor)
    if is_last:
        session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    audit.record(
        session,
        action="tweede_factor.verwijderd",
        actor=by,
        object_type="gebruiker",
        object_id=user.id,
        detail={"soort": factor.kind.value},
    )
    label = factor.label
    session.commit()
    return label


def reset_factors(session: Session, *, user: User, by: Actor) -> None:
    """A beheerder removes someone's lost factors and recovery codes and ends their sessions;
    at the next login they set a factor up again (where one is required)."""
    if by.user is not None and by.user.id == user.id:
        raise DomainError(OWN_RESET)
    session.execute(delete(SecondFactor).where(col(SecondFactor.user_id) == user.id))
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    sessions.end_sessions(session, user_ids=[user.id])
    audit.record(
        session,
        action="tweede_factor.hersteld_door_beheerder",
        actor=by,
        object_type="gebruiker",
        object_id=user.id,
    )
    session.commit()


@dataclass(frozen=True)
class RotationCount:
    """What a key rotation did to the accounts' secrets: authenticator apps and set-ups in
    progress re-encrypted, apps left as they were because their secret did not open, and set-ups
    stopped for that reason."""

    authenticators: int
    set_ups: int
    unreadable: int
    set_ups_stopped: int


def _resealed(cipher: DataCipher, token: str, *, purpose: str, row: str) -> str:
    """The same secret, bound to the same purpose and row, under the newest key."""
    secret = open_account_secret(cipher, token, purpose=purpose, row=row)
    return cipher.encrypt(secret, purpose=purpose, row=row)


def _rotate_authenticators(session: Session, cipher: DataCipher) -> tuple[int, int]:
    rotated = unreadable = 0
    for factor in queries.authenticator_apps(session):
        token = factor.secret or ""
        if cipher.is_current(token):
            continue
        try:
            sealed = _resealed(cipher, token, purpose=SECRET_PURPOSE, row=str(factor.id))
        except UNREADABLE as error:
            logger.warning(
                "Authenticator-app %s van gebruiker %s: geheim kan niet worden ontsleuteld (%s)",
                factor.id,
                factor.user_id,
                type(error).__name__,
            )
            unreadable += 1
            continue
        # Only the secret, and only if unchanged: a login claiming a code meanwhile is kept,
        # and an app removed meanwhile is not counted.
        rewritten = session.exec(
            update(SecondFactor)
            .where(col(SecondFactor.id) == factor.id, col(SecondFactor.secret) == token)
            .values(secret=sealed)
        )
        rotated += rewritten.rowcount
    return rotated, unreadable


def _rotate_set_ups(session: Session, cipher: DataCipher) -> tuple[int, int]:
    rotated = stopped = 0
    for session_id, token in queries.set_ups_in_progress(session):
        if cipher.is_current(token):
            continue
        try:
            sealed: str | None = _resealed(cipher, token, purpose=PENDING_PURPOSE, row=session_id)
        except UNREADABLE:
            # It can never open again, and stopping it loses nothing: the set-up page makes a
            # new secret and the user scans the new QR code.
            sealed = None
        rewritten = session.exec(
            update(UserSession)
            .where(col(UserSession.id) == session_id, col(UserSession.pending_totp_secret) == token)
            .values(pending_totp_secret=sealed)
        )
        if sealed is None:
            stopped += rewritten.rowcount
        else:
            rotated += rewritten.rowcount
    return rotated, stopped


def rotate_secrets(session: Session, *, cipher: DataCipher, actor: Actor) -> RotationCount:
    """Re-encrypt every authenticator app's secret (and that of every set-up in progress) not in
    the current format under the newest key, in one transaction, logged as one event. An app whose
    secret does not open is left as it is (`queries.not_rotated` finds it); a set-up whose secret
    does not open is stopped."""
    authenticators, unreadable = _rotate_authenticators(session, cipher)
    set_ups, stopped = _rotate_set_ups(session, cipher)
    count = RotationCount(authenticators, set_ups, unreadable, stopped)
    audit.record(
        session,
        action="tweede_factor.geheimen_geroteerd",
        actor=actor,
        context=Ground.KEY_ROTATION,
        detail={
            "authenticator-apps": authenticators,
            "onleesbaar": unreadable,
            "instellingen": set_ups,
            "instellingen_gestopt": stopped,
        },
    )
    session.commit()
    return count
