"""OCDS 1.1 with the OCDS-for-PPPs profile: one `ocid` per project.

Every service that changes a project records a release (`record_release`): its tag, date and the
sections that changed, built from the project as it is then. The record package compiles the
project's current state (`compiledRelease`) and links every release; the release package holds the
releases themselves. Personal data (ID numbers, key staff) never enters the export, and documents
appear only once their disclosure timing allows.

Money is Decimal in the database and a JSON number here (the schema's `amount` is a number):
exact for amounts of up to 15 significant digits. Hooks for performance and payment
(`contracts[].implementation.transactions`, `agreedMetrics`, `implementation.metrics`) are filled by
the functions registered with `register_contract_hook`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from operations import conf

OCDS_VERSION = "1.1"
PPP_EXTENSION = "https://standard.open-contracting.org/profiles/ppp/extension/1__0__0__beta4/extension.json"
LICENSE = "https://opendatacommons.org/licenses/pddl/1.0/"
CURRENCY = "CNY"

# Functions (project, contract_json) -> None that add implementation data to an exported contract
# (the performance app registers transactions and metrics here).
_contract_hooks: list[Callable] = []


def register_contract_hook(hook: Callable) -> None:
    if hook not in _contract_hooks:
        _contract_hooks.append(hook)


def ocid(project) -> str:
    return f"{conf.ocid_prefix()}{project.code}"


def _amount(value: Decimal | None):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def money(value: Decimal | None) -> dict | None:
    return None if value is None else {"amount": _amount(value), "currency": CURRENCY}


def _dt(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    start = datetime.datetime.combine(value, datetime.time(0, 0))
    return timezone.make_aware(start).isoformat(timespec="seconds")


def _end_dt(value) -> str | None:
    if value is None:
        return None
    end = datetime.datetime.combine(value, datetime.time(23, 59, 59))
    return timezone.make_aware(end).isoformat(timespec="seconds")


def party_id(unit) -> str:
    return f"CN-USCC-{unit.uscc}" if unit.uscc else f"X-YX-ORG-{unit.code}"


def party_ref(unit) -> dict:
    return {"id": party_id(unit), "name": unit.name}


# ----------------------------------------------------------------------------------------------
# Sections


def _parties(project) -> list[dict]:
    from operations.models import Bid
    from operations.selectors import shareholdings_on

    parties: dict[str, dict] = {}

    def add(unit, *roles):
        if unit is None:
            return None
        entry = parties.setdefault(party_id(unit), {**party_ref(unit), "roles": []})
        if unit.uscc:
            entry["identifier"] = {"scheme": "CN-USCC", "id": unit.uscc, "legalName": unit.name}
        for role in roles:
            if role not in entry["roles"]:
                entry["roles"].append(role)
        return entry

    add(project.implementing_agency, "buyer", "procuringEntity")
    add(project.industry_authority, "publicAuthority")
    add(project.finance_department, "payer")
    company = add(project.project_company, "privateParty", "supplier", "projectCompany")
    if company is not None:
        holdings = shareholdings_on(timezone.localdate()).filter(company=project.project_company)
        company["shareholders"] = []
        for index, holding in enumerate(holdings.select_related("holder"), start=1):
            add(holding.holder, "equityInvestor")
            company["shareholders"].append(
                {
                    "id": str(index),
                    "shareholder": party_ref(holding.holder),
                    "shareholding": _amount(holding.ratio),
                    "votingRights": "ordinary"
                    if holding.voting_ratio is None
                    else "restricted"
                    if holding.voting_ratio < holding.ratio
                    else "additional"
                    if holding.voting_ratio > holding.ratio
                    else "ordinary",
                }
            )
    for bid in Bid.objects.filter(lot__tender__project=project).select_related("bidder"):
        add(bid.bidder, "tenderer", *(["supplier"] if bid.awarded else []))
    return list(parties.values())


def _document_url(project, document) -> str:
    from django.conf import settings
    from django.urls import reverse

    path = reverse("operations:public-document", args=[project.code, document.pk])
    return settings.NOTIFICATIONS_BASE_URL.rstrip("/") + path


def _documents(project) -> list[dict]:
    out = []
    for document in project.documents.all():
        if not document.disclosed_for(project):
            continue
        out.append(
            {
                "id": str(document.pk),
                "documentType": DOCUMENT_TYPES.get(document.kind, "other"),
                "title": document.title,
                "url": _document_url(project, document) if document.file else None,
                "datePublished": _dt(document.issued_on),
                "language": "zh",
            }
        )
    return out


DOCUMENT_TYPES = {
    "implementation_plan": "pppModeRationale",
    "vfm": "valueForMoneyAnalysis",
    "affordability": "fiscalAffordabilityAnalysis",
    "feasibility": "feasibilityStudy",
    "tender_notice": "tenderNotice",
    "award_notice": "awardNotice",
    "contract": "contractSigned",
    "report": "projectReport",
}


def _milestones(project) -> list[dict]:
    today = timezone.localdate()
    out = []
    for milestone in project.milestones.all():
        if milestone.actual_on:
            status = "met"
        elif milestone.planned_on < today:
            status = "notMet"
        else:
            status = "scheduled"
        out.append(
            {
                "id": str(milestone.pk),
                "title": milestone.title,
                "type": milestone.kind or None,
                "dueDate": _end_dt(milestone.planned_on),
                "dateMet": _dt(milestone.actual_on),
                "status": status,
            }
        )
    return out


RISK_ALLOCATION = {"public": "publicAuthority", "private": "privateParty", "shared": "undefined"}


def _risks(project) -> list[dict]:
    return [
        {
            "id": str(risk.pk),
            "category": risk.category,
            "description": risk.description,
            "allocation": RISK_ALLOCATION[risk.allocation],
            "notes": "; ".join(
                part for part in ("shared" if risk.allocation == "shared" else "", risk.mitigation) if part
            )
            or None,
        }
        for risk in project.risks.all()
    ]


def _planning(project) -> dict:
    classifications = [
        {
            "scheme": "X-CN-PPP-MODE",
            "id": project.mode.upper(),
            "description": str(project.get_mode_display()),
        },
        {"scheme": "X-CN-PPP-REGIME", "id": project.regime, "description": str(project.get_regime_display())},
        {
            "scheme": "X-CN-PPP-RETURN",
            "id": project.return_mechanism,
            "description": str(project.get_return_mechanism_display()),
        },
        {"scheme": "X-CN-PPP-STAGE", "id": project.stage, "description": str(project.get_stage_display())},
    ]
    planning = {
        "project": {
            "id": project.code,
            "title": project.name,
            "description": project.description or None,
            "totalValue": money(project.total_investment),
            "sector": {"scheme": "X-YX-SECTOR", "id": project.sector, "description": project.sector},
            "additionalClassifications": classifications,
            "locations": [{"description": project.location}] if project.location else [],
        },
    }
    return {k: v for k, v in planning.items() if v is not None}


def _tender(project) -> dict | None:
    tender = project.tenders.order_by("-deadline").prefetch_related("lots__bids").first()
    if tender is None:
        return None
    bidders = {}
    for lot in tender.lots.all():
        for bid in lot.bids.all():
            bidders[bid.bidder_id] = bid.bidder
    return {
        "id": tender.reference,
        "title": tender.title,
        "procuringEntity": party_ref(project.implementing_agency),
        "procurementMethod": "open" if tender.method == "open" else "selective",
        "procurementMethodDetails": tender.method,
        "tenderPeriod": {"endDate": _end_dt(tender.deadline)},
        "numberOfTenderers": len(bidders),
        "tenderers": [party_ref(unit) for unit in bidders.values()],
    }


def _contracts(project) -> list[dict]:
    contracts = list(project.contracts.prefetch_related("amendments").select_related("counterparty"))
    risks = _risks(project)
    tariffs = [
        {
            "id": str(tariff.pk),
            "title": tariff.item,
            "paidBy": "user" if project.return_mechanism == "user_pay" else "government",
            "period": {"startDate": _dt(tariff.valid_from), "endDate": _end_dt(tariff.valid_until)},
            "value": money(tariff.price),
            "unit": {"name": tariff.unit},
        }
        for tariff in project.tariffs.all()
    ]
    out = []
    if not contracts:
        # Before signing, the risk allocation belongs to the planned contract.
        if risks or tariffs:
            out.append(
                {
                    "id": f"{project.code}-planned",
                    "awardID": f"{project.code}-award",
                    "title": project.name,
                    "status": "pending",
                    "riskAllocation": risks,
                    "tariffs": tariffs,
                    "implementation": {"transactions": [], "metrics": []},
                }
            )
        return out
    for index, contract in enumerate(contracts):
        entry = {
            "id": contract.number or str(contract.pk),
            "awardID": f"{project.code}-award",
            "title": contract.title,
            "description": contract.summary or None,
            "status": "active" if contract.signed_on else "pending",
            "dateSigned": _dt(contract.signed_on),
            "value": money(contract.value),
            "period": {"startDate": _dt(project.operation_start), "endDate": _end_dt(project.operation_end)},
            "signatories": [party_ref(project.implementing_agency)]
            + ([party_ref(contract.counterparty)] if contract.counterparty else []),
            "amendments": [
                {
                    "id": str(amendment.version),
                    "date": _dt(amendment.signed_on),
                    "rationale": amendment.rationale,
                    "description": ", ".join(sorted(amendment.changes)),
                }
                for amendment in contract.amendments.all()
            ],
            "implementation": {"transactions": [], "metrics": []},
            "agreedMetrics": [],
        }
        if index == 0:
            entry["riskAllocation"] = risks
            entry["tariffs"] = tariffs
        for hook in _contract_hooks:
            hook(project, entry)
        out.append(entry)
    return out


SECTION_BUILDERS = {
    "parties": lambda p: {"parties": _parties(p), "buyer": party_ref(p.implementing_agency)},
    "planning": lambda p: {"planning": _planning(p)},
    "documents": lambda p: {"planning": {"documents": _documents(p)}},
    "milestones": lambda p: {"planning": {"milestones": _milestones(p)}},
    "tender": lambda p: {"tender": _tender(p)},
    "contracts": lambda p: {"contracts": _contracts(p)},
    "risks": lambda p: {"contracts": _contracts(p)},
}
ALL_SECTIONS = ["parties", "planning", "documents", "milestones", "tender", "contracts"]


def prune(value):
    """Drop nulls, empty lists and empty objects (OCDS arrays have at least one item)."""
    if isinstance(value, dict):
        out = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None and v != [] and v != {}}
    if isinstance(value, list):
        return [v for v in (prune(v) for v in value) if v is not None and v != [] and v != {}]
    return value


def build(project, sections) -> dict:
    data: dict = {}
    for section in sections:
        for key, value in SECTION_BUILDERS[section](project).items():
            if value is None:
                continue
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key].update(value)
            else:
                data[key] = value
    return data


def _head(project, *, release_id: str, date, tags) -> dict:
    return {
        "ocid": ocid(project),
        "id": release_id,
        "date": _dt(date),
        "tag": list(tags),
        "initiationType": "tender",
        "language": "zh",
    }


def record_release(project, *, tags, sections, date=None):
    """Record one release of the project's changed sections (called by the services, inside their
    transaction)."""
    from operations.models import OcdsRelease, Project

    when = date if date is not None else timezone.now()
    if not isinstance(when, datetime.datetime):
        when = timezone.make_aware(datetime.datetime.combine(when, datetime.time(12, 0)))
    # Numbered under the project's row lock, so two changes at once never take the same number.
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk", flat=True).get()
    sequence = OcdsRelease.objects.filter(project=project).count() + 1
    release_id = f"{ocid(project)}-{sequence:04d}"
    sections = list(dict.fromkeys(["parties", *sections]))
    data = prune({**_head(project, release_id=release_id, date=when, tags=tags), **build(project, sections)})
    return OcdsRelease.objects.create(
        project=project, release_id=release_id, date=when, tags=list(tags), sections=sections, data=data
    )


def compiled_release(project) -> dict:
    latest = project.ocds_releases.order_by("-date", "-id").first()
    date = latest.date if latest else timezone.now()
    return prune(
        {
            **_head(project, release_id=f"{ocid(project)}-compiled", date=date, tags=["compiled"]),
            **build(project, ALL_SECTIONS),
        }
    )


def _package_head(uri: str) -> dict:
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _dt(timezone.now()),
        "publisher": {"name": conf.publisher_name()},
        "license": LICENSE,
        "extensions": [PPP_EXTENSION],
    }


def release_package(project, *, uri: str) -> dict:
    releases = [release.data for release in project.ocds_releases.order_by("date", "id")]
    if not releases:
        releases = [compiled_release(project)]
    return {**_package_head(uri), "releases": releases}


def record_package(project, *, uri: str, releases_uri: str) -> dict:
    return {
        **_package_head(uri),
        "records": [
            {
                "ocid": ocid(project),
                "releases": [
                    {
                        "url": f"{releases_uri}#{release.release_id}",
                        "date": _dt(release.date),
                        "tag": release.tags,
                    }
                    for release in project.ocds_releases.order_by("date", "id")
                ],
                "compiledRelease": compiled_release(project),
            }
        ],
    }
