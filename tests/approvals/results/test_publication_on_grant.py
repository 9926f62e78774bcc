"""A grant is published in its own transaction: masked snapshot, certificates prepared, the
application moves GRANTED → PUBLISHED; a refusal is not published; a failure rolls both back."""

import pytest
from django.db import transaction

from approvals.models import StatusChange
from approvals.results import services as results_services
from approvals.results.models import Certificate, CertificateState, Publication
from approvals.workflow import ApplicationStatus
from portal.audit.models import AuditEvent
from tests.approvals.results.conftest import TODAY, grant

A = ApplicationStatus


def test_a_citizens_grant_is_published_masked_with_its_certificate(city):
    app = grant(city, conditions="经营场所不得超过120平方米；联系电话13812345678")
    assert app.status == A.PUBLISHED
    history = list(StatusChange.objects.filter(application=app).values_list("to_status", flat=True))
    assert history[-2:] == [A.GRANTED, A.PUBLISHED]
    publication = Publication.objects.get(application=app)
    assert publication.holder == "张*丰"
    assert not publication.holder_is_organisation
    assert publication.number == app.number
    assert publication.subject_name == "食品经营许可"
    assert publication.implementing_body_name == "云溪市行政审批局"
    assert publication.decided_on == TODAY
    assert "138****5678" in publication.conditions and "13812345678" not in publication.conditions
    certificate = Certificate.objects.get(application=app)
    assert certificate.state == CertificateState.AWAITING
    assert certificate.serial == f"YX-APPROVAL-{TODAY.year}-000001"
    assert publication.serials == certificate.serial
    assert certificate.holder_name == "张三丰" and certificate.holder_masked == "张*丰"
    assert certificate.title == "食品经营许可证"
    assert certificate.valid_from == TODAY and str(certificate.valid_until) == "2031-11-01"
    assert AuditEvent.objects.filter(action="publication.create", object_id=str(publication.pk)).exists()


def test_an_enterprise_is_published_under_its_full_name(city):
    app = grant(city, city["enterprise"])
    publication = Publication.objects.get(application=app)
    assert publication.holder == "云溪市好味餐饮有限公司" and publication.holder_is_organisation
    assert Certificate.objects.get(application=app).holder_code == "91640100MA76TEST0X"


def test_serials_follow_one_sequence_per_body_and_year(city):
    first, second = grant(city), grant(city, city["enterprise"])
    serials = [Certificate.objects.get(application=a).serial for a in (first, second)]
    assert serials == [f"YX-APPROVAL-{TODAY.year}-000001", f"YX-APPROVAL-{TODAY.year}-000002"]


def test_a_refusal_is_not_published(city):
    app = grant(city, grant_it=False)
    assert app.status == A.REFUSED
    assert not Publication.objects.exists() and not Certificate.objects.exists()


def test_publication_failing_rolls_back_the_grant(city, monkeypatch):
    def broken(application):
        raise RuntimeError("publication failed")

    monkeypatch.setattr(results_services, "publish_on_grant", broken)
    with pytest.raises(RuntimeError):
        grant(city)
    app = city["citizen"].applications.get()
    assert app.status == A.CONSOLIDATING  # the grant itself was rolled back with it
    assert not Publication.objects.exists()


def test_publication_is_written_in_the_grant_transaction(city):
    """Inside one atomic block the grant and the publication are visible together, before commit."""
    with transaction.atomic():
        app = grant(city)
        assert Publication.objects.filter(application=app).exists()
        assert app.status == A.PUBLISHED
