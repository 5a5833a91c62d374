"""Passkeys (WebAuthn) as a second factor: adding one, and proving one at login or step-up.
The ceremony's challenge waits with the session, is used once and expires after five minutes;
an authenticator's counter that goes backwards (a cloned key, a replayed answer) is refused."""

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select, update
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    bytes_to_base64url,
    parse_authentication_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app import audit
from app.audit import Actor, Outcome
from app.config import Settings
from app.db import utcnow
from app.errors import DomainError
from app.factors import queries
from app.factors.models import (
    CREDENTIAL_ID_LENGTH,
    PUBLIC_KEY_LENGTH,
    FactorKind,
    SecondFactor,
)
from app.security import sessions
from app.security.sessions import SessionStage, UserSession, token_digest
from app.users.models import User

RELYING_PARTY_NAME = "Casustafel"
CHALLENGE_LIFETIME = timedelta(minutes=5)
# What a malformed answer from the browser may raise besides the library's own refusals.
UNREADABLE = (WebAuthnException, ValueError, TypeError, KeyError)

NO_CHALLENGE = "Deze poging is verlopen of al gebruikt. Probeer het opnieuw."
REFUSED = (
    "Deze passkey werd niet geaccepteerd. Probeer het opnieuw, of gebruik een andere manier om "
    "in te loggen."
)
NOT_ADDED = "De passkey kon niet worden toegevoegd. Probeer het opnieuw."
ALREADY_ADDED = "Deze passkey is al toegevoegd."
NO_PASSKEY = "U heeft nog geen passkey. Gebruik een andere manier om in te loggen."


class PasskeyRefused(DomainError):
    """The passkey ceremony failed: no or a spent challenge, or an answer that does not verify."""


@dataclass(frozen=True)
class RelyingParty:
    """Where passkeys belong: the domain (relying party id) and the origins they are used from."""

    id: str
    origins: list[str]

    @classmethod
    def from_settings(cls, settings: Settings) -> "RelyingParty | None":
        """The configured relying party; None when the settings give no usable domain."""
        if settings.passkey_rp_id is None:
            return None
        return cls(id=settings.passkey_rp_id, origins=settings.passkey_origins)


def registration_options(
    session: Session, *, user: User, token: str, relying_party: RelyingParty
) -> str:
    """The options (JSON) for navigator.credentials.create(); the challenge waits with the
    session."""
    options = generate_registration_options(
        rp_id=relying_party.id,
        rp_name=RELYING_PARTY_NAME,
        user_name=user.email,
        user_id=_user_handle(user),
        user_display_name=user.name,
        timeout=_timeout_ms(),
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(session, user_id=user.id),
    )
    _keep_challenge(session, token=token, challenge=options.challenge)
    session.commit()
    return options_to_json(options)


def authentication_options(
    session: Session, *, user: User, token: str, relying_party: RelyingParty
) -> str:
    """The options (JSON) for navigator.credentials.get() with the account's passkeys; the
    challenge waits with the session."""
    allowed = _descriptors(session, user_id=user.id)
    if not allowed:
        raise PasskeyRefused(NO_PASSKEY)
    options = generate_authentication_options(
        rp_id=relying_party.id,
        timeout=_timeout_ms(),
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _keep_challenge(session, token=token, challenge=options.challenge)
    session.commit()
    return options_to_json(options)


def add_passkey(
    session: Session,
    *,
    user: User,
    token: str,
    stage: SessionStage,
    label: str,
    credential: str,
    relying_party: RelyingParty,
    by: Actor,
) -> SecondFactor:
    """Verify the new passkey and keep it; the account's other sessions end, and a login that
    waited for a second factor to be set up is complete."""
    challenge = _take_challenge(session, token=token)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=relying_party.id,
            expected_origin=relying_party.origins,
        )
    except UNREADABLE as exc:
        session.commit()  # the challenge is spent
        raise PasskeyRefused(NOT_ADDED) from exc
    factor = SecondFactor(
        user_id=user.id,
        kind=FactorKind.PASSKEY,
        label=label,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count,
    )
    _refuse_unstorable(session, factor)
    session.add(factor)
    sessions.end_other_sessions(session, user_id=user.id, keep_token=token)
    if stage == SessionStage.ENROL:
        sessions.complete_login(session, token=token)
    _record_and_commit(session, action="tweede_factor.ingesteld", user=user, by=by)
    return factor


def prove_with_passkey(
    session: Session,
    *,
    user: User,
    token: str,
    credential: str,
    relying_party: RelyingParty,
    by: Actor,
    for_login: bool,
) -> None:
    """The passkey as the login's second factor (the session opens the app) or as a fresh
    confirmation (step-up) for the dangerous actions."""
    _check_assertion(
        session, user=user, token=token, credential=credential, relying_party=relying_party, by=by
    )
    if for_login:
        sessions.complete_login(session, token=token)
    else:
        sessions.confirm(session, token=token)
    action = "tweede_factor.gebruikt" if for_login else "bevestiging"
    _record_and_commit(session, action=action, user=user, by=by)


def _record_and_commit(
    session: Session, *, action: str, user: User, by: Actor, outcome: Outcome = Outcome.SUCCESS
) -> None:
    """Audit what happened with a passkey, and commit the use case."""
    audit.record(
        session,
        action=action,
        actor=by,
        outcome=outcome,
        object_type="gebruiker",
        object_id=user.id,
        detail={"soort": FactorKind.PASSKEY.value},
    )
    session.commit()


def _check_assertion(
    session: Session,
    *,
    user: User,
    token: str,
    credential: str,
    relying_party: RelyingParty,
    by: Actor,
) -> None:
    """Verify the answer to the session's challenge against the user's passkey and move its
    counter on; a refusal is audited and committed (the challenge is spent)."""
    try:
        challenge = _take_challenge(session, token=token)
        answer = parse_authentication_credential_json(credential)
        factor = _passkey(session, user_id=user.id, credential_id=bytes_to_base64url(answer.raw_id))
        if factor is None or factor.public_key is None:
            raise PasskeyRefused(REFUSED)
        verified = verify_authentication_response(
            credential=answer,
            expected_challenge=challenge,
            expected_rp_id=relying_party.id,
            expected_origin=relying_party.origins,
            credential_public_key=base64url_to_bytes(factor.public_key),
            credential_current_sign_count=factor.sign_count,
        )
    except (PasskeyRefused, *UNREADABLE) as exc:
        _record_and_commit(
            session, action="tweede_factor.mislukt", user=user, by=by, outcome=Outcome.FAILURE
        )
        raise PasskeyRefused(exc.message if isinstance(exc, PasskeyRefused) else REFUSED) from exc
    factor.sign_count = verified.new_sign_count
    factor.last_used_at = utcnow()
    session.add(factor)


def _user_handle(user: User) -> bytes:
    # The same handle for every passkey of an account: an authenticator keeps one per account.
    return f"casustafel-{user.id}".encode()


def _timeout_ms() -> int:
    return int(CHALLENGE_LIFETIME.total_seconds() * 1000)


def _descriptors(session: Session, *, user_id: int) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))
        for credential_id in queries.passkey_credential_ids(session, user_id=user_id)
    ]


def _passkey(session: Session, *, user_id: int, credential_id: str) -> SecondFactor | None:
    return session.exec(
        select(SecondFactor).where(
            SecondFactor.user_id == user_id,
            SecondFactor.kind == FactorKind.PASSKEY,
            SecondFactor.credential_id == credential_id,
        )
    ).first()


def _refuse_unstorable(session: Session, factor: SecondFactor) -> None:
    too_long = len(factor.credential_id or "") > CREDENTIAL_ID_LENGTH or (
        len(factor.public_key or "") > PUBLIC_KEY_LENGTH
    )
    if too_long:
        session.commit()  # the challenge is spent
        raise PasskeyRefused(NOT_ADDED)
    known = session.exec(
        select(SecondFactor.id).where(SecondFactor.credential_id == factor.credential_id)
    ).first()
    if known is not None:
        session.commit()
        raise PasskeyRefused(ALREADY_ADDED)


def _keep_challenge(session: Session, *, token: str, challenge: bytes) -> None:
    session.execute(
        update(UserSession)
        .where(col(UserSession.id) == token_digest(token))
        .values(
            passkey_challenge=bytes_to_base64url(challenge),
            passkey_challenge_expires_at=utcnow() + CHALLENGE_LIFETIME,
        )
    )


def _take_challenge(session: Session, *, token: str) -> bytes:
    """The session's challenge, spent now (the caller commits); refused when there is none or
    it has expired. The conditional update lets only one of two simultaneous answers have it."""
    digest = token_digest(token)
    waiting = session.exec(
        select(UserSession.passkey_challenge, UserSession.passkey_challenge_expires_at).where(
            UserSession.id == digest
        )
    ).first()
    if waiting is None or waiting[0] is None or waiting[1] is None:
        raise PasskeyRefused(NO_CHALLENGE)
    challenge, expires_at = waiting
    spent = session.execute(
        update(UserSession)
        .where(col(UserSession.id) == digest, col(UserSession.passkey_challenge) == challenge)
        .values(passkey_challenge=None, passkey_challenge_expires_at=None)
    )
    if spent.rowcount != 1 or expires_at < utcnow():
        raise PasskeyRefused(NO_CHALLENGE)
    return base64url_to_bytes(challenge)
