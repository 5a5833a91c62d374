"""Pages for managing users (beheerder only)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.audit import Actor
from app.db import SessionDep, utcnow
from app.errors import DomainError
from app.flash import flash
from app.invitations import queries as invitation_queries
from app.invitations import service as invitation_service
from app.invitations.models import LinkPurpose
from app.organisations import service as organisation_service
from app.overleg.invitations import MailContext
from app.security.deps import AccountManager, Confirmed, CurrentActor
from app.users import service
from app.users.deps import UserDep
from app.users.models import ROLE_LABELS, User, UserCreate, UserUpdate
from app.web import (
    FormErrors,
    FormValues,
    domain_errors,
    form_body,
    redirect,
    render,
    run_form,
    with_unchecked_boxes,
)

router = APIRouter(prefix="/gebruikers")

ROLE_FIELDS = tuple(ROLE_LABELS)


def _form(
    request: Request,
    session: Session,
    values: dict[str, Any],
    errors: FormErrors,
    *,
    user: User | None = None,
) -> Response:
    return render(
        request,
        "users/form.html",
        {
            "values": values,
            "errors": errors,
            "user_id": user.id if user else None,
            "awaiting_admission": user is not None and user.awaiting_admission,
            "login_link": _login_link(user),
            "organisation_options": [
                (organisation.id, organisation.name)
                for organisation in organisation_service.list_organisations(
                    session, only_active=True
                )
            ],
            "roles": ROLE_LABELS,
        },
        status_code=422 if errors else 200,
    )


def _login_link(user: User | None) -> LinkPurpose | None:
    """The link the beheerder can send this account: an invitation until it has a password."""
    if user is None or user.awaiting_admission or not service.is_active(user):
        return None
    return LinkPurpose.PASSWORD_RESET if user.password_hash else LinkPurpose.INVITATION


@router.get("")
def user_list(request: Request, session: SessionDep, _: AccountManager) -> Response:
    now = utcnow()
    invited = {
        user_id: until > now
        for user_id, until in invitation_queries.invitations_until(session).items()
    }
    return render(
        request, "users/list.html", {"users": service.list_users(session), "invited": invited}
    )


@router.get("/nieuw")
def new_user(
    request: Request, session: SessionDep, _: AccountManager, _confirmed: Confirmed
) -> Response:
    return _form(request, session, {"is_participant": True}, {})


@router.post("/nieuw", openapi_extra=form_body(UserCreate))
def create_user(
    request: Request,
    session: SessionDep,
    _: AccountManager,
    _confirmed: Confirmed,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    form = with_unchecked_boxes(form, *ROLE_FIELDS)
    created, errors = run_form(
        UserCreate,
        form,
        lambda data: invitation_service.invite_user(
            session, data=data, by=actor, mail=MailContext.of(request.app.state.settings)
        ),
    )
    if created is not None:
        flash(request, f"Account voor {created.name} aangemaakt. De uitnodiging is verstuurd.")
        return redirect(request, "/gebruikers")
    return _form(request, session, form, errors)


@router.get("/{user_id}")
def edit_user(
    request: Request, session: SessionDep, user: UserDep, _confirmed: Confirmed
) -> Response:
    return _form(request, session, user.model_dump(), {}, user=user)


@router.post("/{user_id}", openapi_extra=form_body(UserUpdate))
def update_user(
    request: Request,
    session: SessionDep,
    user: UserDep,
    _confirmed: Confirmed,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    form = with_unchecked_boxes(form, *ROLE_FIELDS, "active")
    admitting = user.awaiting_admission
    _, errors = run_form(
        UserUpdate, form, lambda data: service.update_user(session, user=user, data=data, by=actor)
    )
    if not errors:
        done = "toegelaten" if admitting else "opgeslagen"
        flash(request, f"Account van {user.name} {done}.")
        return redirect(request, "/gebruikers")
    return _form(request, session, form, errors, user=user)


LINK_SENT = {
    LinkPurpose.INVITATION: "Nieuwe uitnodiging verstuurd aan {name}.",
    LinkPurpose.PASSWORD_RESET: "Link voor een nieuw wachtwoord verstuurd aan {name}.",
}


def _send_link(
    request: Request, session: Session, user: User, actor: Actor, purpose: LinkPurpose
) -> Response:
    try:
        invitation_service.send_link(
            session,
            user=user,
            purpose=purpose,
            by=actor,
            mail=MailContext.of(request.app.state.settings),
        )
    except DomainError as exc:
        return _form(request, session, user.model_dump(), domain_errors(exc), user=user)
    flash(request, LINK_SENT[purpose].format(name=user.name))
    return redirect(request, f"/gebruikers/{user.id}")


@router.post("/{user_id}/uitnodiging", openapi_extra=form_body())
def send_invitation(
    request: Request,
    session: SessionDep,
    user: UserDep,
    _confirmed: Confirmed,
    actor: CurrentActor,
) -> Response:
    return _send_link(request, session, user, actor, LinkPurpose.INVITATION)


@router.post("/{user_id}/wachtwoordherstel", openapi_extra=form_body())
def send_password_reset(
    request: Request,
    session: SessionDep,
    user: UserDep,
    _confirmed: Confirmed,
    actor: CurrentActor,
) -> Response:
    return _send_link(request, session, user, actor, LinkPurpose.PASSWORD_RESET)
