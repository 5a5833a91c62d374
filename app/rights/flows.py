"""The inzage-overzicht as a document: gathered (the persons through the disclosure module,
logged with the request), rendered to PDF, and when final kept with the request. The final
bytes are stored, not regenerated: the resident gets exactly what the FG approved, even after
the data has changed or been purged."""

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session

from app import pdf
from app.audit import Actor
from app.cases import disclosure
from app.cases.disclosure import Shown
from app.db import today
from app.rights import queries, service
from app.rights.models import RightsRequest
from app.security.crypto import CaseCrypto


@dataclass(frozen=True)
class Overview:
    request: RightsRequest
    persons: dict[int, list[Shown]]
    cases: list[queries.CaseContent]
    redactions: dict[str, str]


def gather(
    session: Session, *, request: RightsRequest, crypto: CaseCrypto, actor: Actor
) -> Overview:
    """Everything the overzicht holds; the read of the person is logged first, so the overzicht
    lists its own making too."""
    assert request.id is not None
    found = disclosure.subject_for_rights_request(
        session,
        request_id=request.id,
        subject=service.subject_of(request),
        crypto=crypto,
        actor=actor,
    )
    persons: dict[int, list[Shown]] = defaultdict(list)
    for person in found:
        persons[person.case_id].append(person.shown)
    cases = queries.case_contents(session, case_ids=list(persons))
    redactions = queries.redactions(session, request_id=request.id)
    return Overview(request, dict(persons), cases, redactions)


def overview_html(overview: Overview, *, concept: bool) -> str:
    """The print template filled with the overzicht (what the PDF is rendered from)."""
    return pdf.render_html(
        "print/inzage.html",
        {
            "overview": overview,
            "concept": concept,
            "made_on": today(),
            "document_title": f"Inzage-overzicht {overview.request.reference}",
        },
    )


def filename(request: RightsRequest, which: str) -> str:
    return f"inzage-overzicht-{request.reference.lower()}-{which}.pdf"


def concept_pdf(
    session: Session, *, request: RightsRequest, crypto: CaseCrypto, actor: Actor
) -> bytes:
    """The overzicht as it stands, marked CONCEPT, for the FG to review (not kept)."""
    html = overview_html(gather(session, request=request, crypto=crypto, actor=actor), concept=True)
    return pdf.pdf_of(html)


def finalise(
    session: Session, *, request: RightsRequest, crypto: CaseCrypto, actor: Actor
) -> RightsRequest:
    """Render the overzicht without the parts left out and keep it final with the request."""
    service.check_concept(request)
    overview = gather(session, request=request, crypto=crypto, actor=actor)
    content = pdf.pdf_of(overview_html(overview, concept=False))
    return service.keep_final(session, request=request, overview_pdf=content, by=actor)
