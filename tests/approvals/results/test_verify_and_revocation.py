"""The public verify page: signed tokens over the public id (tampering → invalid, 404), minimal
masked data, valid / expired / revoked; a revocation reaches the certificate and the register in
the revoking transaction."""

import datetime

from django.db import transaction
from django.urls import reverse

from approvals.models import Application
from approvals.results import documents
from approvals.results import services as results
from approvals.results.models import Certificate, CertificateState, Publication, PublicationStatus
from approvals.services.applications import application_transition
from approvals.workflow import ApplicationStatus
from portal.clocks.models import Clock
from tests.approvals.results.conftest import TODAY, grant

A = ApplicationStatus
REASON = "告知承诺核查：承诺的经营场所与实际不符"


def revoke(app, reason=REASON):
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=app.pk)
        application_transition(locked, A.REVOKED, actor=None, reason=reason)


def verify(client, certificate):
    return client.get(documents.verify_path(certificate))


def test_the_token_is_signed_over_the_public_id_not_the_key(city):
    certificate = Certificate.objects.get(application=grant(city))
    token = documents.verify_token(certificate)
    assert certificate.public_id.hex in token
    assert str(certificate.pk) != token.split(":")[0]
    assert documents.public_id_from_token(token) == certificate.public_id


def test_a_valid_certificate_shows_minimal_masked_data(city, client):
    app = grant(city)
    certificate = Certificate.objects.get(application=app)
    results.certificate_issue(actor=city["clerk"], application=app)
    response = verify(client, certificate)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="valid"' in html
    assert certificate.serial in html and "食品经营许可证" in html and "云溪市行政审批局" in html
    assert "张*丰" in html
    assert "张三丰" not in html and "11010119900307123X" not in html and app.number not in html


def test_a_tampered_or_unknown_token_is_invalid(city, client):
    certificate = Certificate.objects.get(application=grant(city))
    token = documents.verify_token(certificate)
    value, signature = token.split(":")
    forged_value = ("0" if value[0] != "0" else "1") + value[1:]
    for bad in (
        f"{forged_value}:{signature}",
        f"{value}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        value,
        "not-a-token",
        f"{'f' * 32}:{signature}",
    ):
        response = client.get(reverse("results_verify:verify", kwargs={"token": bad}))
        assert response.status_code == 404, bad
        assert 'data-state="invalid"' in response.content.decode()
    # A token for a certificate that no longer exists (well-signed, unknown id) is invalid too.
    from django.core import signing

    from approvals.results import conf

    unknown = signing.Signer(salt=conf.VERIFY_SALT).sign("0" * 32)
    assert client.get(reverse("results_verify:verify", kwargs={"token": unknown})).status_code == 404
    # Signed with another salt (e.g. another feature's token): invalid.
    other = signing.Signer(salt="something-else").sign(certificate.public_id.hex)
    assert client.get(reverse("results_verify:verify", kwargs={"token": other})).status_code == 404


def test_an_expired_certificate_says_so(city, client, today):
    app = grant(city)
    certificate = Certificate.objects.get(application=app)
    results.certificate_issue(actor=city["clerk"], application=app)
    assert certificate.valid_until == datetime.date(2031, 11, 1)
    today(datetime.date(2031, 11, 1))
    assert 'data-state="valid"' in verify(client, certificate).content.decode()
    today(datetime.date(2031, 11, 2))
    assert 'data-state="expired"' in verify(client, certificate).content.decode()


def test_revocation_revokes_certificate_and_publication_in_the_same_transaction(city, client):
    app = grant(city)
    results.certificate_issue(actor=city["clerk"], application=app)
    certificate = Certificate.objects.get(application=app)
    revoke(app)
    certificate.refresh_from_db()
    assert certificate.state == CertificateState.REVOKED
    assert certificate.revoked_on == TODAY and certificate.revoked_reason == REASON
    publication = Publication.objects.get(application=app)
    assert publication.status == PublicationStatus.REVOKED and publication.revoked_on == TODAY
    html = verify(client, certificate).content.decode()
    assert 'data-state="revoked"' in html and "2026-11-02" in html
    register = client.get(reverse("results:register")).content.decode()
    assert 'data-status="revoked"' in register


def test_a_revocation_that_fails_leaves_everything_as_it_was(city):
    app = grant(city)
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=app.pk)
            application_transition(locked, A.REVOKED, actor=None, reason=REASON)
            raise RuntimeError("the verification step failed afterwards")
    except RuntimeError:
        pass
    assert Certificate.objects.get(application=app).state == CertificateState.AWAITING
    assert Publication.objects.get(application=app).status == PublicationStatus.PUBLISHED


def test_revoking_before_issue_stops_the_issue_clock(city):
    app = grant(city)
    revoke(app)
    clock = Clock.objects.get(subject_id=str(app.pk), purpose="issue")
    assert clock.state == "stopped"
