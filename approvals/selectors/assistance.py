"""Reads around an application: credit bars (告知承诺) and valid area assessments (区域评估)."""

from __future__ import annotations

import datetime

from approvals.models import AreaAssessment, AssessedArea, CreditRecord
from portal.clocks import services as clocks


def active_credit_bar(applicant, *, on: datetime.date | None = None) -> CreditRecord | None:
    """The credit record that bars the applicant from pledge-based acceptance today, if any."""
    on = on or clocks.local_today()
    return (
        CreditRecord.objects.filter(subject_id=applicant.pk, lifted_on__isnull=True, barred_until__gte=on)
        .order_by("-barred_until")
        .first()
    )


def valid_assessment(area: AssessedArea, kind: str, *, on: datetime.date) -> AreaAssessment | None:
    """The area's assessment of this kind valid on the day (the most recent one), if any."""
    for assessment in area.assessments.filter(kind=kind, valid_from__lte=on).order_by("-valid_from", "-pk"):
        if assessment.is_valid_on(on):
            return assessment
    return None


# -- 代办 ----------------------------------------------------------------------------------------------


def government_agents():
    """Officials an applicant may authorise: active users holding the agent role (代办员)."""
    from portal.models import User

    return (
        User.objects.filter(is_active=True, positions__active=True, positions__roles__code="agent")
        .distinct()
        .order_by("full_name", "username")
    )


def grants_given(*, user):
    """The applicant's grants, newest first, each with `state` (active / revoked / expired)."""
    from approvals.models import AgentGrant

    today = clocks.local_today()
    grants = list(AgentGrant.objects.filter(applicant_id=user.pk).select_related("agent", "item", "package"))
    for grant in grants:
        grant.state = _state(grant, today)
    return grants


def _state(grant, today) -> str:
    if grant.revoked_at is not None:
        return "revoked"
    if today > grant.valid_until:
        return "expired"
    if today < grant.valid_from:
        return "future"
    return "active"


def clients_of(*, user) -> list[dict]:
    """The agent's active grants, each with the client's applications the grant reaches."""
    from approvals import permissions
    from approvals.models import Application

    grants = list(permissions.agent_grants_to(user).select_related("applicant", "item", "package"))
    applicants = {g.applicant_id for g in grants}
    applications = (
        Application.objects.filter(applicant_id__in=applicants)
        .select_related("item", "package")
        .order_by("-created_at", "-pk")
    )
    by_applicant: dict[int, list] = {}
    for application in applications:
        by_applicant.setdefault(application.applicant_id, []).append(application)
    return [
        {"grant": g, "applications": [a for a in by_applicant.get(g.applicant_id, []) if g.covers(a)][:50]}
        for g in grants
    ]


def actable_application(*, user, uuid):
    """The application by UUID if the user is its applicant or holds an active grant reaching it
    (any scope lets the agent see it; each act is checked by the services); else 404."""
    from django.http import Http404

    from approvals import permissions
    from approvals.models import Application

    try:
        application = Application.objects.select_related("item", "package", "applicant").get(uuid=uuid)
    except (Application.DoesNotExist, ValueError):
        raise Http404 from None
    if application.applicant_id == getattr(user, "pk", None):
        application.agent_grant = None
        return application
    grant = permissions.agent_grant_for(user, application)
    if grant is None:
        raise Http404
    application.agent_grant = grant
    return application


# -- 告知承诺 --------------------------------------------------------------------------------------------


def verifications_for(*, user):
    """Pledge verifications of the departments where the user is a reviewer, pending first."""
    from approvals.models import PledgeVerification
    from coordination.models import Position

    units = Position.objects.filter(user=user, active=True, roles__code="reviewer").values("unit_id")
    return (
        PledgeVerification.objects.filter(department_id__in=units)
        .select_related("application", "application__item", "application__package", "application__applicant")
        .order_by("-outcome", "created_at", "pk")  # pending first: "pending" > "false" > "confirmed"
    )


def verification_for(*, user, pk):
    from django.http import Http404

    from approvals.models import PledgeVerification

    try:
        return verifications_for(user=user).get(pk=pk)
    except (PledgeVerification.DoesNotExist, ValueError):
        raise Http404 from None


def areas_with_assessments():
    """The assessed areas, each with its assessments, for the applicant's choice."""
    return AssessedArea.objects.prefetch_related("assessments").order_by("name")
