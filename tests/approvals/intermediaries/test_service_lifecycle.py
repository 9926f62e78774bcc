"""After the selection: the contract starts the promised service days on the platform clock
(outside the approval clock), the intermediary uploads the result, the owner returns or approves
it, attaches it to the linked application as a material, rates the service."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from approvals import services as approvals_services
from approvals.intermediaries import services
from approvals.models import ApplicationMaterial
from portal.clocks.models import Clock
from portal.errors import DomainError, TransitionNotAllowed
from tests.approvals.factories import ItemFactory
from tests.factories.intermediaries import post

PDF = b"%PDF-1.4\n% result\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def selected(market, **data):
    need = post(market["owner"], public_funds=False, budget_ceiling=Decimal(50000), mode="direct", **data)
    return services.need_direct_pick(actor=market["owner"], need=need, intermediary=market["firms"][0])


def test_contract_result_approval_and_rating(market):
    owner, firm = market["owner"], market["firms"][0]
    need = selected(market)
    with pytest.raises(DomainError):
        services.contract_file(actor=owner, need=need, contract_no="HT-1", amount=Decimal(60000))
    need = services.contract_file(actor=owner, need=need, contract_no="HT-1", amount=Decimal(45000))
    clock = Clock.objects.get(subject_id=str(need.pk), purpose=services.SERVICE_CLOCK)
    assert (
        clock.limit_days == 10 and clock.owner == owner and clock.subject_type.app_label == "intermediaries"
    )
    with pytest.raises(PermissionDenied):
        services.result_upload(
            actor=market["firms"][1].staff_user, need=need, uploaded_file=ContentFile(PDF, name="r.pdf")
        )
    with pytest.raises(DomainError):
        services.result_upload(
            actor=firm.staff_user, need=need, uploaded_file=ContentFile(b"MZ not a pdf", name="r.pdf")
        )
    need = services.result_upload(
        actor=firm.staff_user, need=need, uploaded_file=ContentFile(PDF, name="评估报告.pdf")
    )
    assert need.status == "delivered"
    clock.refresh_from_db()
    assert clock.state == "stopped"
    need = services.result_return(actor=owner, need=need, reason="缺少附图")
    assert need.status == "contracted"
    need = services.result_upload(
        actor=firm.staff_user, need=need, uploaded_file=ContentFile(PDF, name="评估报告v2.pdf")
    )
    with pytest.raises(TransitionNotAllowed):
        services.rating_submit(actor=owner, need=need, stars=5)
    need = services.result_approve(actor=owner, need=need)
    assert need.status == "completed"
    services.rating_submit(actor=owner, need=need, stars=5, comment="很好")
    from portal.errors import Conflict

    with pytest.raises(Conflict):
        services.rating_submit(actor=owner, need=need, stars=1)


def test_the_result_is_attached_to_the_owners_application_as_a_material(market):
    owner, firm = market["owner"], market["firms"][0]
    item = ItemFactory(published=True)
    application = approvals_services.application_create(actor=owner, item=item)
    need = selected(market, application=application)
    services.contract_file(actor=owner, need=need, contract_no="HT-2", amount=Decimal(30000))
    services.result_upload(
        actor=firm.staff_user, need=need, uploaded_file=ContentFile(PDF, name="评估报告.pdf")
    )
    need = services.result_approve(actor=owner, need=need)
    row = services.result_attach(actor=owner, need=need)
    assert row.application == application and row.original_name == "评估报告.pdf" and row.status == "provided"
    assert ApplicationMaterial.objects.filter(application=application).count() == 1
    from portal.errors import Conflict

    with pytest.raises(Conflict):
        services.result_attach(actor=owner, need=need)


def test_an_owner_cannot_link_someone_elses_application(market):
    item = ItemFactory(published=True)
    application = approvals_services.application_create(actor=market["other_owner"], item=item)
    with pytest.raises(DomainError):
        post(market["owner"], application=application)
