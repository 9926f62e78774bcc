"""The regime rules (DOMAIN.md §6), written down with their basis in docs/ppp.md.

`check_project` returns hard errors (the change is refused) and warnings (the official must
confirm them before the change is saved). Messages are translated; each names its field.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from operations import conf
from operations.models import Mode, Regime, ReturnMechanism


@dataclass(frozen=True)
class Finding:
    field: str
    message: str
    code: str


CONCESSION_MODES = {Mode.BOT, Mode.BOOT, Mode.BOO, Mode.TOT, Mode.ROT, Mode.OM, Mode.CONCESSION}
LEGACY_MODES = {Mode.OM, Mode.MC, Mode.BOT, Mode.BOOT, Mode.BOO, Mode.TOT, Mode.ROT, Mode.BT}
SERVICE_MODES = {Mode.SERVICE_PURCHASE, Mode.OM, Mode.MC}


def check_project(data: dict) -> tuple[list[Finding], list[Finding]]:
    """Check a project's fields (a dict of field values) against its regime."""
    errors: list[Finding] = []
    warnings: list[Finding] = []
    regime = data.get("regime")
    mode = data.get("mode")
    mechanism = data.get("return_mechanism")
    term = data.get("term_years")
    construction = data.get("construction_years")

    if mode == Mode.BT and regime != Regime.LEGACY_PPP:
        errors.append(
            Finding("mode", _("BT (build-transfer) is allowed only for legacy PPP projects."), "bt")
        )
    if regime == Regime.CONCESSION_2024:
        if mode not in CONCESSION_MODES and mode != Mode.BT:
            errors.append(
                Finding(
                    "mode", _("This mode cannot be used for a concession under the 2024 measures."), "mode"
                )
            )
        if mechanism == ReturnMechanism.AVAILABILITY:
            errors.append(
                Finding(
                    "return_mechanism",
                    _("Concessions under the 2024 measures are user-pay: no availability payment."),
                    "availability",
                )
            )
        elif mechanism == ReturnMechanism.VGF:
            errors.append(
                Finding(
                    "return_mechanism",
                    _("Concessions under the 2024 measures are user-pay: no construction or gap subsidy."),
                    "vgf",
                )
            )
        if term and term > conf.concession_max_term_years():
            warnings.append(
                Finding(
                    "term_years",
                    _("A concession term over %(years)s years needs a special justification; confirm it.")
                    % {"years": conf.concession_max_term_years()},
                    "long_term",
                )
            )
    elif regime == Regime.LEGACY_PPP:
        if mode and mode not in LEGACY_MODES:
            errors.append(Finding("mode", _("This mode is not a PPP operation mode."), "mode"))
        if term and term < 10:
            errors.append(
                Finding("term_years", _("A PPP cooperation term is at least 10 years."), "short_term")
            )
        if term and term > 30:
            warnings.append(
                Finding(
                    "term_years",
                    _("A PPP cooperation term over 30 years is unusual; confirm it."),
                    "long_term",
                )
            )
    elif regime == Regime.SERVICE_PURCHASE:
        if mode and mode not in SERVICE_MODES:
            errors.append(
                Finding(
                    "mode",
                    _("A service purchase is bought as a service, O&M or management contract."),
                    "mode",
                )
            )
        if mechanism and mechanism != ReturnMechanism.AVAILABILITY:
            errors.append(
                Finding(
                    "return_mechanism",
                    _("A government service purchase is paid by the government from the budget."),
                    "mechanism",
                )
            )
    if term and construction and construction >= term:
        errors.append(
            Finding(
                "construction_years",
                _("The construction period must be shorter than the term."),
                "construction",
            )
        )
    start, end = data.get("operation_start"), data.get("operation_end")
    if start and end and end <= start:
        errors.append(Finding("operation_end", _("Operation must end after it starts."), "period"))
    return errors, warnings


def needs_project_company(regime: str) -> bool:
    """Service purchases have no project company or equity requirement."""
    return regime != Regime.SERVICE_PURCHASE
