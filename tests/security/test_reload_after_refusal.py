"""After a refused form the browser shows the address the form was sent to; reloading or
revisiting it with a GET goes to the page the form belongs to, never a 405. Where it goes is
decided by the routes alone: it says nothing about whether the overleg or meeting exists."""

from fastapi.testclient import TestClient


def test_the_address_of_a_refused_form_leads_back_to_its_page(client: TestClient) -> None:
    live = "/overleggen/7/bijeenkomsten/12/live"

    finish = client.get(f"{live}/afronden")
    task = client.get(f"{live}/punten/123/taken")
    logout = client.get("/uitloggen")

    assert (finish.status_code, finish.headers["location"]) == (303, live)
    assert (task.status_code, task.headers["location"]) == (303, f"{live}/punten/123")
    assert (logout.status_code, logout.headers["location"]) == (303, "/")


def test_an_address_that_matches_no_page_stays_a_404(client: TestClient) -> None:
    assert client.get("/bestaat/niet/afronden").status_code == 404
