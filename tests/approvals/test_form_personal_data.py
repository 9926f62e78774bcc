"""ID numbers and phone numbers in an application's form: masked on the officials' pages, shown in
full on request to an official on the case (audited, never the value in the trail), 404 for others."""

# The fixtures `city` and `today` are shared with test_application_workflow by import.
# ruff: noqa: F811

import pytest
from django.urls import reverse

from approvals.models import Application
from portal.audit.models import AuditEvent
from tests.approvals.test_application_workflow import city, in_review, today  # noqa: F401
from tests.factories import OfficialFactory, UserFactory

ID = "110105194912310021"
PHONE = "13800138000"


@pytest.fixture
def case(today, city):
    application = in_review(city)
    application.form_data = {**application.form_data, "legal_rep_id": ID, "contact_phone": PHONE}
    application.save(update_fields=["form_data"])
    return Application.objects.get(pk=application.pk)


def test_the_case_page_masks_them_and_an_official_on_the_case_sees_them_in_full(client, city, case):
    client.force_login(city["clerk"])
    page = client.get(reverse("work:application", args=[case.uuid])).content.decode()
    assert ID not in page and PHONE not in page
    assert "1101**********0021" in page and "138****8000" in page
    url = reverse("work:form-value", args=[case.uuid, "legal_rep_id"])
    shown = client.post(url, HTTP_HX_REQUEST="true")
    assert shown.status_code == 200 and ID in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="pii.reveal", object_id=str(case.pk))
    assert event.actor == city["clerk"] and event.after == {"field": "form_data.legal_rep_id"}
    assert ID not in str(event.after) + event.reason


def test_others_get_404_and_ordinary_answers_are_not_revealable(client, city, case):
    url = reverse("work:form-value", args=[case.uuid, "contact_phone"])
    for outsider in (UserFactory(), OfficialFactory()):
        client.force_login(outsider)
        assert client.post(url).status_code == 404
    client.force_login(city["clerk"])
    assert client.get(url).status_code == 405
    assert client.post(reverse("work:form-value", args=[case.uuid, "shop_name"])).status_code == 404
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()


def test_the_officials_api_returns_the_form_masked(client, city, case):
    from approvals.models import DepartmentTask

    task = DepartmentTask.objects.filter(
        application=case, department=city["reviewers"][0].positions.get().unit
    ).get()
    client.force_login(city["reviewers"][0])
    body = client.get(f"/api/approvals/tasks/{task.pk}/").json()
    assert body["form_data"]["legal_rep_id"] == "1101**********0021"
    assert body["form_data"]["contact_phone"] == "138****8000"
    assert ID not in str(body) and PHONE not in str(body)
