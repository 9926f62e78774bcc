"""Procurement integrity (借壳 / 挂靠 / 围标) [招标投标法实施条例 arts. 34, 40, 42] and cost checks.

`integrity_check(tender)` computes every rule and stores each finding as an `IntegrityFlag` with
its evidence (JSON). A finding is identified by (rule, key), so running the check again keeps the
reviewer's resolutions; open flags whose finding has disappeared are removed. Each rule is a
function returning findings, documented and tested one by one.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from operations import conf, permissions
from operations.models import (
    Bid,
    CostBenchmark,
    FlagRule,
    FlagStatus,
    IntegrityFlag,
    PartyProfile,
    Tender,
)
from operations.selectors import control_graph, same_legal_representative
from portal.audit.services import audit_record
from portal.errors import DomainError
from portal.masking import mask_id_number


@dataclass
class Finding:
    rule: str
    key: str
    bids: list[int]
    evidence: dict
    lot_id: int | None = None
    extra: dict = field(default_factory=dict)


def _bids(tender: Tender) -> list[Bid]:
    return list(
        Bid.objects.filter(lot__tender=tender)
        .select_related("bidder", "lot")
        .prefetch_related("consortium_members", "items", "key_staff", "evidence__owner")
        .order_by("lot__number", "id")
    )


def _parties(bid: Bid) -> list:
    return [bid.bidder, *bid.consortium_members.all()]


def _pair_key(a: Bid, b: Bid, suffix: str = "") -> str:
    low, high = sorted([a.pk, b.pk])
    return f"{low}-{high}{suffix}"


def _by_lot(bids: list[Bid]) -> dict[int, list[Bid]]:
    lots: dict[int, list[Bid]] = defaultdict(list)
    for bid in bids:
        lots[bid.lot_id].append(bid)
    return lots


# ----------------------------------------------------------------------------------------------
# The rules


def rule_related_bidders(tender: Tender, bids: list[Bid]) -> list[Finding]:
    """Bidders in one lot with the same legal representative, or linked by control (one controls
    the other directly or through a chain, or both are controlled by the same holder)."""
    graph = control_graph(tender.deadline)
    unit_ids = {party.pk for bid in bids for party in _parties(bid)}
    profiles = {p.unit_id: p for p in PartyProfile.objects.filter(unit_id__in=unit_ids)}
    findings = []
    for lot_id, lot_bids in _by_lot(bids).items():
        for a, b in combinations(lot_bids, 2):
            for pa in _parties(a):
                for pb in _parties(b):
                    if pa.pk == pb.pk:
                        continue
                    if same_legal_representative(profiles.get(pa.pk), profiles.get(pb.pk)):
                        findings.append(
                            Finding(
                                FlagRule.SAME_LEGAL_REP,
                                _pair_key(a, b, f"-{min(pa.pk, pb.pk)}-{max(pa.pk, pb.pk)}"),
                                [a.pk, b.pk],
                                {
                                    "parties": [pa.name, pb.name],
                                    "legal_representative": profiles[pa.pk].legal_rep_name,
                                    "id_number": mask_id_number(profiles[pa.pk].legal_rep_id_number),
                                },
                                lot_id,
                            )
                        )
                    relation = graph.relation(pa.pk, pb.pk)
                    if relation:
                        names = {pa.pk: pa.name, pb.pk: pb.name}
                        evidence = {"parties": [pa.name, pb.name], "kind": relation["kind"]}
                        if relation["kind"] == "controls":
                            evidence["controller"] = names[relation["controller"]]
                            evidence["controlled"] = names[relation["controlled"]]
                        else:
                            from coordination.models import OrgUnit

                            evidence["controllers"] = list(
                                OrgUnit.objects.filter(pk__in=relation["controllers"]).values_list(
                                    "name", flat=True
                                )
                            )
                        findings.append(
                            Finding(
                                FlagRule.CONTROL,
                                _pair_key(a, b, f"-{min(pa.pk, pb.pk)}-{max(pa.pk, pb.pk)}"),
                                [a.pk, b.pk],
                                evidence,
                                lot_id,
                            )
                        )
    return findings


def rule_foreign_evidence(tender: Tender, bids: list[Bid]) -> list[Finding]:
    """Qualification evidence owned by a company that is not a party to the bid (借用资质)."""
    findings = []
    for bid in bids:
        own = {party.pk for party in _parties(bid)}
        for evidence in bid.evidence.all():
            if evidence.owner_id not in own:
                findings.append(
                    Finding(
                        FlagRule.FOREIGN_EVIDENCE,
                        f"{bid.pk}-{evidence.pk}",
                        [bid.pk],
                        {"bidder": bid.bidder.name, "document": evidence.title, "owner": evidence.owner.name},
                        bid.lot_id,
                    )
                )
    return findings


def _shared(bids: list[Bid], values_of, rule: str, label: str, mask=lambda v: v) -> list[Finding]:
    by_value: dict[str, list[Bid]] = defaultdict(list)
    for bid in bids:
        for value in set(values_of(bid)):
            by_value[value].append(bid)
    findings = []
    for value, holders in by_value.items():
        bidders = {bid.bidder_id for bid in holders}
        if len(bidders) < 2:
            continue
        findings.append(
            Finding(
                rule,
                f"{'-'.join(str(b.pk) for b in holders)}-{hashlib.sha256(value.encode()).hexdigest()[:12]}",
                [bid.pk for bid in holders],
                {label: mask(value), "bidders": sorted({bid.bidder.name for bid in holders})},
                holders[0].lot_id if len({b.lot_id for b in holders}) == 1 else None,
            )
        )
    return findings


def rule_shared_staff(tender: Tender, bids: list[Bid]) -> list[Finding]:
    """The same key staff (by ID number) named in bids of different bidders in the tender."""

    masked: dict[str, str] = {}

    def values(bid):
        # Compared by blind index (portal.pii): the same purpose as every other ID number.
        for staff in bid.key_staff.all():
            if staff.id_number_hash:
                masked[staff.id_number_hash] = mask_id_number(staff.id_number)
        return [s.id_number_hash for s in bid.key_staff.all() if s.id_number_hash]

    # The evidence shows the ID number masked; the name is personal data and is left out.
    return _shared(bids, values, FlagRule.SHARED_STAFF, "id_number", masked.__getitem__)


def rule_shared_account(tender: Tender, bids: list[Bid]) -> list[Finding]:
    """The same bid-deposit account used by different bidders (保证金从同一账户转出)."""

    def values(bid):
        account = "".join(bid.deposit_account.split())
        return [account] if account else []

    return _shared(bids, values, FlagRule.SHARED_ACCOUNT, "account")


def rule_similar_prices(tender: Tender, bids: list[Bid]) -> list[Finding]:
    """Two quotes in one lot within the configured tolerance of each other (relative to the lower),
    or identical unit-price vectors (the same unit price for every item)."""
    tolerance = conf.similar_price_tolerance()
    findings = []
    for lot_id, lot_bids in _by_lot(bids).items():
        for a, b in combinations(lot_bids, 2):
            low = min(a.quoted_total, b.quoted_total)
            if low > 0:
                gap = abs(a.quoted_total - b.quoted_total) / low
                if gap <= tolerance:
                    findings.append(
                        Finding(
                            FlagRule.SIMILAR_PRICES,
                            _pair_key(a, b, "-total"),
                            [a.pk, b.pk],
                            {
                                "bidders": [a.bidder.name, b.bidder.name],
                                "quotes": [str(a.quoted_total), str(b.quoted_total)],
                                "gap": str(gap.quantize(Decimal("0.000001"))),
                                "tolerance": str(tolerance),
                            },
                            lot_id,
                        )
                    )
            va = {(i.item, i.unit): i.unit_price for i in a.items.all()}
            vb = {(i.item, i.unit): i.unit_price for i in b.items.all()}
            if va and va == vb:
                findings.append(
                    Finding(
                        FlagRule.SIMILAR_PRICES,
                        _pair_key(a, b, "-vector"),
                        [a.pk, b.pk],
                        {
                            "bidders": [a.bidder.name, b.bidder.name],
                            "identical_unit_prices": len(va),
                        },
                        lot_id,
                    )
                )
    return findings


def rule_new_company(tender: Tender, bids: list[Bid]) -> list[Finding]:
    """A bidder incorporated fewer than the configured number of days before the deadline."""
    days = conf.new_company_days()
    limit = tender.deadline - datetime.timedelta(days=days)
    profiles = {p.unit_id: p for p in PartyProfile.objects.filter(unit_id__in={b.bidder_id for b in bids})}
    findings = []
    for bid in bids:
        profile = profiles.get(bid.bidder_id)
        if profile and profile.incorporated_on and profile.incorporated_on > limit:
            findings.append(
                Finding(
                    FlagRule.NEW_COMPANY,
                    str(bid.pk),
                    [bid.pk],
                    {
                        "bidder": bid.bidder.name,
                        "incorporated_on": profile.incorporated_on.isoformat(),
                        "days_before_deadline": (tender.deadline - profile.incorporated_on).days,
                        "threshold_days": days,
                    },
                    bid.lot_id,
                )
            )
    return findings


def rule_blacklisted(tender: Tender, bids: list[Bid]) -> list[Finding]:
    """A bidder or consortium member blacklisted on the deadline."""
    unit_ids = {party.pk for bid in bids for party in _parties(bid)}
    profiles = {p.unit_id: p for p in PartyProfile.objects.filter(unit_id__in=unit_ids)}
    findings = []
    for bid in bids:
        for party in _parties(bid):
            profile = profiles.get(party.pk)
            if profile and profile.blacklisted_until and profile.blacklisted_until >= tender.deadline:
                findings.append(
                    Finding(
                        FlagRule.BLACKLISTED,
                        f"{bid.pk}-{party.pk}",
                        [bid.pk],
                        {"party": party.name, "blacklisted_until": profile.blacklisted_until.isoformat()},
                        bid.lot_id,
                    )
                )
    return findings


def benchmark_for(item: str, unit: str, region: str, year: int) -> CostBenchmark | None:
    """The benchmark of the item in the region for the year, or the latest earlier year."""
    return (
        CostBenchmark.objects.filter(item=item, unit=unit, region=region, year__lte=year)
        .order_by("-year")
        .first()
    )


def rule_above_benchmark(tender: Tender, bids: list[Bid]) -> list[Finding]:
    """A quoted unit price above the configured percentile (default P75) of its cost benchmark."""
    percentile = conf.benchmark_percentile()
    region_default = conf.benchmark_region()
    cache: dict = {}
    findings = []
    for bid in bids:
        for line in bid.items.all():
            region = line.region or region_default
            key = (line.item, line.unit, region)
            if key not in cache:
                cache[key] = benchmark_for(line.item, line.unit, region, tender.deadline.year)
            benchmark = cache[key]
            if benchmark is None:
                continue
            limit = getattr(benchmark, percentile)
            if line.unit_price > limit:
                findings.append(
                    Finding(
                        FlagRule.ABOVE_BENCHMARK,
                        f"{bid.pk}-{line.pk}",
                        [bid.pk],
                        {
                            "bidder": bid.bidder.name,
                            "item": line.item,
                            "unit": line.unit,
                            "unit_price": str(line.unit_price),
                            "percentile": percentile.upper(),
                            "benchmark": str(limit),
                            "benchmark_year": benchmark.year,
                            "region": region,
                            "source": benchmark.source,
                        },
                        bid.lot_id,
                    )
                )
    return findings


RULES = [
    rule_related_bidders,
    rule_foreign_evidence,
    rule_shared_staff,
    rule_shared_account,
    rule_similar_prices,
    rule_new_company,
    rule_blacklisted,
    rule_above_benchmark,
]


def compute_findings(tender: Tender) -> list[Finding]:
    bids = _bids(tender)
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(tender, bids))
    return findings


@transaction.atomic
def integrity_check(*, actor, tender: Tender) -> list[IntegrityFlag]:
    """Compute the flags of a tender and store them; resolutions of earlier flags are kept."""
    tender = Tender.objects.select_for_update().select_related("project").get(pk=tender.pk)
    if actor is not None and not permissions.can_review_flags(actor, tender.project):
        raise PermissionDenied(_("You are not allowed to check this tender."))
    findings = compute_findings(tender)
    existing = {(f.rule, f.key): f for f in IntegrityFlag.objects.filter(tender=tender)}
    seen = set()
    flags = []
    created = 0
    for finding in findings:
        ident = (str(finding.rule), finding.key)
        if ident in seen:
            continue
        seen.add(ident)
        flag = existing.get(ident)
        if flag is None:
            flag = IntegrityFlag.objects.create(
                tender=tender,
                lot_id=finding.lot_id,
                rule=finding.rule,
                key=finding.key,
                evidence=finding.evidence,
            )
            created += 1
        elif flag.evidence != finding.evidence:
            flag.evidence = finding.evidence
            flag.save(update_fields=["evidence"])
        flag.bids.set(finding.bids)
        flags.append(flag)
    stale = [f.pk for ident, f in existing.items() if ident not in seen and f.status == FlagStatus.OPEN]
    IntegrityFlag.objects.filter(pk__in=stale).delete()
    tender.checked_at = timezone.now()
    tender.save(update_fields=["checked_at"])
    audit_record(
        actor=actor,
        action="ppp.integrity_check",
        obj=tender.project,
        after={"tender": tender.reference, "flags": len(flags), "new": created, "removed": len(stale)},
    )
    return flags


@transaction.atomic
def flag_resolve(*, actor, flag: IntegrityFlag, status: str, reason: str) -> IntegrityFlag:
    """A reviewer confirms or dismisses a flag; a dismissal needs a reason."""
    flag = IntegrityFlag.objects.select_for_update().select_related("tender__project").get(pk=flag.pk)
    if actor is not None and not permissions.can_review_flags(actor, flag.tender.project):
        raise PermissionDenied(_("You are not allowed to review this flag."))
    if status not in (FlagStatus.CONFIRMED, FlagStatus.DISMISSED):
        raise DomainError(_("Confirm or dismiss the flag."), field="status")
    if status == FlagStatus.DISMISSED and not reason.strip():
        raise DomainError(_("Give the reason for dismissing the flag."), field="reason")
    before = {"status": flag.status, "reason": flag.reason}
    flag.status = status
    flag.reason = reason.strip()
    flag.resolved_by = actor if actor and actor.is_authenticated else None
    flag.resolved_at = timezone.now()
    flag.save(update_fields=["status", "reason", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor,
        action="ppp.flag_resolve",
        obj=flag.tender.project,
        before=before,
        after={"status": flag.status, "reason": flag.reason, "rule": flag.rule, "key": flag.key},
        reason=reason,
    )
    return flag
