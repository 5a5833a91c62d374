"""The Mijn account page, shown on its own and again with the contact card's errors."""

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from app.contacts import queries as contact_queries
from app.security import permissions
from app.users.models import User
from app.web import FormErrors, render


def render_account(
    request: Request,
    session: Session,
    user: User,
    *,
    card_values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
) -> Response:
    """Mijn account; a refused contact card comes back with everything typed and its errors."""
    context: dict[str, Any] = {
        "has_password": user.password_hash is not None,
        "offers_digest": permissions.can_receive_task_digest(user),
        "errors": errors or {},
    }
    if permissions.can_keep_contact_card(user):
        if card_values is None:
            stored = contact_queries.card_of(session, user_id=user.id)
            card_values = contact_queries.card_values(stored)
        context |= {
            "card_values": card_values,
            "deputy_options": contact_queries.deputy_options(session, user=user),
        }
    return render(request, "account/index.html", context, status_code=422 if errors else 200)
