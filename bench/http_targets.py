"""Write the ids the Locust scenarios need (bench/locustfile.py) as JSON, from the seeded database.

DJANGO_SETTINGS_MODULE=portal.settings .venv/bin/python bench/http_targets.py > var/bench-targets.json
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def targets() -> dict:
    from django.db.models import Count, Max, Min

    from approvals.models import Application, DepartmentTask, Package
    from approvals.workflow import TaskStatus as T
    from operations.models import Project
    from sharing.exchange.models import ApiCredential
    from sharing.models import DataResource

    applicant = "bench-cit-0"
    official = "bench-off-0"
    mine = Application.objects.filter(applicant__username=applicant).order_by("pk")
    tracked = Application.objects.filter(number__startswith="BN").order_by("?")[:500]
    # Unclaimed tasks of the official's departments: the scenario claims one, then decides it.
    decidable = DepartmentTask.objects.filter(
        department__positions__user__username=official, status=T.PENDING, assignee=None
    ).order_by("pk")
    # The exchange pull (seed_bench_sharing): the credential's resource, its records and their ids
    # (the token itself stays in var/bench-exchange-token, out of the results folder).
    credential = ApiCredential.objects.filter(agreement__resource__code__startswith="C99-").first()
    exchange = None
    if credential is not None:
        resource = credential.agreement.resource
        stats = resource.records.aggregate(n=Count("id"), first=Min("id"), last=Max("id"))
        exchange = {
            "resource": resource.code,
            "records": stats["n"],
            "first": stats["first"],
            "last": stats["last"],
        }
    return {
        "password": "Bench@2026",
        "applicant": applicant,
        "official": official,
        "applications": [str(u) for u in mine.values_list("uuid", flat=True)[:50]],
        "tracking": [{"number": a.number, "query_code": a.query_code} for a in tracked],
        "tasks": list(decidable.values_list("pk", flat=True)[:5000]),
        "packages": list(Package.objects.filter(code__startswith="BNP-").values_list("code", flat=True)),
        "ppp_projects": list(
            Project.objects.filter(code__startswith="bench-ppp-").values_list("code", flat=True)
        ),
        "resources": list(
            DataResource.objects.filter(code__startswith="C99-").values_list("code", flat=True)[:50]
        ),
        "exchange": exchange,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    json.dump(targets(), sys.stdout, ensure_ascii=False)
