"""Following a one-time link (invitation, reset) and asking for one ('wachtwoord vergeten')."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.auth.routes import signed_in_response
from app.db import SessionDep
from app.errors import DomainError
from app.flash import flash, for_new_session
from app.invitations import service
from app.invitations.mails import PATHS
from app.invitations.models import LinkPurpose, NewPassword
from app.overleg.invitations import MailContext
from app.security.deps import client_address
from app.security.passwords import MIN_PASSWORD_LENGTH
from app.security.sessions import SESSION_COOKIE
from app.web import TEXT, FormErrors, FormValues, domain_errors, form_body, render, run_form

router = APIRouter()

PASSWORD_SET = {
    LinkPurpose.INVITATION: "Uw wachtwoord is ingesteld. Welkom bij Casustafel.",
    LinkPurpose.PASSWORD_RESET: "Uw wachtwoord is gewijzigd. U bent op andere apparaten uitgelogd.",
}
MAX_EMAIL_LENGTH = 254


def _link_not_valid(request: Request, purpose: LinkPurpose) -> Response:
    return render(request, "invitations/link_not_valid.html", {"purpose": purpose}, status_code=410)


def _password_form(
    request: Request, *, purpose: LinkPurpose, token: str, name: str, errors: FormErrors
) -> Response:
    return render(
        request,
        "invitations/set_password.html",
        {
            "purpose": purpose,
            "action": f"{PATHS[purpose]}/{token}",
            "name": name,
            "errors": errors,
            "min_password_length": MIN_PASSWORD_LENGTH,
        },
        status_code=422 if errors else 200,
    )


def _show_link(request: Request, session: SessionDep, token: str, purpose: LinkPurpose) -> Response:
    try:
        user = service.open_link(session, token=token, purpose=purpose)
    except service.LinkNotValid:
        return _link_not_valid(request, purpose)
    return _password_form(request, purpose=purpose, token=token, name=user.name, errors={})


def _use_link(
    request: Request, session: SessionDep, form: FormValues, token: str, purpose: LinkPurpose
) -> Response:
    try:
        user = service.open_link(session, token=token, purpose=purpose)
        logged_in, errors = run_form(
            NewPassword,
            form,
            lambda data: service.set_password_by_link(
                session,
                token=token,
                purpose=purpose,
                data=data,
                client_address=client_address(request),
                user_agent=request.headers.get("user-agent"),
                previous_token=request.cookies.get(SESSION_COOKIE),
                settings=request.app.state.settings,
            ),
        )
    except service.LinkNotValid:
        return _link_not_valid(request, purpose)
    if logged_in is not None:
        flash(request, PASSWORD_SET[purpose])
        for_new_session(request, logged_in.token)
        return signed_in_response(request, logged_in, "/")
    return _password_form(request, purpose=purpose, token=token, name=user.name, errors=errors)


PASSWORD_FORM = form_body(NewPassword)


@router.get("/uitnodiging/{token}")
def invitation_page(request: Request, session: SessionDep, token: str) -> Response:
    return _show_link(request, session, token, LinkPurpose.INVITATION)


@router.post("/uitnodiging/{token}", openapi_extra=PASSWORD_FORM)
def accept_invitation(
    request: Request, session: SessionDep, form: FormValues, token: str
) -> Response:
    return _use_link(request, session, form, token, LinkPurpose.INVITATION)


@router.get("/wachtwoord-herstellen/{token}")
def reset_page(request: Request, session: SessionDep, token: str) -> Response:
    return _show_link(request, session, token, LinkPurpose.PASSWORD_RESET)


@router.post("/wachtwoord-herstellen/{token}", openapi_extra=PASSWORD_FORM)
def reset_password(request: Request, session: SessionDep, form: FormValues, token: str) -> Response:
    return _use_link(request, session, form, token, LinkPurpose.PASSWORD_RESET)


def _forgotten_page(
    request: Request, values: dict[str, str], errors: FormErrors, *, requested: bool = False
) -> Response:
    return render(
        request,
        "invitations/forgotten.html",
        {"values": values, "errors": errors, "requested": requested},
        status_code=422 if errors else 200,
    )


@router.get("/wachtwoord-vergeten")
def forgotten_page(request: Request) -> Response:
    return _forgotten_page(request, {}, {})


@router.post("/wachtwoord-vergeten", openapi_extra=form_body(fields={"email": TEXT}))
def request_reset(request: Request, session: SessionDep, form: FormValues) -> Response:
    email = str(form.get("email", "")).strip()
    values = {"email": email}
    if not email:
        return _forgotten_page(request, values, {"email": "Vul uw e-mailadres in."})
    if len(email) > MAX_EMAIL_LENGTH:
        return _forgotten_page(request, values, {"email": "Dit e-mailadres is te lang."})
    try:
        service.request_password_reset(
            session,
            email=email,
            client_address=client_address(request),
            settings=request.app.state.settings,
            mail=MailContext.of(request.app.state.settings),
        )
    except DomainError as exc:
        return _forgotten_page(request, values, domain_errors(exc))
    return _forgotten_page(request, values, {}, requested=True)
