"""The JSON endpoints the large-screen mode refetches: scoped like the pages."""

from approvals import overview as approvals_overview
from tests.coordination.overview.conftest import by_label


def metrics(payload, key):
    section = next(s for s in payload["sections"] if s["key"] == key)
    return {m["label"]: m["value"] for m in section["metrics"]}


def test_data_json_needs_a_login(client, city2):
    response = client.get("/overview/data.json")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_data_json_gives_the_officials_figures(client, city2):
    client.force_login(city2.leader)
    response = client.get("/overview/data.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    payload = response.json()
    assert payload["refresh_seconds"] >= 10 and payload["generated_at"]
    assert metrics(payload, "approvals") == by_label(approvals_overview.section(city2.leader))
    assert metrics(payload, "ppp")["PPP projects"] == 4
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_data_json_is_scoped_to_the_department(client, city2):
    client.force_login(city2.reviewer_b)
    payload = client.get("/overview/data.json").json()
    keys = [s["key"] for s in payload["sections"]]
    assert "sharing" not in keys
    assert metrics(payload, "approvals")["Open cases overdue (red)"] == 2
    assert metrics(payload, "approvals")["Open cases on track (green)"] == 0


def test_data_json_gives_an_applicant_the_public_figures(client, city2):
    client.force_login(city2.citizen)
    payload = client.get("/overview/data.json").json()
    assert all(s["public"] for s in payload["sections"])


def test_public_data_json_is_open_and_public_only(client, city2):
    payload = client.get("/overview/public/data.json").json()
    assert all(s["public"] for s in payload["sections"])
    assert metrics(payload, "sharing") == {
        "Open data resources": 2,
        "Open data topics": 1,
        "Departments publishing open data": 1,
    }
