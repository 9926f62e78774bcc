"""The pages: scoping (404), forms through services, the report PDF, the public score, query counts."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from operations.performance import services
from operations.performance.models import Evaluation, MonitoringRecord, State

from .conftest import run_to_review


def test_monitoring_data_through_the_page_and_the_api(client, ppp):
    client.force_login(ppp.company_rep)
    url = reverse("performance:project", args=[ppp.project.code])
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("performance:record-add", args=[ppp.project.code]),
        {
            "indicator": ppp.leaves["O1a"].pk,
            "period_start": "2024-01-01",
            "period_end": "2024-03-31",
            "value": "99.4",
            "source": "self_report",
        },
    )
    assert response.status_code == 302
    assert MonitoringRecord.objects.get().value == Decimal("99.4")
    api = client.post(
        reverse("performance:api-records"),
        {
            "project": ppp.project.code,
            "indicator": "O1b",
            "period_start": "2024-01-01",
            "period_end": "2024-03-31",
            "value": "2",
        },
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["source"] == "feed"


def test_other_users_get_404(client, ppp):
    evaluation = run_to_review(ppp)
    for user in (ppp.outsider, ppp.evaluator):
        client.force_login(user)
        assert client.get(reverse("performance:evaluation", args=[evaluation.pk])).status_code == 404
        assert client.get(reverse("performance:report", args=[evaluation.pk])).status_code == 404
    client.force_login(ppp.outsider)
    assert client.get(reverse("performance:project", args=[ppp.project.code])).status_code == 404
    api = client.post(
        reverse("performance:api-records"),
        {
            "project": ppp.project.code,
            "indicator": "O1a",
            "period_start": "2024-01-01",
            "period_end": "2024-01-31",
            "value": "1",
        },
        content_type="application/json",
    )
    assert api.status_code == 404


def test_the_workflow_through_the_pages(client, ppp):
    evaluation = run_to_review(ppp)
    client.force_login(ppp.company_rep)
    page = client.get(reverse("performance:evaluation", args=[evaluation.pk]))
    assert b'value="approve"' not in page.content
    client.force_login(ppp.manager)
    page = client.get(reverse("performance:evaluation", args=[evaluation.pk]))
    assert b'value="approve"' in page.content
    client.post(reverse("performance:transition", args=[evaluation.pk]), {"action": "approve"})
    client.post(reverse("performance:calculate", args=[evaluation.pk]), {"events": ""})
    evaluation.refresh_from_db()
    assert evaluation.state == State.APPROVED and evaluation.calculation.amount == Decimal("900000.00")
    client.post(
        reverse("performance:payment", args=[evaluation.pk]),
        {"amount": "900000.00", "paid_on": "2025-03-01", "reference": "ZF-2025-01"},
    )
    assert evaluation.calculation.payments.get().reference == "ZF-2025-01"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler-utils)")
def test_the_report_pdf_has_extractable_chinese_text(client, ppp):
    evaluation = run_to_review(ppp)
    client.force_login(ppp.manager)
    response = client.get(reverse("performance:report", args=[evaluation.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "智慧停车" in text
    assert "绩效评价报告" in text or "Performance evaluation report" in text
    assert "系统可用率" in text and "100.00" in text


def test_the_public_page_shows_the_latest_published_score(client, ppp):
    ppp.project.published = True
    ppp.project.save(update_fields=["published"])
    public = reverse("operations:public-project", args=[ppp.project.code])
    evaluation = run_to_review(ppp, {"O1a": "98.5", "O1b": "3", "E1a": "85", "M1a": "1", "M1b": "80"})
    services.evaluation_transition(actor=ppp.manager, evaluation=evaluation, action="approve")
    assert "71.43" not in client.get(public).content.decode()
    services.evaluation_transition(actor=ppp.manager, evaluation=evaluation, action="publish")
    assert "71.43" in client.get(public).content.decode()
    client.force_login(ppp.manager)
    detail = client.get(reverse("operations:project", args=[ppp.project.code])).content.decode()
    assert 'id="performance-panel"' in detail and "71.43" in detail


def test_the_ocds_export_carries_metrics_and_payments(client, ppp):
    ppp.project.published = True
    ppp.project.save(update_fields=["published"])
    ppp.project.contracts.create(title="PPP项目合同", number="HT-1", signed_on=datetime.date(2021, 3, 1))
    evaluation = run_to_review(ppp)
    services.evaluation_transition(actor=ppp.manager, evaluation=evaluation, action="approve")
    calculation = services.calculation_create(actor=ppp.manager, evaluation=evaluation)
    services.payment_record(
        actor=ppp.manager,
        calculation=calculation,
        amount="900000",
        paid_on=datetime.date(2025, 3, 1),
        reference="ZF-9",
    )
    services.evaluation_transition(actor=ppp.manager, evaluation=evaluation, action="publish")
    record = client.get(reverse("operations:ocds-record", args=[ppp.project.code])).json()
    contract = record["records"][0]["compiledRelease"]["contracts"][0]
    assert {m["id"] for m in contract["agreedMetrics"]} == {"O1a", "O1b", "E1a", "M1a", "M1b"}
    assert contract["implementation"]["metrics"][0]["observations"][0]["measure"] == 100.0
    assert contract["implementation"]["transactions"][0]["value"] == {"amount": 900000, "currency": "CNY"}


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _year_of_history(c, year):
    evaluation = run_to_review(c, period=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    services.evaluation_transition(actor=c.manager, evaluation=evaluation, action="approve")
    calculation = services.calculation_create(actor=c.manager, evaluation=evaluation)
    services.payment_record(
        actor=c.manager,
        calculation=calculation,
        amount="1",
        paid_on=datetime.date(year + 1, 2, 1),
        reference=f"R{year}",
    )
    services.record_add(
        actor=c.company_rep,
        indicator=c.leaves["O1a"],
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        value="99",
    )


def test_query_counts_do_not_grow_with_the_data(client, ppp):
    _year_of_history(ppp, 2022)
    client.force_login(ppp.manager)
    urls = [reverse("performance:list"), reverse("performance:project", args=[ppp.project.code])]
    first = [_count(client, url) for url in urls]
    for year in (2023, 2024, 2025):
        _year_of_history(ppp, year)
    assert Evaluation.objects.count() == 4
    assert [_count(client, url) for url in urls] == first


def test_the_framework_editor(client, people, project):
    import json

    from .conftest import sample_tree

    url = reverse("performance:framework", args=[project.code])
    client.force_login(people.company_rep)
    assert client.get(url).status_code == 404  # the company has no project yet
    client.force_login(people.agency_official)
    assert client.get(url).status_code == 200
    bad = client.post(url, {"tree": "[", "goals": ""}, follow=True)
    assert "not valid JSON" in bad.content.decode()
    tree = sample_tree()
    tree[0]["weight"] = "0.6"
    refused = client.post(url, {"tree": json.dumps(tree), "goals": ""}, follow=True)
    assert "add up to" in refused.content.decode()
    saved = client.post(url, {"tree": json.dumps(sample_tree()), "goals": "稳定运行"})
    assert saved.status_code == 302
    assert project.frameworks.get().indicators.count() == 11
    page = client.get(url).content.decode()
    assert "系统可用率" in page and "per_event" in page


def test_evidence_files_are_served_only_to_those_who_see_the_evaluation(client, ppp, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    evaluation = run_to_review(ppp)
    services.evaluation_transition(actor=ppp.manager, evaluation=evaluation, action="return")
    client.force_login(ppp.agency_official)
    response = client.post(
        reverse("performance:score", args=[evaluation.pk]),
        {
            "indicator": ppp.leaves["O1a"].pk,
            "value": "99.9",
            "evidence_text": "",
            "evidence_file": SimpleUploadedFile(
                "check.pdf", b"%PDF-1.4 evidence", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    score = evaluation.scores.get(indicator=ppp.leaves["O1a"], stage="agency")
    assert score.evidence_file
    url = reverse("performance:evidence", args=[evaluation.pk, score.pk])
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 evidence"
    client.force_login(ppp.outsider)
    assert client.get(url).status_code == 404
    client.force_login(ppp.agency_official)
    bad = client.post(
        reverse("performance:score", args=[evaluation.pk]),
        {
            "indicator": ppp.leaves["O1a"].pk,
            "value": "99",
            "evidence_file": SimpleUploadedFile("x.exe", b"MZ"),
        },
        follow=True,
    )
    assert "Upload a PDF" in bad.content.decode()
