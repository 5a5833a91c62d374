"""The demo, an FG logged in, and a fresh inzageverzoek: what the rights tests share."""

import io

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from pypdf import PdfReader
from sqlmodel import Session, select

from app import demo
from app.audit import Actor
from app.cases.models import Case
from app.db import today
from app.rights import service
from app.rights.models import RequestKind, RequestRegistration, RightsRequest
from app.users.models import User
from tests.conftest import csrf_from, log_in

FG = "fg@dorpsveen.example"
POLICE = "wijkagent@politie.example"
ADMIN = "beheer@dorpsveen.example"


@pytest.fixture
def demo_cases(session: Session, app: FastAPI) -> dict[str, Case]:
    demo.seed_demo(session, crypto=app.state.crypto)
    return {case.pseudonym: case for case in session.exec(select(Case)).all()}


@pytest.fixture
def kees(demo_cases: dict[str, Case]) -> Case:
    return demo_cases["Man met overlast, 60+"]


def actor_for(session: Session, email: str) -> Actor:
    user = session.exec(select(User).where(User.email == email)).one()
    return Actor(user=user, organisation_name=user.organisation.name, client_address="test")


@pytest.fixture
def inzage(session: Session, demo_cases: dict[str, Case]) -> RightsRequest:
    data = RequestRegistration(
        kind=RequestKind.ACCESS,
        received_on=today(),
        identity_verification="Paspoort getoond aan de balie",
    )
    return service.register(session, data=data, by=actor_for(session, FG))


def as_user(client: TestClient, email: str) -> TestClient:
    client.cookies.clear()
    log_in(client, email, demo.DEMO_PASSWORD)
    return client


def post(client: TestClient, path: str, data: dict[str, str] | None = None) -> Response:
    return client.post(path, data=(data or {}) | {"csrf_token": csrf_from(client, "/")})


def pdf_text(content: bytes) -> str:
    """The PDF's text, whitespace as single spaces."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split())
