"""Rendering: templates, htmx-aware redirects and Dutch form errors."""

from collections.abc import AsyncIterator, Callable
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, TypeVar
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from app import bounds, dates
from app.config import PROJECT_ROOT
from app.db import MAX_ROW_ID
from app.errors import DomainError, MeetingClosed
from app.flash import forget_cookie, keep_for_next_page, shown
from app.meetings.models import FIELD_HINTS, SECTION_HEADINGS
from app.security import permissions
from app.security.csrf import CSRF_FIELD, csrf_token
from app.static_files import static_url

templates = Jinja2Templates(directory=PROJECT_ROOT / "templates")

# Marks an answer that says the session has ended (see session_ended).
SESSION_HEADER = "x-casustafel-session"

ModelT = TypeVar("ModelT", bound=BaseModel)
EnumT = TypeVar("EnumT", bound=StrEnum)
ResultT = TypeVar("ResultT")
FormErrors = dict[str, str]


DATE_FILTERS = (dates.long_date, dates.short_date, dates.time_of_day, dates.local_datetime)
templates.env.filters.update({date_filter.__name__: date_filter for date_filter in DATE_FILTERS})
templates.env.globals["permissions"] = permissions
templates.env.globals["weekday_name"] = dates.WEEKDAYS.__getitem__
templates.env.globals["headings"] = SECTION_HEADINGS
templates.env.globals["field_hints"] = FIELD_HINTS
templates.env.globals["static_url"] = static_url


def html_id(value: object) -> str:
    """A value as part of an element id: an id holds no spaces ("huiselijk geweld")."""
    return "-".join(str(value).split())


templates.env.filters["html_id"] = html_id


async def form_values(request: Request) -> AsyncIterator[dict[str, Any]]:
    """The submitted form as a dict (a repeated name gives a list), without the CSRF field;
    uploaded files are closed once the request is done. NUL characters are left out: nobody
    types them, and PostgreSQL cannot store them in text."""
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form:
        items = [_without_nul(item) for item in form.getlist(key)]
        values[key] = items if len(items) > 1 else items[0]
    values.pop(CSRF_FIELD, None)
    yield values
    await form.close()


FormValues = Annotated[dict[str, Any], Depends(form_values)]


def _without_nul(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) else value


def choice(enum: type[EnumT], value: object, field: str) -> EnumT | None:
    """The chosen member of a select, or None when nothing was chosen; anything else is refused
    beside the field (never stored: the database would refuse it too)."""
    if value in (None, ""):
        return None
    try:
        return enum(value)
    except ValueError as exc:
        raise DomainError("Kies een van de mogelijkheden.", field=field) from exc


def filter_choice(enum: type[EnumT], value: str) -> EnumT | None:
    """The chosen member of a list filter's select; anything else (a stale or crafted link) is
    no filter, as if 'alle' were chosen."""
    try:
        return enum(value) if value else None
    except ValueError:
        return None


def planning_date(value: object, field: str) -> date | None:
    """A typed date within the planning window, or None when left empty."""
    if value in (None, ""):
        return None
    try:
        day = date.fromisoformat(str(value))
    except ValueError as exc:
        raise DomainError("Vul een geldige datum in.", field=field) from exc
    try:
        return bounds.planning_day(day)
    except ValueError as exc:
        raise DomainError(str(exc), field=field) from exc


def version_of(form: dict[str, Any]) -> int:
    """The version a form was based on; anything unreadable counts as outdated (a conflict)."""
    value = str(form.get("version", ""))
    return int(value) if value.isdigit() and len(value) <= 9 else -1


def form_body(
    *models: type[BaseModel],
    fields: dict[str, Any] | None = None,
    per_item: tuple[type[BaseModel], ...] = (),
    item_fields: dict[str, Any] | None = None,
    multipart: bool = False,
) -> dict[str, Any]:
    """The OpenAPI description of a form that the route parses itself (so a refusal comes back
    beside its field, with everything typed kept): the fields of these models, other `fields`,
    and fields whose names end in an item id (`per_item` models and `item_fields`), as on the
    live page, where one page holds a form per agenda item."""
    properties: dict[str, Any] = {CSRF_FIELD: {"type": "string"}} | (fields or {})
    required: set[str] = set()
    for model in models:
        model_fields, model_required = _schema_of(model)
        properties |= model_fields
        required |= model_required
    by_item = dict(item_fields or {})
    for model in per_item:
        by_item |= _schema_of(model)[0]
    body: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        body["required"] = sorted(required)
    if by_item:
        body["patternProperties"] = {f"^{name}-[0-9]+$": kind for name, kind in by_item.items()}
    media = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
    return {"requestBody": {"required": True, "content": {media: {"schema": body}}}}


def choice_of(enum: type[StrEnum]) -> dict[str, Any]:
    """The schema of a select with the members of an enum."""
    return {"type": "string", "enum": [member.value for member in enum]}


TEXT = {"type": "string"}
TICKED = {"type": "string", "enum": ["true"]}
YES_OR_NO = {"type": "string", "enum": ["true", "false"]}
CHOSEN_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ROW_ID}


def _schema_of(model: type[BaseModel]) -> tuple[dict[str, Any], set[str]]:
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})
    properties = {
        name: _inlined(field, definitions) for name, field in schema.get("properties", {}).items()
    }
    return properties, set(schema.get("required", []))


def _inlined(schema: Any, definitions: dict[str, Any]) -> Any:
    """A JSON schema with its references to local definitions written out."""
    if isinstance(schema, list):
        return [_inlined(item, definitions) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return _inlined(definitions[schema["$ref"].rsplit("/", 1)[-1]], definitions)
    return {key: _inlined(value, definitions) for key, value in schema.items()}


def with_unchecked_boxes(form: dict[str, Any], *names: str) -> dict[str, Any]:
    """The form with the named checkboxes as False when unticked (a browser leaves them out)."""
    return {name: False for name in names} | form


def enum_options(enum: type) -> list[tuple[str, str]]:
    """The choices of a select or radio group: each member's Dutch value, as value and label."""
    return [(member.value, member.value) for member in enum]


def is_htmx(request: Request) -> bool:
    """Whether htmx sent the request (and expects a fragment or an htmx redirect)."""
    return request.headers.get("hx-request") == "true"


def wants_fragment(request: Request, target_id: str) -> bool:
    """Whether htmx asked to swap just this element (HX-Target is 'tag#id' in htmx 4)."""
    return is_htmx(request) and request.headers.get("hx-target", "").endswith(f"#{target_id}")


def wants_parts(request: Request) -> bool:
    """Whether an htmx action expects the parts it changed: not a boosted navigation or a
    history restore, which get full pages."""
    return (
        is_htmx(request)
        and request.headers.get("hx-boosted") != "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render a template with the current user and CSRF token available to it."""
    flashes = shown(request)
    full_context = {
        "current_user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        "flashes": flashes,
        **(context or {}),
    }
    html = templates.get_template(name).render(full_context | {"request": request})
    if flashes and f'id="{FLASHES_ID}"' not in html:  # a part of a page: they swap in by id
        html += _flash_region(flashes)
    response = HTMLResponse(html, status_code=status_code, headers={"vary": "HX-Request"})
    forget_cookie(request, response)
    return response


FLASHES_ID = "meldingen"


def _flash_region(flashes: list[str]) -> str:
    return templates.get_template("_flashes.html").render(flashes=flashes, oob=True)


def render_fragments(
    request: Request,
    parts: list[tuple[str, dict[str, Any]]],
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """The parts of a page an htmx action changed, one after another: each a template with its
    own extra context (`oob=True` makes a part swap itself in by id, out of band)."""
    full_context = {
        "request": request,
        "current_user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "csrf_field": CSRF_FIELD,
        **context,
    }
    html = "".join(
        templates.get_template(name).render(full_context | extra) for name, extra in parts
    )
    flashes = shown(request)
    if flashes:
        html += _flash_region(flashes)
    return HTMLResponse(html, status_code=status_code, headers={"vary": "HX-Request"})


def redirect(request: Request, url: str) -> Response:
    """After a successful change: 303 for a plain form, HX-Redirect for htmx; what it flashed
    shows on the page it leads to."""
    response: Response = (
        Response(status_code=204, headers={"hx-redirect": url})
        if is_htmx(request)
        else RedirectResponse(url, status_code=303)
    )
    return _with_flashes(request, response)


def navigate(request: Request, url: str) -> Response:
    """After a change that alters the whole page: htmx fetches the page in place (HX-Location,
    no full page load, so nothing typed elsewhere in the page is lost to a reload); a plain
    form gets 303."""
    response: Response = (
        Response(status_code=204, headers={"hx-location": url})
        if is_htmx(request)
        else RedirectResponse(url, status_code=303)
    )
    return _with_flashes(request, response)


def _with_flashes(request: Request, response: Response) -> Response:
    db_session = getattr(request.state, "db_session", None)
    if db_session is not None:
        keep_for_next_page(db_session, request, response)
    return response


def attachment(content: bytes, *, media_type: str, filename: str) -> Response:
    """A file to download (never cached: the security headers say no-store)."""
    return Response(
        content,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def session_ended() -> Response:
    """The answer to a script whose session has ended: a 401 with a marker, so the page can say
    so and keep everything typed (static/js/session.js) instead of being replaced."""
    return Response(
        "Uw sessie is verlopen. Log opnieuw in.",
        status_code=401,
        media_type="text/plain",
        headers={SESSION_HEADER: "expired"},
    )


def login_redirect(request: Request) -> Response:
    """Send a visitor to the login page, coming back to this page afterwards. An htmx request
    from within a page gets a 401 with a marker; its HX-Redirect is for pages without
    session.js. Boosted and history requests are navigation: they just go to the login page."""
    navigates = "hx-boosted" in request.headers or "hx-history-restore-request" in request.headers
    if not is_htmx(request) or navigates:
        return redirect(request, _login_url(request.url.path))
    # The request's own path may be a POST-only action; the user comes back to the page.
    page = urlsplit(request.headers.get("hx-current-url", "")).path or "/"
    response = session_ended()
    response.headers["hx-redirect"] = _login_url(page)
    return response


def _login_url(back_to: str) -> str:
    return f"/inloggen?volgende={quote(back_to, safe='/')}"


def confirmation_url(request: Request) -> str:
    """The step-up page, coming back to this page (with its query) once the user confirmed."""
    page = f"{request.url.path}?{request.url.query}" if request.url.query else request.url.path
    return f"/bevestigen?volgende={quote(page, safe='/')}"


def _dutch_message(error: ErrorDetails) -> str:
    context = error.get("ctx") or {}
    match error["type"]:
        case "missing":
            return "Vul dit veld in."
        case "string_too_short" if context.get("min_length", 1) <= 1:
            return "Vul dit veld in."
        case "string_too_short":
            return f"Gebruik minstens {context['min_length']} tekens."
        case "string_too_long":
            return f"Gebruik hoogstens {context['max_length']} tekens."
        case "value_error":
            return str(context.get("error", "Deze waarde klopt niet."))
        case "enum" | "literal_error":
            return "Kies een van de mogelijkheden."
        case "int_parsing" | "int_type":
            return "Kies een van de mogelijkheden."
        case "greater_than_equal":
            return f"Kies minstens {context['ge']}."
        case "less_than_equal":
            return f"Kies hoogstens {context['le']}."
        case "time_parsing" | "time_type":
            return "Vul een geldige tijd in, bijvoorbeeld 09:30."
        case "list_type":
            return "Kies een of meer mogelijkheden."
        case "too_short" if context.get("min_length", 1) == 1:
            return "Kies er minstens een."
        case "bool_parsing":
            return "Kies ja of nee."
        case "date_parsing" | "date_from_datetime_parsing":
            return "Vul een geldige datum in."
        case _:
            return "Deze waarde klopt niet."


def validation_errors(exc: ValidationError) -> FormErrors:
    """Field name -> Dutch message, the first problem per field."""
    errors: FormErrors = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "__all__"
        errors.setdefault(field, _dutch_message(error))
    return errors


def domain_errors(exc: DomainError) -> FormErrors:
    """A refused use case as form errors: beside its field, or above the form."""
    return {exc.field or "__all__": exc.message}


def refusal_status(exc: DomainError) -> int:
    """The status of a refused use case: 409 when the meeting is closed to the change at all,
    otherwise 422 (the form comes back to be put right)."""
    return 409 if isinstance(exc, MeetingClosed) else 422


def run_form(
    model: type[ModelT], values: dict[str, Any], use_case: Callable[[ModelT], ResultT]
) -> tuple[ResultT | None, FormErrors]:
    """Validate the form and run the use case with it: its result, or Dutch errors per field."""
    data, errors = parse_form(model, values)
    if data is None:
        return None, errors
    try:
        return use_case(data), {}
    except DomainError as exc:
        return None, domain_errors(exc)


def parse_form(model: type[ModelT], values: dict[str, Any]) -> tuple[ModelT | None, FormErrors]:
    """Validate submitted values against a model: the model, or Dutch errors per field."""
    # An empty field counts as not filled in: required ones say so, optional ones take defaults.
    cleaned = {key: value for key, value in values.items() if value != ""}
    try:
        return model.model_validate(cleaned), {}
    except ValidationError as exc:
        return None, validation_errors(exc)
