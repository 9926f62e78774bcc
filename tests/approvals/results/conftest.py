"""Shared fixtures of the results tests: a bureau with a window clerk, a reviewer and a lead, an
item with a certificate specification, a citizen and an enterprise, and a helper that takes an
application through the approvals services up to the grant."""

import datetime

import pytest

from approvals import services
from approvals.models import Application
from approvals.results.models import CertificateSpec
from approvals.workflow import TaskStatus
from portal.clocks import services as clocks
from portal.models import UserKind
from tests.approvals.factories import ItemFactory
from tests.factories import OrgUnitFactory, UserFactory, staff

TODAY = datetime.date(2026, 11, 2)  # a Monday


@pytest.fixture
def today(monkeypatch):
    state = {"today": TODAY}
    monkeypatch.setattr(clocks, "local_today", lambda: state["today"])
    return lambda day: state.update(today=day)


def build_city() -> dict:
    """The bureau, its officials, an item with a certificate specification, and applicants."""
    bureau = OrgUnitFactory(code="yx-approval", name="云溪市行政审批局")
    other = OrgUnitFactory(code="yx-other", name="云溪市其他局")
    item = ItemFactory(
        code="FOOD",
        name="食品经营许可",
        implementing_body=bureau,
        published=True,
        delivery_options=["pickup", "express"],
        pledge_approval_allowed=True,
    )
    CertificateSpec.objects.create(
        item=item, title="食品经营许可证", validity_years=5, wording="准予从事食品经营活动。"
    )
    return {
        "bureau": bureau,
        "other": other,
        "item": item,
        "citizen": UserFactory(
            username="zhang", full_name="张三丰", id_number="11010119900307123X", phone="13812345678"
        ),
        "enterprise": UserFactory(
            username="firm",
            full_name="李经办",
            kind=UserKind.ENTERPRISE,
            organisation_name="云溪市好味餐饮有限公司",
            uscc="91640100MA76TEST0X",
        ),
        "stranger": UserFactory(username="stranger", full_name="王五"),
        "clerk": staff(bureau, "window_clerk", "clerk", full_name="窗口小刘"),
        "reviewer": staff(bureau, "reviewer", "reviewer", full_name="审查员老周"),
        "lead": staff(bureau, "lead_coordinator", "lead", full_name="牵头人老吴"),
        "other_clerk": staff(other, "window_clerk", "other-clerk"),
    }


@pytest.fixture
def city(db, today):
    return build_city()


def grant(city, applicant=None, *, conditions="", grant_it=True) -> Application:
    """Submit, accept, review and decide an application for the city's item; return it reloaded."""
    applicant = applicant or city["citizen"]
    app = services.application_create(actor=applicant, item=city["item"])
    app = services.application_submit(actor=applicant, application=app, form_data={})
    app = services.application_accept(actor=city["clerk"], application=app)
    task = app.tasks.get()
    services.task_claim(actor=city["reviewer"], task=task)
    services.task_decide(
        actor=city["reviewer"],
        task=task,
        decision=TaskStatus.APPROVED_WITH_CONDITIONS if conditions else TaskStatus.APPROVED,
        opinion="同意",
        conditions=conditions,
    )
    services.application_decide(
        actor=city["lead"], application=app, grant=grant_it, reasons="" if grant_it else "不符合条件"
    )
    return Application.objects.get(pk=app.pk)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Certificates and seals are written under a temporary MEDIA_ROOT, not the checkout's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
