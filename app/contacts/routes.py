"""Contact cards: filling in one's own (on Mijn account), De tafel of an overleg, and its
members as vCards for a phone's address book."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.account.page import render_account
from app.contacts import queries, service, vcards
from app.contacts.models import ContactCardUpdate
from app.db import SessionDep, today, utcnow
from app.errors import NotFound
from app.flash import flash
from app.overleg.access import SeriesAccess
from app.overleg.deps import SeriesDep
from app.security import permissions
from app.security.deps import CurrentActor, allowed
from app.users.models import User
from app.web import FormValues, attachment, form_body, redirect, render, run_form

router = APIRouter()

CardKeeper = Annotated[User, Depends(allowed(permissions.can_keep_contact_card))]


@router.post("/account/contactkaart", openapi_extra=form_body(ContactCardUpdate))
def save_card(
    request: Request,
    session: SessionDep,
    user: CardKeeper,
    actor: CurrentActor,
    form: FormValues,
) -> Response:
    _, errors = run_form(
        ContactCardUpdate,
        form,
        lambda card_in: service.save_card(session, user=user, card_in=card_in, by=actor),
    )
    if errors:
        return render_account(request, session, user, card_values=form, errors=errors)
    flash(request, "Uw contactkaart is opgeslagen.")
    return redirect(request, "/account")


async def _table_access(access: SeriesDep) -> SeriesAccess:
    if not permissions.can_see_table(access.user, access.membership):
        raise NotFound
    return access


TableDep = Annotated[SeriesAccess, Depends(_table_access)]


@router.get("/overleggen/{series_id}/tafel")
def table_page(request: Request, session: SessionDep, access: TableDep) -> Response:
    view = queries.table_view(session, series=access.series, day=today(), now=utcnow())
    return render(request, "contacts/table.html", {"view": view, "today": today()})


@router.get("/overleggen/{series_id}/tafel.vcf")
def table_vcards(session: SessionDep, access: TableDep, actor: CurrentActor) -> Response:
    view = queries.table_view(session, series=access.series, day=today(), now=utcnow())
    service.record_vcard_download(session, series=access.series, by=actor)
    return attachment(
        vcards.of_table(view).encode(),
        media_type=vcards.MEDIA_TYPE,
        filename=f"tafel-overleg-{access.series.id}.vcf",
    )
