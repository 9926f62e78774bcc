"""Admins edit certificate specifications and seals; results rows are read-only in admin."""

from django.urls import reverse

from approvals.results.models import Certificate, CertificateSpec
from tests.approvals.results.conftest import grant
from tests.factories import AdminFactory


def test_specs_and_seals_are_editable_and_results_read_only(client, city):
    grant(city)
    client.force_login(AdminFactory(username="root"))
    spec = CertificateSpec.objects.get()
    assert client.get(reverse("admin:results_certificatespec_change", args=[spec.pk])).status_code == 200
    assert client.get(reverse("admin:results_seal_add")).status_code == 200
    response = client.post(
        reverse("admin:results_certificatespec_change", args=[spec.pk]),
        {"item": spec.item_id, "title": "食品经营许可证（新版）", "validity_years": "0", "wording": ""},
    )
    assert response.status_code == 200 and "validity_years" in response.context["adminform"].form.errors
    certificate = Certificate.objects.get()
    assert client.get(reverse("admin:results_certificate_change", args=[certificate.pk])).status_code == 200
    assert client.get(reverse("admin:results_certificate_add")).status_code == 403
    assert client.get(reverse("admin:results_publication_changelist")).status_code == 200
