"""Reads for the PPP pages, the export and the integrity checks."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from coordination.models import OrgUnit
from operations import permissions
from operations.models import (
    Bid,
    CatalogueEntry,
    CatalogueStatus,
    IntegrityFlag,
    PartyProfile,
    Project,
    ProjectDocument,
    Shareholding,
    StageTransition,
    Tender,
)

HALF = Decimal("0.5")

# ----------------------------------------------------------------------------------------------
# Control relationships


def shareholdings_on(on: datetime.date | None = None) -> QuerySet[Shareholding]:
    qs = Shareholding.objects.all()
    if on is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )
    return qs


@dataclass
class ControlGraph:
    """Who controls whom: direct or indirect (through controlled companies) voting over 50%."""

    controlled: dict[int, set[int]]  # controller unit id -> ids of the companies it controls

    def controls(self, a: int, b: int) -> bool:
        return b in self.controlled.get(a, set())

    def controllers_of(self, b: int) -> set[int]:
        return {a for a, companies in self.controlled.items() if b in companies}

    def relation(self, a: int, b: int) -> dict | None:
        """How two organisations are linked by control, or None: one controls the other, or one
        organisation controls both."""
        if self.controls(a, b):
            return {"kind": "controls", "controller": a, "controlled": b}
        if self.controls(b, a):
            return {"kind": "controls", "controller": b, "controlled": a}
        common = self.controllers_of(a) & self.controllers_of(b)
        if common:
            return {"kind": "common_controller", "controllers": sorted(common)}
        return None


def control_graph(on: datetime.date | None = None) -> ControlGraph:
    """Compute control on a date from the shareholdings valid then.

    A holder controls a company when its own voting share plus the voting shares of the companies
    it already controls exceed one half; repeated until nothing changes, so control passes down a
    chain (A controls B, B controls C: A controls C) and adds up across branches.
    """
    votes: dict[int, dict[int, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )  # company -> holder -> vote
    for holding in shareholdings_on(on):
        votes[holding.company_id][holding.holder_id] += holding.effective_voting
    holders = {h for company in votes.values() for h in company}
    controlled: dict[int, set[int]] = {h: set() for h in holders}
    changed = True
    while changed:
        changed = False
        for holder in holders:
            mine = controlled[holder]
            for company, by_holder in votes.items():
                if company in mine or company == holder:
                    continue
                total = by_holder.get(holder, Decimal(0)) + sum(
                    (v for h, v in by_holder.items() if h in mine), Decimal(0)
                )
                if total > HALF:
                    mine.add(company)
                    changed = True
    return ControlGraph(controlled={h: c for h, c in controlled.items() if c})


def same_legal_representative(a: PartyProfile | None, b: PartyProfile | None) -> bool:
    """Same person: by ID number when both have one, otherwise by name."""
    if a is None or b is None:
        return False
    if a.legal_rep_id_number_hash and b.legal_rep_id_number_hash:
        # Blind indexes (portal.pii): equal exactly when the normalised ID numbers are equal.
        return a.legal_rep_id_number_hash == b.legal_rep_id_number_hash
    return bool(a.legal_rep_name) and a.legal_rep_name.strip() == b.legal_rep_name.strip()


def related_parties(a: OrgUnit, b: OrgUnit, *, on: datetime.date | None = None, graph=None) -> dict | None:
    """Whether two organisations are related: control (direct, indirect, common) or the same legal
    representative. Returns the evidence, or None."""
    graph = graph or control_graph(on)
    relation = graph.relation(a.pk, b.pk)
    if relation:
        return relation
    profiles = {p.unit_id: p for p in PartyProfile.objects.filter(unit_id__in=[a.pk, b.pk])}
    if same_legal_representative(profiles.get(a.pk), profiles.get(b.pk)):
        return {"kind": "same_legal_rep", "name": profiles[a.pk].legal_rep_name}
    return None


# ----------------------------------------------------------------------------------------------
# Projects


def project_list(*, user, filters: dict | None = None) -> QuerySet[Project]:
    scope = permissions.project_scope(user)
    if scope is None:
        return Project.objects.none()
    qs = Project.objects.filter(scope).select_related(
        "implementing_agency", "finance_department", "project_company"
    )
    filters = filters or {}
    for name in ("regime", "stage", "sector"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("agency"):
        qs = qs.filter(implementing_agency__code=filters["agency"])
    if filters.get("q"):
        qs = qs.filter(Q(name__icontains=filters["q"]) | Q(code__icontains=filters["q"]))
    return qs.annotate(open_flags=Count("tenders__flags", filter=Q(tenders__flags__status="open"))).order_by(
        "code"
    )


def project_get(*, user, code: str) -> Project:
    """A project the user may see, or 404."""
    scope = permissions.project_scope(user)
    if scope is None:
        raise Http404
    try:
        return (
            Project.objects.filter(scope)
            .select_related(
                "implementing_agency", "industry_authority", "finance_department", "project_company"
            )
            .get(code=code)
        )
    except Project.DoesNotExist as exc:
        raise Http404 from exc


def published_project_get(*, code: str) -> Project:
    try:
        return Project.objects.select_related(
            "implementing_agency", "industry_authority", "finance_department", "project_company"
        ).get(code=code, published=True)
    except Project.DoesNotExist as exc:
        raise Http404 from exc


def published_projects() -> QuerySet[Project]:
    return Project.objects.filter(published=True).select_related("implementing_agency").order_by("code")


def project_parties(project: Project) -> list[OrgUnit]:
    ids = [
        project.implementing_agency_id,
        project.industry_authority_id,
        project.finance_department_id,
        project.project_company_id,
    ]
    ids = [i for i in ids if i]
    return list(OrgUnit.objects.filter(pk__in=ids))


def ownership_graph(project: Project, *, depth: int = 3) -> dict:
    """Nodes and links for the parties graph: the project's parties and the shareholdings around
    the project company (up the chain to `depth` levels)."""
    nodes: dict[int, dict] = {}
    links: list[dict] = []
    roles = [
        (project.implementing_agency, "implementing_agency"),
        (project.industry_authority, "industry_authority"),
        (project.finance_department, "finance_department"),
        (project.project_company, "project_company"),
    ]
    for unit, role in roles:
        if unit is not None:
            nodes.setdefault(unit.pk, {"id": str(unit.pk), "name": unit.name, "roles": []})["roles"].append(
                role
            )
    frontier = {project.project_company_id} if project.project_company_id else set()
    seen = set(frontier)
    holdings_all = list(shareholdings_on(datetime.date.today()).select_related("holder", "company"))
    for _level in range(depth):
        layer = [h for h in holdings_all if h.company_id in frontier]
        frontier = set()
        for holding in layer:
            nodes.setdefault(
                holding.holder_id, {"id": str(holding.holder_id), "name": holding.holder.name, "roles": []}
            )
            links.append(
                {
                    "source": str(holding.holder_id),
                    "target": str(holding.company_id),
                    "ratio": str(holding.ratio),
                }
            )
            if holding.holder_id not in seen:
                seen.add(holding.holder_id)
                frontier.add(holding.holder_id)
    return {"nodes": list(nodes.values()), "links": links}


def project_detail(*, project: Project) -> dict:
    tenders = (
        Tender.objects.filter(project=project)
        .prefetch_related(
            Prefetch("lots__bids", queryset=Bid.objects.select_related("bidder")),
            Prefetch("flags", queryset=IntegrityFlag.objects.select_related("lot", "resolved_by")),
        )
        .order_by("deadline")
    )
    return {
        "transitions": list(StageTransition.objects.filter(project=project).select_related("approved_by")),
        "documents": list(project.documents.all()),
        "milestones": list(project.milestones.all()),
        "risks": list(project.risks.all()),
        "contracts": list(project.contracts.prefetch_related("amendments").select_related("counterparty")),
        "tariffs": list(project.tariffs.all()),
        "tenders": list(tenders),
        "graph": ownership_graph(project),
    }


def disclosed_documents(project: Project) -> list[ProjectDocument]:
    return [d for d in project.documents.all() if d.disclosed_for(project)]


def catalogue_public() -> QuerySet[CatalogueEntry]:
    return CatalogueEntry.objects.exclude(status=CatalogueStatus.DRAFT)


def party_overview() -> dict:
    """Enterprises with their profiles (the ID number is not read) and the shareholdings, plus the
    control relationships computed today."""
    from coordination.models import OrgKind

    enterprises = list(
        OrgUnit.objects.filter(kind=OrgKind.ENTERPRISE)
        .select_related("party_profile")
        .defer("party_profile__legal_rep_id_number")
        .order_by("name")
    )
    holdings = list(shareholdings_on(None).select_related("holder", "company"))
    graph = control_graph(datetime.date.today())
    names = dict(
        OrgUnit.objects.filter(
            pk__in=set(graph.controlled) | {c for s in graph.controlled.values() for c in s}
        ).values_list("pk", "name")
    )
    control = sorted(
        (names[controller], names[company])
        for controller, companies in graph.controlled.items()
        for company in companies
    )
    return {"enterprises": enterprises, "holdings": holdings, "control": control}
