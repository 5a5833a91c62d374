"""Covenant pages over HTTP: the matrix, forms that keep what was typed, access, warnings."""

import os
import re
from datetime import timedelta
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from pypdf import PdfWriter
from sqlmodel import Session, select

from app.audit import AuditEvent
from app.covenants.models import Covenant, CovenantSignature, CovenantVersion
from app.db import today
from app.demo import demo_covenant_pdf
from app.organisations.models import Organisation
from tests.conftest import csrf_from, log_in
from tests.factories import PASSWORD, make_covenant, make_organisation, make_user


@pytest.fixture
def organisations(session: Session) -> dict[str, Organisation]:
    return {name: make_organisation(session, name=name) for name in ("Politie", "Woonstichting")}


@pytest.fixture
def admin_client(client: TestClient, session: Session) -> TestClient:
    log_in(client, make_user(session, is_admin=True, name="Bea Beheer").email, PASSWORD)
    return client


def post(client: TestClient, path: str, data: dict[str, str], **kwargs: object) -> Response:
    return client.post(path, data=data | {"csrf_token": csrf_from(client, "/")}, **kwargs)


def row_of(page: str, name: str) -> str:
    match = re.search(
        rf'<th class="utrecht-table__header-cell" scope="row">{name}</th>(.*?)</tr>', page, re.S
    )
    assert match, f"geen rij voor {name}"
    return match.group(1)


VERSION_FIELDS = {
    "title": "Privacyconvenant Dorpsveen",
    "label": "1.0",
    "established_on": "2025-12-01",
    "in_force_from": "2026-01-01",
    "in_force_until": "2027-12-31",
}


def test_beheerder_records_a_covenant_with_its_pdf(
    admin_client: TestClient, session: Session
) -> None:
    response = post(
        admin_client,
        "/convenanten/nieuw",
        VERSION_FIELDS,
        files={"document": ("convenant.pdf", demo_covenant_pdf(), "application/pdf")},
    )

    covenant = session.exec(select(Covenant)).one()
    assert response.headers["location"] == f"/convenanten/{covenant.id}"
    page = admin_client.get(f"/convenanten/{covenant.id}").text
    assert "Privacyconvenant Dorpsveen" in page and "1 jan 2026 tot en met 31 dec 2027" in page
    download = admin_client.get(
        re.search(r'href="(/convenanten/\d+/versies/\d+/document)"', page)[1]
    )
    assert download.headers["content-type"] == "application/pdf"
    assert download.content == demo_covenant_pdf()


def scanned_pdf(megabytes: int) -> bytes:
    """A real PDF of about this size, as a scan of a signed covenant is."""
    writer = PdfWriter(clone_from=BytesIO(demo_covenant_pdf()))
    writer.add_attachment("scan.bin", os.urandom(megabytes * 1_000_000))  # does not compress
    content = BytesIO()
    writer.write(content)
    return content.getvalue()


def test_a_scanned_covenant_of_several_megabytes_is_stored_new_and_as_a_version(
    admin_client: TestClient, session: Session
) -> None:
    scan = scanned_pdf(3)
    created = post(
        admin_client,
        "/convenanten/nieuw",
        VERSION_FIELDS,
        files={"document": ("convenant.pdf", scan, "application/pdf")},
    )
    covenant = session.exec(select(Covenant)).one()
    versioned = post(
        admin_client,
        f"/convenanten/{covenant.id}/versies/nieuw",
        VERSION_FIELDS | {"label": "2.0", "in_force_from": "2028-01-01", "in_force_until": ""},
        files={"document": ("convenant-2.pdf", scan, "application/pdf")},
    )

    assert created.status_code == versioned.status_code == 303
    labels = select(CovenantVersion.label).where(CovenantVersion.covenant_id == covenant.id)
    assert sorted(session.exec(labels).all()) == ["1.0", "2.0"]
    page = admin_client.get(created.headers["location"]).text
    links = re.findall(r'href="(/convenanten/\d+/versies/\d+/document)"', page)
    assert [admin_client.get(link).content for link in links] == [scan, scan]


def test_bad_covenant_input_comes_back_beside_the_fields_with_everything_typed(
    admin_client: TestClient, session: Session
) -> None:
    response = post(
        admin_client,
        "/convenanten/nieuw",
        VERSION_FIELDS | {"in_force_until": "2025-06-30"},
        files={"document": ("brief.txt", b"geen pdf", "text/plain")},
    )

    assert response.status_code == 422
    page = response.text
    assert 'id="in_force_until-error">De einddatum ligt vóór de begindatum.' in page
    assert 'value="Privacyconvenant Dorpsveen"' in page and 'value="2025-06-30"' in page
    assert session.exec(select(Covenant)).all() == []

    not_pdf = post(
        admin_client,
        "/convenanten/nieuw",
        VERSION_FIELDS,
        files={"document": ("brief.txt", b"geen pdf", "text/plain")},
    )
    assert 'id="document-error">Dit bestand is geen PDF.' in not_pdf.text
    assert 'value="2027-12-31"' in not_pdf.text


def test_the_matrix_shows_who_signed_and_who_did_not(
    admin_client: TestClient, session: Session, organisations: dict[str, Organisation]
) -> None:
    covenant, _ = make_covenant(session, signed_by=(organisations["Politie"].id,))

    page = admin_client.get(f"/convenanten/{covenant.id}").text

    assert "Ondertekend" in row_of(page, "Politie")
    assert "Ontbreekt" in row_of(page, "Woonstichting")
    assert "Ondertekening vastleggen" in row_of(page, "Woonstichting")


def test_recording_and_withdrawing_a_signature_through_the_forms(
    admin_client: TestClient, session: Session, organisations: dict[str, Organisation]
) -> None:
    covenant, version = make_covenant(session)
    path = f"/convenanten/{covenant.id}/versies/{version.id}/ondertekenen"
    fields = {
        "organisation_id": str(organisations["Woonstichting"].id),
        "signed_on": (today() - timedelta(days=3)).isoformat(),
        "signatory_name": "D. Directeur",
        "signatory_function": "directeur-bestuurder",
    }

    assert post(admin_client, path, fields).status_code == 303
    duplicate = post(admin_client, path, fields)
    assert duplicate.status_code == 422
    assert "Woonstichting heeft deze versie al ondertekend" in duplicate.text
    assert 'value="D. Directeur"' in duplicate.text

    signature = session.exec(select(CovenantSignature)).one()
    withdraw = f"/convenanten/{covenant.id}/ondertekeningen/{signature.id}/intrekken"
    empty_reason = post(admin_client, withdraw, {"withdrawn_on": today().isoformat()})
    assert 'id="withdrawal_reason-error">Vul dit veld in.' in empty_reason.text
    assert (
        post(
            admin_client,
            withdraw,
            {"withdrawn_on": today().isoformat(), "withdrawal_reason": "Fusie"},
        ).status_code
        == 303
    )

    page = admin_client.get(f"/convenanten/{covenant.id}").text
    assert "Ingetrokken" in row_of(page, "Woonstichting")
    assert "Fusie" in page


def test_a_version_of_another_covenant_is_a_404(admin_client: TestClient, session: Session) -> None:
    first, _ = make_covenant(session)
    _, other_version = make_covenant(session)

    response = admin_client.get(f"/convenanten/{first.id}/versies/{other_version.id}/document")

    assert response.status_code == 404


def test_partners_read_the_covenant_but_only_beheerders_change_it(
    client: TestClient, session: Session, organisations: dict[str, Organisation]
) -> None:
    covenant, version = make_covenant(session)
    log_in(client, make_user(session, is_participant=True).email, PASSWORD)

    assert client.get(f"/convenanten/{covenant.id}").status_code == 200
    assert "Ondertekening vastleggen" not in client.get(f"/convenanten/{covenant.id}").text
    assert client.get("/convenanten/nieuw").status_code == 403
    refused = post(
        client,
        f"/convenanten/{covenant.id}/versies/{version.id}/ondertekenen",
        {"organisation_id": str(organisations["Politie"].id)},
    )
    assert refused.status_code == 403
    assert session.exec(select(CovenantSignature)).all() == []


def test_the_fg_reads_covenants_and_signatures_but_changes_nothing(
    client: TestClient, session: Session, organisations: dict[str, Organisation]
) -> None:
    covenant, version = make_covenant(session, signed_by=(organisations["Politie"].id,))
    log_in(
        client, make_user(session, is_participant=False, is_privacy_officer=True).email, PASSWORD
    )

    page = client.get(f"/convenanten/{covenant.id}")
    menu = client.get("/").text

    assert client.get("/convenanten").status_code == 200 and page.status_code == 200
    assert "Politie" in page.text and "Ondertekening vastleggen" not in page.text
    assert 'href="/convenanten"' in menu and 'href="/logging"' in menu
    assert 'href="/overleggen"' not in menu and 'href="/acties"' not in menu
    assert (
        client.get(f"/convenanten/{covenant.id}/versies/{version.id}/document").status_code == 200
    )
    assert client.get("/convenanten/nieuw").status_code == 403
    refused = post(
        client,
        f"/convenanten/{covenant.id}/versies/{version.id}/ondertekenen",
        {"organisation_id": str(organisations["Woonstichting"].id)},
    )
    assert refused.status_code == 403


def test_downloading_the_pdf_is_logged(admin_client: TestClient, session: Session) -> None:
    covenant, version = make_covenant(session)

    admin_client.get(f"/convenanten/{covenant.id}/versies/{version.id}/document")

    event = session.exec(
        select(AuditEvent).where(AuditEvent.action == "convenant.document.gedownload")
    ).one()
    assert (event.object_type, event.object_id, event.actor_name) == (
        "convenantversie",
        str(version.id),
        "Bea Beheer",
    )


def test_start_page_warns_the_beheerder_only(
    client: TestClient,
    admin_client: TestClient,
    session: Session,
    organisations: dict[str, Organisation],
) -> None:
    make_covenant(
        session,
        in_force_until=today() + timedelta(days=20),
        signed_by=(organisations["Politie"].id,),
    )

    page = admin_client.get("/").text

    assert "verloopt op" in page
    assert "<strong>Woonstichting</strong> is niet gedekt" in page
    assert "<strong>Politie</strong> is niet gedekt" not in page


def test_the_organisation_page_shows_its_covenant_status(
    admin_client: TestClient, session: Session, organisations: dict[str, Organisation]
) -> None:
    make_covenant(session, signed_by=(organisations["Politie"].id,))

    police = admin_client.get(f"/organisaties/{organisations['Politie'].id}").text
    housing = admin_client.get(f"/organisaties/{organisations['Woonstichting'].id}").text

    assert "Gedekt" in police and "Gedekt door de ondertekening van" in police
    assert "Niet gedekt: niet ondertekend" in housing


def test_the_declaration_text_is_versioned_through_the_form(admin_client: TestClient) -> None:
    too_short = post(admin_client, "/geheimhoudingsverklaring", {"text": "Geheim."})
    first = post(
        admin_client,
        "/geheimhoudingsverklaring",
        {"text": "Ik houd geheim wat ik hier hoor <b>en lees</b>."},
    )

    assert too_short.status_code == 422 and "Gebruik minstens 20 tekens." in too_short.text
    assert first.status_code == 303
    page = admin_client.get("/geheimhoudingsverklaring").text
    assert "Versie 1 (huidig)" in page
    assert "&lt;b&gt;en lees&lt;/b&gt;" in page
