"""Pages for managing users (beheerder only)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from app.db import SessionDep
from app.flash import flash
from app.organisations import service as organisation_service
from app.security.deps import AccountManager, Confirmed, CurrentActor
from app.security.passwords import MIN_PASSWORD_LENGTH
from app.users import service
from app.users.deps import UserDep
from app.users.models import ROLE_LABELS, UserCreate, UserUpdate
from app.web import (
    FormErrors,
    FormValues,
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
    user_id: int | None,
    awaiting_admission: bool = False,
) -> Response:
    values = {key: value for key, value in values.items() if "password" not in key}
    return render(
        request,
        "users/form.html",
        {
            "values": values,
            "errors": errors,
            "user_id": user_id,
            "awaiting_admission": awaiting_admission,
            "organisation_options": [
                (organisation.id, organisation.name)
                for organisation in organisation_service.list_organisations(
                    session, only_active=True
                )
            ],
            "roles": ROLE_LABELS,
            "min_password_length": MIN_PASSWORD_LENGTH,
        },
        status_code=422 if errors else 200,
    )


@router.get("")
def user_list(request: Request, session: SessionDep, _: AccountManager) -> Response:
    return render(request, "users/list.html", {"users": service.list_users(session)})


@router.get("/nieuw")
def new_user(
    request: Request, session: SessionDep, _: AccountManager, _confirmed: Confirmed
) -> Response:
    return _form(request, session, {"is_participant": True}, {}, user_id=None)


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
        UserCreate, form, lambda data: service.create_user(session, data=data, by=actor)
    )
    if created is not None:
        flash(request, f"Account voor {created.name} aangemaakt.")
        return redirect(request, "/gebruikers")
    return _form(request, session, form, errors, user_id=None)


@router.get("/{user_id}")
def edit_user(
    request: Request, session: SessionDep, user: UserDep, _: AccountManager, _confirmed: Confirmed
) -> Response:
    return _form(
        request,
        session,
        user.model_dump(),
        {},
        user_id=user.id,
        awaiting_admission=user.awaiting_admission,
    )


@router.post("/{user_id}", openapi_extra=form_body(UserUpdate))
def update_user(
    request: Request,
    session: SessionDep,
    user: UserDep,
    _: AccountManager,
    _confirmed: Confirmed,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    form = with_unchecked_boxes(form, *ROLE_FIELDS, "active")
    admitting = user.awaiting_admission
    new_password = str(form.get("new_password", "")) or None
    _, errors = run_form(
        UserUpdate,
        form,
        lambda data: service.update_user(
            session, user=user, data=data, new_password=new_password, by=actor
        ),
    )
    if not errors:
        done = "toegelaten" if admitting else "opgeslagen"
        flash(request, f"Account van {user.name} {done}.")
        return redirect(request, "/gebruikers")
    return _form(request, session, form, errors, user_id=user.id, awaiting_admission=admitting)
