"""Progress reports come only from the lead and cooperating units; attachments are size- and
type-checked and served, as attachments, only to people who may see the matter. Completion is
reported by the lead and accepted (or returned) by the raiser; the office rates the units."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from coordination.matters import services
from coordination.matters.models import MatterRating, ReportAttachment
from portal.errors import DomainError, TransitionNotAllowed
from tests.factories.matters import make_matter

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path):
    with override_settings(MEDIA_ROOT=str(tmp_path)):
        yield


def test_non_members_may_not_report(p):
    matter = make_matter(p, lead="data", cooperating=("company",))
    for outsider in (p["police_staff"], p["outsider"], p["urban_staff"]):
        with pytest.raises(PermissionDenied):
            services.progress_report_submit(actor=outsider, matter=matter, text="我来汇报")
    assert not matter.reports.exists()


def test_non_members_may_not_post_a_report_page(p, client):
    matter = make_matter(p, lead="data", cooperating=("company",))
    client.force_login(p["police_staff"])
    assert client.post(f"/matters/{matter.pk}/report/", {"text": "x"}).status_code == 404
    client.force_login(p["coordinator"])  # sees it, but is neither lead nor cooperating
    assert client.post(f"/matters/{matter.pk}/report/", {"text": "x"}).status_code == 403
    assert not matter.reports.exists()


def test_uploads_are_checked(p, client):
    matter = make_matter(p, lead="data")
    client.force_login(p["steward"])
    fake = SimpleUploadedFile("评审意见.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(f"/matters/{matter.pk}/report/", {"text": "进展", "files": [fake]})
    assert response.status_code == 400
    assert "is not a real PDF file" in response.content.decode()
    exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(f"/matters/{matter.pk}/report/", {"text": "进展", "files": [exe]})
    assert "Files of this type are not accepted here" in response.content.decode()
    with override_settings(MATTER_ATTACHMENT_MAX_MB=1):
        from coordination.matters import conf

        old, conf.ATTACHMENT_MAX_MB = conf.ATTACHMENT_MAX_MB, 1
        try:
            big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024 + 1))
            with pytest.raises(DomainError) as exc:
                services.progress_report_submit(actor=p["steward"], matter=matter, text="x", files=[big])
            assert exc.value.field == "files"
        finally:
            conf.ATTACHMENT_MAX_MB = old
    assert not matter.reports.exists() and not ReportAttachment.objects.exists()


def test_attachments_are_served_only_in_scope(p, client):
    matter = make_matter(p, lead="data", cooperating=("company",))
    client.force_login(p["enterprise"])
    upload = SimpleUploadedFile("联调报告.pdf", PDF, content_type="application/pdf")
    response = client.post(f"/matters/{matter.pk}/report/", {"text": "接口联调完成", "files": [upload]})
    assert response.status_code == 302
    row = ReportAttachment.objects.get()
    assert row.report.unit == p["company"] and row.original_name == "联调报告.pdf"
    url = f"/matters/attachments/{row.pk}/"
    for allowed in (p["steward"], p["leader"], p["enterprise"]):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    for outsider in (p["police_staff"], p["outsider"]):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_completion_is_reported_by_the_lead_and_accepted_by_the_raiser(p):
    matter = make_matter(p, lead="data", cooperating=("company",))
    with pytest.raises(PermissionDenied):
        services.matter_report_completion(actor=p["enterprise"], matter=matter, text="完成")
    services.matter_report_completion(actor=p["steward"], matter=matter, text="平台已上线")
    with pytest.raises(PermissionDenied):
        services.matter_accept(actor=p["steward"], matter=matter)
    services.matter_return(actor=p["coordinator"], matter=matter, reason="缺少验收报告")
    matter.refresh_from_db()
    assert matter.status == "in_progress" and matter.status_reason == "缺少验收报告"
    services.matter_report_completion(actor=p["steward"], matter=matter, text="补充验收报告")
    services.matter_accept(actor=p["coordinator"], matter=matter)
    matter.refresh_from_db()
    assert matter.status == "completed" and matter.progress == 100
    with pytest.raises(TransitionNotAllowed):
        services.progress_report_submit(actor=p["steward"], matter=matter, text="再汇报")


def test_a_parent_is_accepted_only_when_its_sub_matters_are_finished(p):
    from portal.errors import Conflict

    parent = make_matter(p, lead="data")
    make_matter(p, lead="urban", parent=parent, title="子事项")
    services.matter_report_completion(actor=p["steward"], matter=parent, text="完成")
    with pytest.raises(Conflict):
        services.matter_accept(actor=p["coordinator"], matter=parent)


def test_the_office_rates_participating_units(p):
    matter = make_matter(p, lead="data", cooperating=("company",))
    services.matter_rate(
        actor=p["coordinator"], matter=matter, unit=p["company"], grade="good", comment="配合积极"
    )
    services.matter_rate(actor=p["coordinator"], matter=matter, unit=p["company"], grade="excellent")
    assert MatterRating.objects.get(matter=matter, unit=p["company"]).grade == "excellent"
    with pytest.raises(DomainError):
        services.matter_rate(actor=p["coordinator"], matter=matter, unit=p["police"], grade="good")
    with pytest.raises(PermissionDenied):
        services.matter_rate(actor=p["steward"], matter=matter, unit=p["data"], grade="excellent")


def test_cancel_needs_a_reason_and_stops_the_clock(p, client):
    matter = make_matter(p, lead="data")
    client.force_login(p["coordinator"])
    response = client.post(f"/matters/{matter.pk}/cancel/", {"reason": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert client.post(f"/matters/{matter.pk}/cancel/", {"reason": "任务取消"}).status_code == 302
    matter.refresh_from_db()
    assert matter.status == "cancelled" and matter.clock.state == "stopped"
