"""Demo results for 云溪市: certificate specifications, the approval bureau's seal, and four
applications taken through the approvals services so that the public register shows every state:

- the enterprise's 食品经营许可: granted and issued (its verify URL is printed in the summary);
- the citizen's 门头招牌 approval: granted, certificate awaiting issue (the clerk's queue);
- the enterprise's business registration: issued, picked up, delivered;
- the citizen's 食品经营许可 under 告知承诺: issued, then revoked (the pledge proved false).

Runs after approvals' demo (`manage.py seed_demo`) on SQLite without Redis. Idempotent: a case is
created only when its applicant has no published application for its item yet.
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from approvals import services as approvals_services
from approvals.models import AcceptanceMode, Application, FieldKind, Item, PledgeVerification
from approvals.workflow import ApplicationStatus, TaskStatus
from coordination.models import OrgUnit
from portal.models import User

from . import documents, services
from .models import Certificate, CertificateSpec, Seal

A = ApplicationStatus

SPECS = {
    "YX-SC-001": (
        "营业执照",
        None,
        "准予设立登记。凭本执照依法从事经营活动，经营范围中属于依法须经批准的项目，经相关部门批准后方可开展经营活动。",
    ),
    "YX-SC-002": (
        "食品经营许可证",
        5,
        "准予从事下列食品经营活动。许可证有效期内，许可事项发生变化的，应当依法申请变更。",
    ),
    "YX-XF-001": (
        "公众聚集场所投入使用、营业前消防安全检查合格证",
        None,
        "经检查，该场所符合消防安全要求，准予投入使用、营业。",
    ),
    "YX-CG-001": (
        "户外广告设施设置许可决定书",
        3,
        "准予按照核准的位置、规格和形式设置户外广告设施（门头招牌）。",
    ),
    "YX-YP-001": ("药品经营许可证", 5, "准予从事药品零售经营活动。"),
    "YX-GA-001": ("特种行业许可证", None, "准予经营旅馆业。"),
}

VALUES = {
    "applicant_name": "云溪数字科技有限公司",
    "legal_rep": "刘经理",
    "contact_phone": "13900001234",
    "contact_email": "enterprise@demo.smartcity.example",
    "premises_address": "云溪市江滨区滨江路88号",
    "business_area": "120",
    "business_scope": "餐饮服务；食品销售",
    "registered_capital": "100",
    "seat_count": "40",
    "occupancy": "60",
    "floors": "1层",
    "sign_text": "云溪小馆",
    "sign_area": "6",
}

# case, username, item code, acceptance mode, conditions
CASES = [
    (
        "issued",
        "enterprise",
        "YX-SC-002",
        AcceptanceMode.NORMAL,
        "仅限经营热食类、冷食类食品；不得超出核定场所经营。",
    ),
    ("awaiting", "citizen", "YX-CG-001", AcceptanceMode.NORMAL, ""),
    ("delivered", "enterprise", "YX-SC-001", AcceptanceMode.NORMAL, ""),
    ("revoked", "citizen", "YX-SC-002", AcceptanceMode.COMMITMENT, ""),
]


def _form_data(item: Item, applicant: User) -> dict:
    data = {}
    for field in item.form_fields.all():
        if field.kind == FieldKind.CHOICE:
            data[field.key] = field.choices[0] if field.choices else ""
        elif field.kind == FieldKind.ID_NUMBER:
            data[field.key] = applicant.id_number or "360902199001010012"
        elif field.kind == FieldKind.DATE:
            data[field.key] = "2026-12-01"
        elif field.key == "applicant_name" and applicant.kind != "enterprise":
            data[field.key] = applicant.get_full_name()
        else:
            data[field.key] = VALUES.get(field.key, "见附件" if field.required else "")
    if applicant.kind == "enterprise":
        unit = OrgUnit.objects.filter(code="yx-digital").first()
        if unit is not None and unit.uscc:
            data["uscc"] = unit.uscc
    return data


def _granted(applicant: User, item: Item, mode: str, conditions: str, case: str) -> Application:
    clerk = User.objects.get(username="clerk")
    reviewer = User.objects.get(username="reviewer")
    coordinator = User.objects.get(username="coordinator")
    app = approvals_services.application_create(actor=applicant, item=item)
    app = approvals_services.application_submit(
        actor=applicant, application=app, form_data={**_form_data(item, applicant), "demo_case": case}
    )
    app = approvals_services.application_accept(actor=clerk, application=app, mode=mode)
    for task in app.tasks.all():
        approvals_services.task_claim(actor=reviewer, task=task)
        approvals_services.task_decide(
            actor=reviewer,
            task=task,
            decision=TaskStatus.APPROVED_WITH_CONDITIONS if conditions else TaskStatus.APPROVED,
            opinion="经审查，申请材料齐全，符合法定形式和条件，同意。",
            conditions=conditions,
        )
    approvals_services.application_decide(actor=coordinator, application=app, grant=True)
    return Application.objects.get(pk=app.pk)


def _specs() -> None:
    for code, (title, years, wording) in SPECS.items():
        item = Item.objects.filter(code=code).first()
        if item is not None:
            CertificateSpec.objects.get_or_create(
                item=item, defaults={"title": title, "validity_years": years, "wording": wording}
            )


def _seal() -> None:
    bureau = OrgUnit.objects.filter(code="yx-approval").first()
    if bureau is None or Seal.objects.filter(unit=bureau).exists():
        return
    legend = "行政审批专用章"
    seal = Seal(unit=bureau, legend=legend)
    seal.image.save(
        "seal.svg", ContentFile(documents.seal_svg(bureau.name, legend).encode("utf-8")), save=False
    )
    seal.save()


def _run(case: str, app: Application) -> None:
    clerk = User.objects.get(username="clerk")
    if case == "awaiting":
        return
    services.certificate_issue(actor=clerk, application=app)
    if case == "issued":
        services.delivery_choose(
            actor=app.applicant,
            application=app,
            method="express",
            recipient="刘经理",
            phone="13900001234",
            address="云溪市江滨区滨江路88号云溪数字科技有限公司",
        )
    elif case == "delivered":
        services.delivery_choose(actor=app.applicant, application=app, method="pickup")
        services.delivery_ready(actor=clerk, application=app)
        services.delivery_confirm(actor=clerk, application=app)
    elif case == "revoked":
        # 告知承诺: the lead department's reviewer finds the pledge false (approvals' verification
        # service revokes the grant and writes the credit record; this app revokes the certificate).
        approvals_services.pledge_verification_decide(
            actor=User.objects.get(username="reviewer"),
            verification=PledgeVerification.objects.get(application=app),
            kept=False,
            findings="申请人承诺的经营场所条件与实际情况不符。",
        )


def load_demo() -> str:
    """Create the demo results once; return a summary with the issued certificate's verify URL."""
    logins = ["clerk", "reviewer", "coordinator", "citizen", "enterprise"]
    if User.objects.filter(username__in=logins).count() != len(logins):
        return "skipped: the demo city's logins are missing"
    _specs()
    _seal()
    created = 0
    issued = None
    for case, username, code, mode, conditions in CASES:
        applicant = User.objects.get(username=username)
        item = Item.objects.filter(code=code, published=True).first()
        if item is None:
            continue
        # Other demos grant the same items to the same logins: find this loader's own cases by the
        # marker it stores in the form (a key no form field uses, so no page shows it).
        existing = Certificate.objects.filter(application__form_data__demo_case=case).first()
        if existing is None:
            app = _granted(applicant, item, mode, conditions, case)
            _run(case, app)
            created += 1
            existing = Certificate.objects.filter(application=app).first()
        if case == "issued":
            issued = existing
    verify = documents.verify_url(issued) if issued else "—"
    return f"{created} results created; public register /results/; verify an issued certificate: {verify}"
