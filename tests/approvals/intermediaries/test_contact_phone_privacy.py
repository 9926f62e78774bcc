"""An intermediary's contact phone (personal data, issue 10): encrypted at rest, masked on the
regulator's page, shown in full to the regulator only on request, and that view audited."""

from django.db import connection
from django.urls import reverse

from portal.audit.models import AuditEvent
from tests.factories import PASSWORD

PHONE = "0790-1234567"


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_the_contact_phone_is_masked_and_revealed_only_to_the_regulator(client, market):
    firm = market["firms"][0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM intermediaries_intermediary WHERE id = %s", [firm.pk])
        assert PHONE not in cursor.fetchone()[0]
    url = reverse("intermediaries:regulate-contact-phone", args=[firm.pk])

    _login(client, market["regulator"])
    page = client.get(reverse("intermediaries:regulate-intermediary", args=[firm.pk])).content.decode()
    assert "****-***4567" in page and PHONE not in page and url in page
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and PHONE in response.content.decode()
    event = AuditEvent.objects.get(action="pii.reveal", object_id=str(firm.pk))
    assert event.actor_id == market["regulator"].pk and event.after == {"field": "contact_phone"}
    assert PHONE not in str(event.after) + event.reason

    for other in (market["official"], market["owner"], firm.staff_user):
        _login(client, other)
        assert client.post(url).status_code == 403
    assert AuditEvent.objects.filter(action="pii.reveal").count() == 1
