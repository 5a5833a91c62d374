"""Covenant use cases on a real database: what is stored, what is refused, what is logged."""

import hashlib
from datetime import date, time, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from app.audit import Actor, AuditEvent
from app.covenants import queries, service
from app.covenants.models import (
    Covenant,
    CovenantCreate,
    CovenantDocument,
    CovenantSignature,
    CovenantSignatureCreate,
    CovenantVersion,
    CovenantVersionCreate,
    DeclarationTextCreate,
    SignatureWithdrawal,
)
from app.db import today
from app.demo import demo_covenant_pdf
from app.errors import DomainError
from app.overleg.models import MeetingSeries, SeriesKind, SeriesOrganisation
from tests.factories import make_covenant, make_organisation, make_user


@pytest.fixture
def actor(session: Session) -> Actor:
    admin = make_user(session, is_admin=True)
    return Actor(user=admin, organisation_name="Gemeente", client_address="127.0.0.1")


def pdf() -> service.UploadedDocument:
    return service.UploadedDocument(filename="convenant.pdf", content=demo_covenant_pdf())


def covenant_data(**overrides: object) -> CovenantCreate:
    values = {
        "title": "Privacyconvenant Zorg en Veiligheid",
        "label": "1.0",
        "established_on": date(2025, 12, 1),
        "in_force_from": date(2026, 1, 1),
        "in_force_until": date(2027, 12, 31),
    }
    return CovenantCreate.model_validate(values | overrides)


def count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def actions(session: Session) -> list[str]:
    return list(session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all())


def test_create_stores_the_pdf_with_its_sha256_and_logs_it(session: Session, actor: Actor) -> None:
    covenant = service.create_covenant(session, data=covenant_data(), document=pdf(), by=actor)

    stored = session.exec(select(CovenantDocument)).one()
    assert stored.sha256 == hashlib.sha256(demo_covenant_pdf()).hexdigest()
    assert stored.content == demo_covenant_pdf() and stored.size == len(demo_covenant_pdf())
    assert session.exec(select(CovenantVersion.covenant_id)).one() == covenant.id
    assert "convenant.aangemaakt" in actions(session)


def test_an_end_before_the_start_is_refused_beside_the_end_date() -> None:
    with pytest.raises(ValueError, match="De einddatum ligt vóór de begindatum"):
        covenant_data(in_force_until=date(2025, 12, 31))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (None, "Kies het ondertekende convenant"),
        (service.UploadedDocument("brief.docx", b"PK\x03\x04 word document"), "geen PDF"),
        (
            service.UploadedDocument("nep.pdf", b"%PDF-1.7 dit is geen echte pdf"),
            "geen leesbare PDF",
        ),
        (
            service.UploadedDocument("groot.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024)),
            "groter dan 20 MB",
        ),
    ],
    ids=["geen bestand", "geen pdf", "kapotte pdf", "te groot"],
)
def test_a_bad_document_is_refused_and_nothing_is_saved(
    session: Session, actor: Actor, document: service.UploadedDocument | None, message: str
) -> None:
    with pytest.raises(DomainError, match=message) as refused:
        service.create_covenant(session, data=covenant_data(), document=document, by=actor)

    assert refused.value.field == "document"
    assert count(session, Covenant) == count(session, CovenantVersion) == 0


def test_a_new_version_leaves_the_old_one_and_its_signatures_alone(
    session: Session, actor: Actor
) -> None:
    police = make_organisation(session)
    covenant = service.create_covenant(session, data=covenant_data(), document=pdf(), by=actor)
    first = session.exec(select(CovenantVersion)).one()
    service.record_signature(
        session,
        version=first,
        by=actor,
        data=CovenantSignatureCreate(
            organisation_id=police.id,
            signed_on=date(2025, 12, 18),
            signatory_name="P. Chef",
            signatory_function="teamchef",
        ),
    )
    session.refresh(first)
    before = first.model_dump()

    service.add_version(
        session,
        covenant=covenant,
        by=actor,
        document=pdf(),
        data=CovenantVersionCreate(
            label="2.0", established_on=date(2027, 10, 1), in_force_from=date(2028, 1, 1)
        ),
    )

    session.expire_all()
    assert session.get(CovenantVersion, first.id).model_dump() == before
    assert count(session, CovenantVersion) == 2 and count(session, CovenantDocument) == 2
    assert session.exec(select(CovenantSignature.version_id)).all() == [first.id]


def test_a_version_label_is_unique_within_the_covenant(session: Session, actor: Actor) -> None:
    covenant = service.create_covenant(session, data=covenant_data(), document=pdf(), by=actor)

    with pytest.raises(DomainError, match="al een versie met dit nummer"):
        service.add_version(
            session,
            covenant=covenant,
            by=actor,
            document=pdf(),
            data=CovenantVersionCreate(
                label="1.0", established_on=date(2027, 1, 1), in_force_from=date(2028, 1, 1)
            ),
        )
    assert count(session, CovenantVersion) == 1


@pytest.fixture
def version_and_police(session: Session) -> tuple[CovenantVersion, int]:
    police = make_organisation(session)
    _, version = make_covenant(session)
    return version, police.id


def sign(
    session: Session, actor: Actor, version: CovenantVersion, organisation_id: int, signed_on: date
) -> CovenantSignature:
    return service.record_signature(
        session,
        version=version,
        by=actor,
        data=CovenantSignatureCreate(
            organisation_id=organisation_id,
            signed_on=signed_on,
            signatory_name="P. Chef",
            signatory_function="teamchef",
        ),
    )


def test_a_signature_before_the_covenant_existed_is_refused(
    session: Session, actor: Actor, version_and_police: tuple[CovenantVersion, int]
) -> None:
    version, police = version_and_police

    with pytest.raises(DomainError, match="vóór het convenant zelf") as refused:
        sign(session, actor, version, police, version.established_on - timedelta(days=1))

    assert refused.value.field == "signed_on"
    assert count(session, CovenantSignature) == 0


def test_a_signature_in_the_future_is_refused(
    session: Session, actor: Actor, version_and_police: tuple[CovenantVersion, int]
) -> None:
    version, police = version_and_police

    with pytest.raises(DomainError, match="toekomst"):
        sign(session, actor, version, police, today() + timedelta(days=1))


def test_a_duplicate_active_signature_is_refused_but_signing_again_after_withdrawal_works(
    session: Session, actor: Actor, version_and_police: tuple[CovenantVersion, int]
) -> None:
    version, police = version_and_police
    first = sign(session, actor, version, police, today() - timedelta(days=100))

    with pytest.raises(DomainError, match="al ondertekend") as refused:
        sign(session, actor, version, police, today() - timedelta(days=50))
    assert refused.value.field == "organisation_id"

    service.withdraw_signature(
        session,
        signature=first,
        by=actor,
        data=SignatureWithdrawal(
            withdrawn_on=today() - timedelta(days=40), withdrawal_reason="Nieuwe teamchef"
        ),
    )
    again = sign(session, actor, version, police, today() - timedelta(days=30))

    assert count(session, CovenantSignature) == 2
    assert again.withdrawn_on is None
    assert actions(session).count("convenant.ondertekend") == 2
    assert "convenant.ondertekening.ingetrokken" in actions(session)


def test_withdrawal_before_signing_or_twice_is_refused(
    session: Session, actor: Actor, version_and_police: tuple[CovenantVersion, int]
) -> None:
    version, police = version_and_police
    signature = sign(session, actor, version, police, today() - timedelta(days=100))

    with pytest.raises(DomainError, match="vóór de datum van ondertekening"):
        service.withdraw_signature(
            session,
            signature=signature,
            by=actor,
            data=SignatureWithdrawal(
                withdrawn_on=today() - timedelta(days=101), withdrawal_reason="Vergissing"
            ),
        )
    session.refresh(signature)
    assert signature.withdrawn_on is None

    service.withdraw_signature(
        session,
        signature=signature,
        by=actor,
        data=SignatureWithdrawal(withdrawn_on=today(), withdrawal_reason="Samenwerking beëindigd"),
    )
    with pytest.raises(DomainError, match="al ingetrokken"):
        service.withdraw_signature(
            session,
            signature=signature,
            by=actor,
            data=SignatureWithdrawal(withdrawn_on=today(), withdrawal_reason="Nog eens"),
        )


def test_the_database_itself_refuses_two_active_signatures(
    session: Session, version_and_police: tuple[CovenantVersion, int]
) -> None:
    version, police = version_and_police
    for _ in range(2):
        session.add(
            CovenantSignature(
                version_id=version.id,
                organisation_id=police,
                signed_on=today(),
                signatory_name="X",
                signatory_function="Y",
            )
        )
    with pytest.raises(IntegrityError):
        session.flush()


def test_every_download_is_logged(session: Session, actor: Actor) -> None:
    _, version = make_covenant(session)

    document = service.read_document(session, version=version, by=actor)
    service.read_document(session, version=version, by=actor)

    assert document.content == b"pdf"
    assert actions(session).count("convenant.document.gedownload") == 2


def test_warnings_name_expiring_covenants_and_unsigned_organisations(session: Session) -> None:
    police = make_organisation(session, name="Politie")
    make_organisation(session, name="Wonen")
    covenant, version = make_covenant(
        session, in_force_until=today() + timedelta(days=30), signed_by=(police.id,)
    )

    warnings = queries.coverage_warnings(session, day=today())

    assert [(c.id, v.id) for c, v in warnings.expiring] == [(covenant.id, version.id)]
    assert [o.name for _, o in warnings.unsigned] == ["Wonen"]


def test_declaration_text_gets_a_new_version_each_time(session: Session, actor: Actor) -> None:
    first = service.add_declaration_text(
        session,
        by=actor,
        data=DeclarationTextCreate(text="Ik houd alles wat ik hier hoor geheim, ook na afloop."),
    )
    second = service.add_declaration_text(
        session,
        by=actor,
        data=DeclarationTextCreate(
            text="Ik houd alles wat ik hier hoor en lees geheim, ook na afloop."
        ),
    )

    texts = queries.declaration_texts(session)

    assert [t.version for t in texts] == [2, 1]
    assert texts[1].text == first.text and texts[0].text == second.text


def test_warnings_only_name_members_of_the_overleggen_under_the_covenant(
    session: Session, actor: Actor
) -> None:
    member = make_organisation(session, name="Woonstichting")
    make_organisation(session, name="Veilig Thuis, geen lid")
    covenant, _ = make_covenant(session)
    series = MeetingSeries(
        name="Overleg",
        kind=SeriesKind.INTEGRAL,
        covenant_id=covenant.id,
        default_location="Gemeentehuis",
        weekday=1,
        start_time=time(9, 30),
        starts_on=today(),
    )
    session.add(series)
    session.flush()
    session.add(SeriesOrganisation(series_id=series.id, organisation_id=member.id))
    session.commit()

    warnings = queries.coverage_warnings(session, day=today())

    assert [o.name for _, o in warnings.unsigned] == ["Woonstichting"]
