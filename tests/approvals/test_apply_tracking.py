"""Public tracking by number + query code: no login, minimal data, the same answer for any wrong
pair, and a per-address limit on tries."""

from django.urls import reverse

from approvals import services
from tests.approvals.test_apply_support import *  # noqa: F403 - the shared fixtures
from tests.approvals.test_apply_support import TODAY, ready_draft

NOT_FOUND = "No application matches this number and query code."


def submitted(city):
    app = ready_draft(city)
    return services.application_submit_complete(actor=city["applicant"], application=app)


def test_right_pair_shows_minimal_data(client, city):
    app = submitted(city)
    response = client.post(
        reverse("apply:track"), {"number": app.number.lower(), "query_code": app.query_code}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "开办餐饮店" in body and "Submitted" in body and TODAY.isoformat() in body
    # no personal data: not the applicant's name, not the form
    assert city["applicant"].full_name not in body.split("tracking-result")[1]
    assert "老张面馆" not in body


def test_wrong_pairs_get_the_same_answer(client, city):
    app = submitted(city)
    wrong_code = "000000" if app.query_code != "000000" else "111111"
    for data in (
        {"number": app.number, "query_code": wrong_code},
        {"number": "SP-20990101-000001", "query_code": app.query_code},
        {"number": "", "query_code": ""},
    ):
        response = client.post(reverse("apply:track"), data)
        body = response.content.decode()
        assert response.status_code == 200
        assert NOT_FOUND in body and "tracking-result" not in body


def test_drafts_cannot_be_tracked(client, city):
    ready_draft(city)
    response = client.post(reverse("apply:track"), {"number": "", "query_code": ""})
    assert NOT_FOUND in response.content.decode()


def test_tries_are_limited_per_address(client, city):
    app = submitted(city)
    url = reverse("apply:track")
    for _ in range(10):
        assert client.post(url, {"number": app.number, "query_code": "999999"}).status_code == 200
    response = client.post(url, {"number": app.number, "query_code": app.query_code})
    assert response.status_code == 429
    assert "Too many requests from your address" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 600
    other = client.post(url, {"number": app.number, "query_code": app.query_code}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200 and "tracking-result" in other.content.decode()


def test_tracking_page_needs_no_login(client, city):
    assert client.get(reverse("apply:track")).status_code == 200
