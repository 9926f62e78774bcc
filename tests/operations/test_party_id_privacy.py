"""A legal representative's ID number (personal data, issue 10): encrypted at rest, never
prefilled in the profile form, masked on the page, shown in full to PPP managers on request
(audited); an empty input keeps the stored number."""

from django.db import connection
from django.urls import reverse

from operations import services
from operations.models import PartyProfile
from portal.audit.models import AuditEvent
from portal.pii import blind_index

ID = "110101199001011237"
MASKED = "1101**********1237"


def test_the_id_number_is_masked_kept_and_revealed_to_ppp_managers_only(client, city):
    services.party_profile_save(
        actor=None, unit=city.spv, data={"legal_rep_name": "张三", "legal_rep_id_number": ID}
    )
    profile = PartyProfile.objects.get(unit=city.spv)
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_rep_id_number FROM operations_partyprofile WHERE id = %s", [profile.pk])
        assert ID not in cursor.fetchone()[0]
    page_url = reverse("operations:party", args=[city.spv.code])
    reveal_url = reverse("operations:party-id-number", args=[city.spv.code])

    client.force_login(city.manager)
    page = client.get(page_url).content.decode()
    assert ID not in page and MASKED in page and reveal_url in page
    # Saving the form with the ID number left empty keeps it.
    response = client.post(page_url, {"legal_rep_name": "张三丰", "legal_rep_id_number": ""})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.legal_rep_name, profile.legal_rep_id_number) == ("张三丰", ID)
    assert profile.legal_rep_id_number_hash == blind_index("id_number", ID)
    response = client.post(reveal_url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and ID in response.content.decode()
    event = AuditEvent.objects.get(action="pii.reveal", object_id=str(profile.pk))
    assert event.actor_id == city.manager.pk and ID not in str(event.after) + event.reason

    for other in (city.agency_official, city.company_rep, city.citizen):
        client.force_login(other)
        assert client.post(reveal_url).status_code == 403
    assert AuditEvent.objects.filter(action="pii.reveal").count() == 1
