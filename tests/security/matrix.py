"""The access matrix: every route × every role, with the outcome each must get (issue 10).

Each route maps HTTP methods to the outcome per role (tests/security/world.py ROLES). `cells()`
spells a row: the roles that are served (`ok`), what anonymous users get, what everyone else gets
(`others`), and named exceptions. Outcomes (tests/security/walk.py): OK served (a page, a redirect
elsewhere than login, or a form/validation error — it reached the view's logic), LOGIN sent to log
in (or 401), DENIED 403, HIDDEN 404 (objects of others), GONE 405.

A new route fails tests/security/test_access_matrix.py until it has a row here. Requests carry an
empty body: the matrix proves who is turned away before any input is read; refusals of valid input
by the services are tested in each app.
"""

from tests.security.walk import DENIED, HIDDEN, LOGIN, OK
from tests.security.world import ROLES

SIGNED_IN_ROLES = tuple(role for role in ROLES if role != "anonymous")
# Government officials (UserKind.OFFICIAL) of the world, whatever their role.
OFFICIALS = (
    "reviewer_x",
    "reviewer_y",
    "clerk",
    "coordinator",
    "supervisor",
    "steward",
    "ppp_manager",
    "office",
    "admin",
)
# Officials with a part in the approval bureau's case (review_app / citizen_app).
CASE_OFFICIALS = ("reviewer_x", "reviewer_y", "clerk", "coordinator", "supervisor")
# Who sees the IOC PPP project: its agency (the big-data bureau), the PPP centre, its company, admins.
IOC_PROJECT = ("steward", "ppp_manager", "project_company", "admin")
# Who has a use for PPP performance pages at all.
# Everyone holding a position in some unit (officials, company representatives, intermediaries, evaluators).
UNIT_MEMBERS = tuple(role for role in SIGNED_IN_ROLES if role not in ("applicant", "other_applicant"))
# The matter's lead unit (big-data bureau), its cooperating company, the office, admins.
MATTER_PARTIES = ("steward", "project_company", "office", "admin")
# Applicants who may post service needs in the intermediary market (citizens and enterprises).
OWNERS = ("applicant", "other_applicant", "project_company")
PERFORMANCE_USERS = ("supervisor", "steward", "ppp_manager", "project_company", "evaluator", "admin")


def cells(*, ok=(), anonymous=LOGIN, others=DENIED, **special) -> dict[str, str]:
    unknown = set(ok) | set(special)
    unknown -= set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    row = {role: (OK if role in ok else special.get(role, others)) for role in ROLES}
    row["anonymous"] = anonymous
    return row


PUBLIC = cells(ok=SIGNED_IN_ROLES, anonymous=OK)
SIGNED_IN = cells(ok=SIGNED_IN_ROLES)

MATRIX: dict[str, dict[str, dict[str, str]]] = {
    "home": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "healthz": {"GET": PUBLIC},
    "set_language": {"GET": PUBLIC, "POST": PUBLIC},
    "login": {"GET": PUBLIC, "POST": PUBLIC},
    "logout": {"POST": cells(others=LOGIN)},
    "register": {"GET": PUBLIC, "POST": PUBLIC},
    "workcal:current": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "workcal:year": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "notifications:list": {"GET": SIGNED_IN},
    "notifications:badge": {"GET": PUBLIC},
    "notifications:read-all": {"POST": SIGNED_IN},
    "notifications:preferences": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "notifications:read": {"POST": cells(ok=("applicant",), others=HIDDEN)},
    "clocks:mine": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "clocks:digest": {
        "GET": cells(ok=("steward",), others=HIDDEN),
        "POST": cells(ok=("steward",), others=HIDDEN),
    },
    "approvals:guide": {"GET": PUBLIC, "POST": PUBLIC},
    "approvals:guide-item": {"GET": PUBLIC, "POST": PUBLIC},
    "approvals:guide-package": {"GET": PUBLIC, "POST": PUBLIC},
    "approvals:guide-template": {"GET": PUBLIC, "POST": PUBLIC},
    "apply:mine": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "apply:agents": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "apply:agent-revoke": {"POST": cells(ok=("applicant",), others=HIDDEN)},
    "apply:clients": {"GET": cells(), "POST": cells()},
    "apply:area": {"POST": cells(ok=("applicant",), others=HIDDEN)},
    "apply:track": {"GET": PUBLIC, "POST": PUBLIC},
    "apply:detail": {
        "GET": cells(ok=("applicant",), others=HIDDEN),
        "POST": cells(ok=("applicant",), others=HIDDEN),
    },
    "apply:edit": {
        "GET": cells(ok=("applicant",), others=HIDDEN),
        "POST": cells(ok=("applicant",), others=HIDDEN),
    },
    "apply:materials": {"POST": cells(ok=("applicant",), others=HIDDEN)},
    "apply:withdraw": {
        "GET": cells(ok=("applicant",), others=HIDDEN),
        "POST": cells(ok=("applicant",), others=HIDDEN),
    },
    "apply:supply": {
        "GET": cells(ok=("applicant",), others=HIDDEN),
        "POST": cells(ok=("applicant",), others=HIDDEN),
    },
    "apply:download": {
        "GET": cells(ok=("applicant", "reviewer_x", "clerk", "coordinator", "supervisor"), others=HIDDEN),
        "POST": cells(ok=("applicant", "reviewer_x", "clerk", "coordinator", "supervisor"), others=HIDDEN),
    },
    "apply:start": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "work:home": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "work:intake": {"GET": cells(ok=("clerk",)), "POST": cells(ok=("clerk",))},
    "work:inbox": {
        "GET": cells(ok=("reviewer_x", "reviewer_y")),
        "POST": cells(ok=("reviewer_x", "reviewer_y")),
    },
    "work:extensions": {"GET": cells(), "POST": cells()},
    "work:lead": {"GET": cells(ok=("coordinator",)), "POST": cells(ok=("coordinator",))},
    "work:verifications": {"GET": cells(ok=OFFICIALS), "POST": cells(ok=OFFICIALS)},
    "work:verification": {
        "GET": cells(ok=("reviewer_x",), others=HIDDEN),
        "POST": cells(ok=("reviewer_x",), others=HIDDEN),
    },
    "work:application": {
        "GET": cells(ok=CASE_OFFICIALS, others=HIDDEN),
        "POST": cells(ok=CASE_OFFICIALS, others=HIDDEN),
    },
    "work:application-correction": {
        "POST": cells(
            ok=("clerk",),
            others=HIDDEN,
            reviewer_x=DENIED,
            reviewer_y=DENIED,
            coordinator=DENIED,
            supervisor=DENIED,
        )
    },
    "work:application-not-accept": {
        "POST": cells(
            ok=("clerk",),
            others=HIDDEN,
            reviewer_x=DENIED,
            reviewer_y=DENIED,
            coordinator=DENIED,
            supervisor=DENIED,
        )
    },
    "work:application-accept": {"POST": cells(ok=CASE_OFFICIALS, others=HIDDEN)},
    "work:application-supplement": {
        "POST": cells(
            ok=("clerk",),
            others=HIDDEN,
            reviewer_x=DENIED,
            reviewer_y=DENIED,
            coordinator=DENIED,
            supervisor=DENIED,
        )
    },
    "work:application-decide": {"POST": cells(ok=CASE_OFFICIALS, others=HIDDEN)},
    "work:application-meeting": {"POST": cells(ok=CASE_OFFICIALS, others=HIDDEN)},
    # An ID number or phone number of the form in full (audited): the officials on the case.
    "work:form-value": {"POST": cells(ok=CASE_OFFICIALS, others=HIDDEN)},
    "work:task": {
        "GET": cells(ok=("reviewer_x", "coordinator"), others=HIDDEN),
        "POST": cells(ok=("reviewer_x", "coordinator"), others=HIDDEN),
    },
    "work:task-claim": {"POST": cells(ok=("reviewer_x",), others=HIDDEN, coordinator=DENIED)},
    "work:task-suspend": {"POST": cells(ok=("reviewer_x", "coordinator"), others=HIDDEN)},
    "work:task-resume": {"POST": cells(ok=("reviewer_x",), others=HIDDEN, coordinator=DENIED)},
    "work:task-extension": {"POST": cells(ok=("reviewer_x", "coordinator"), others=HIDDEN)},
    "work:task-extension-decide": {"POST": cells(ok=("reviewer_x", "coordinator"), others=HIDDEN)},
    "work:task-decide": {"POST": cells(ok=("reviewer_x", "coordinator"), others=HIDDEN)},
    "supervision:dashboard": {"GET": cells(ok=("supervisor",)), "POST": cells(ok=("supervisor",))},
    "supervision:clock": {"GET": cells(ok=("supervisor",)), "POST": cells(ok=("supervisor",))},
    "supervision:issue": {"GET": cells(supervisor=HIDDEN), "POST": cells(supervisor=HIDDEN)},
    "supervision:notices": {
        "GET": cells(ok=("reviewer_x", "reviewer_y", "coordinator", "supervisor")),
        "POST": cells(ok=("reviewer_x", "reviewer_y", "coordinator", "supervisor")),
    },
    "supervision:notice": {
        "GET": cells(ok=("reviewer_x", "supervisor"), others=HIDDEN),
        "POST": cells(ok=("reviewer_x", "supervisor"), others=HIDDEN),
    },
    "supervision:notice-respond": {"POST": cells(ok=("reviewer_x", "supervisor"), others=HIDDEN)},
    "supervision:notice-close": {"POST": cells(ok=("reviewer_x", "supervisor"), others=HIDDEN)},
    "supervision:stats": {"GET": cells(ok=("supervisor",)), "POST": cells(ok=("supervisor",))},
    "supervision:stats-xlsx": {"GET": cells(ok=("supervisor",)), "POST": cells(ok=("supervisor",))},
    "supervision:public": {"GET": PUBLIC, "POST": PUBLIC},
    "results:register": {"GET": PUBLIC},
    "results:work": {"GET": cells(ok=("clerk",))},
    "results:issue": {
        "POST": cells(
            ok=("clerk",),
            others=HIDDEN,
            applicant=DENIED,
            reviewer_x=DENIED,
            coordinator=DENIED,
            supervisor=DENIED,
        )
    },
    "results:choose-delivery": {
        "POST": cells(
            ok=("applicant",),
            others=HIDDEN,
            reviewer_x=DENIED,
            clerk=DENIED,
            coordinator=DENIED,
            supervisor=DENIED,
        )
    },
    "results:ready": {
        "POST": cells(
            ok=("clerk",),
            others=HIDDEN,
            applicant=DENIED,
            reviewer_x=DENIED,
            coordinator=DENIED,
            supervisor=DENIED,
        )
    },
    "results:ship": {
        "POST": cells(
            ok=("clerk",),
            others=HIDDEN,
            applicant=DENIED,
            reviewer_x=DENIED,
            coordinator=DENIED,
            supervisor=DENIED,
        )
    },
    # The world's delivery is an express parcel (world.express_delivery): its receipt is confirmed by
    # the applicant or a clerk; other officials who see the application are refused.
    "results:confirm": {
        "POST": cells(
            ok=("applicant", "clerk"),
            others=HIDDEN,
            reviewer_x=DENIED,
            coordinator=DENIED,
            supervisor=DENIED,
        )
    },
    # The delivery phone in full (audited): the applicant's own, and the clerk arranging the parcel.
    "results:delivery-phone": {
        "POST": cells(
            ok=("applicant", "clerk"),
            others=HIDDEN,
            reviewer_x=DENIED,
            coordinator=DENIED,
            supervisor=DENIED,
        )
    },
    "results:download": {
        "GET": cells(
            ok=("reviewer_x", "clerk", "coordinator", "supervisor", "project_company"), others=HIDDEN
        )
    },
    "results_verify:verify": {"GET": PUBLIC},
    "coordination:tree": {"GET": cells(ok=OFFICIALS), "POST": cells(ok=OFFICIALS)},
    "coordination:matrix": {"GET": cells(ok=OFFICIALS), "POST": cells(ok=OFFICIALS)},
    "coordination:leading-groups": {"GET": cells(ok=OFFICIALS), "POST": cells(ok=OFFICIALS)},
    "coordination:leading-group": {"GET": cells(ok=OFFICIALS), "POST": cells(ok=OFFICIALS)},
    "coordination:unit": {"GET": cells(ok=OFFICIALS), "POST": cells(ok=OFFICIALS)},
    "exchange:index": {"GET": cells(ok=("steward", "admin")), "POST": cells(ok=("steward", "admin"))},
    "exchange:upload": {
        "GET": cells(ok=("steward",), others=HIDDEN),
        "POST": cells(ok=("steward",), others=HIDDEN),
    },
    "exchange:records": {
        "GET": cells(ok=("steward",), others=HIDDEN),
        "POST": cells(ok=("steward",), others=HIDDEN),
    },
    "exchange:credentials": {"GET": cells(ok=("steward",), admin=HIDDEN), "POST": cells(admin=HIDDEN)},
    "exchange:credential-revoke": {"POST": cells(ok=("steward", "admin"), others=HIDDEN)},
    "exchange:usage": {"GET": cells(ok=("steward", "admin")), "POST": cells(ok=("steward", "admin"))},
    "exchange:objections": {
        "GET": cells(ok=("steward", "admin")),
        "POST": cells(steward=HIDDEN, admin=HIDDEN),
    },
    "exchange:objection": {"GET": cells(ok=("steward", "admin")), "POST": cells()},
    "exchange:return-flow": {"GET": cells(ok=("steward", "admin")), "POST": cells(ok=("steward", "admin"))},
    "exchange:return-flow-sync": {"POST": cells(ok=("steward",), others=HIDDEN)},
    "exchange:stats": {"GET": cells(ok=("steward", "admin")), "POST": cells(ok=("steward", "admin"))},
    "sharing:home": {"GET": PUBLIC, "POST": PUBLIC},
    "sharing:catalogue": {"GET": cells(ok=OFFICIALS), "POST": cells(ok=OFFICIALS)},
    "sharing:resource-create": {"GET": cells(ok=("steward",)), "POST": cells(ok=("steward",))},
    "sharing:catalogue-export": {"GET": cells(ok=OFFICIALS), "POST": cells(ok=OFFICIALS)},
    "sharing:catalogue-import": {"GET": cells(ok=("steward",)), "POST": cells(ok=("steward",))},
    "sharing:resource": {"GET": cells(ok=OFFICIALS), "POST": cells(ok=OFFICIALS)},
    "sharing:resource-edit": {"GET": cells(ok=("steward",)), "POST": cells(ok=("steward",))},
    "sharing:item-add": {"GET": cells(ok=("steward",)), "POST": cells(ok=("steward",))},
    "sharing:item-edit": {"GET": cells(ok=("steward",)), "POST": cells(ok=("steward",))},
    "sharing:request-create": {"GET": cells(), "POST": cells()},
    "sharing:resource-action": {"POST": cells(ok=OFFICIALS)},
    "sharing:open": {"GET": PUBLIC, "POST": PUBLIC},
    "sharing:open-resource": {"GET": PUBLIC, "POST": PUBLIC},
    "sharing:requests": {"GET": cells(ok=("steward",)), "POST": cells(ok=("steward",))},
    "sharing:request": {"GET": cells(ok=("steward",)), "POST": cells(ok=("steward",))},
    "sharing:request-edit": {"GET": cells(), "POST": cells()},
    "sharing:request-action": {"POST": cells(steward=HIDDEN)},
    "sharing:agreements": {"GET": cells(ok=("steward",)), "POST": cells(ok=("steward",))},
    "sharing:agreement": {"GET": cells(ok=("steward",)), "POST": cells(ok=("steward",))},
    "sharing:agreement-action": {"POST": cells(ok=("steward",))},
    # Pull with an agreement's credential only (no session); push by the provider's stewards.
    "exchange-api:records": {"GET": cells(others=LOGIN), "POST": cells(ok=("steward",), anonymous=DENIED)},
    "exchange-api:export": {"GET": cells(others=LOGIN)},
    "operations:list": {
        "GET": cells(ok=("supervisor", "steward", "ppp_manager", "project_company", "admin")),
        "POST": cells(ok=("supervisor", "steward", "ppp_manager", "project_company", "admin")),
    },
    "operations:create": {
        "GET": cells(ok=("ppp_manager", "admin")),
        "POST": cells(ok=("ppp_manager", "admin")),
    },
    "operations:project": {
        "GET": cells(ok=IOC_PROJECT, supervisor=HIDDEN),
        "POST": cells(ok=IOC_PROJECT, supervisor=HIDDEN),
    },
    "operations:edit": {
        "GET": cells(ok=("steward", "ppp_manager", "admin"), supervisor=HIDDEN),
        "POST": cells(ok=("steward", "ppp_manager", "admin"), supervisor=HIDDEN),
    },
    "operations:record-add": {
        "GET": cells(ok=("steward", "ppp_manager", "admin"), supervisor=HIDDEN),
        "POST": cells(ok=("steward", "ppp_manager", "admin"), supervisor=HIDDEN),
    },
    "operations:transition": {"POST": cells(ok=IOC_PROJECT, supervisor=HIDDEN)},
    "operations:contract-amend": {
        "GET": cells(ok=("steward", "ppp_manager", "admin"), supervisor=HIDDEN),
        "POST": cells(ok=("steward", "ppp_manager", "admin"), supervisor=HIDDEN),
    },
    "operations:tender-check": {
        "POST": cells(ok=("ppp_manager", "admin"), supervisor=HIDDEN, steward=HIDDEN, project_company=HIDDEN)
    },
    "operations:flag-resolve": {
        "POST": cells(ok=("ppp_manager", "admin"), supervisor=HIDDEN, steward=HIDDEN, project_company=HIDDEN)
    },
    "operations:parties": {
        "GET": cells(ok=("ppp_manager", "admin")),
        "POST": cells(ok=("ppp_manager", "admin")),
    },
    "operations:party-create": {
        "GET": cells(ok=("ppp_manager", "admin")),
        "POST": cells(ok=("ppp_manager", "admin")),
    },
    "operations:shareholding-add": {
        "GET": cells(ok=("ppp_manager", "admin")),
        "POST": cells(ok=("ppp_manager", "admin")),
    },
    "operations:party": {
        "GET": cells(ok=("ppp_manager", "admin")),
        "POST": cells(ok=("ppp_manager", "admin")),
    },
    "operations:party-id-number": {"POST": cells(ok=("ppp_manager", "admin"))},
    "operations:benchmarks": {
        "GET": cells(ok=("ppp_manager", "admin")),
        "POST": cells(ok=("ppp_manager", "admin")),
    },
    "operations:benchmark-template": {
        "GET": cells(ok=("ppp_manager", "admin")),
        "POST": cells(ok=("ppp_manager", "admin")),
    },
    "operations:public-list": {"GET": PUBLIC, "POST": PUBLIC},
    "operations:public-project": {"GET": PUBLIC, "POST": PUBLIC},
    "operations:catalogue": {"GET": PUBLIC, "POST": PUBLIC},
    "operations:catalogue-manage": {
        "GET": cells(ok=("ppp_manager", "admin")),
        "POST": cells(ok=("ppp_manager", "admin")),
    },
    "operations:catalogue-create": {
        "GET": cells(ok=("ppp_manager", "admin")),
        "POST": cells(ok=("ppp_manager", "admin")),
    },
    "operations:catalogue-edit": {
        "GET": cells(ok=("ppp_manager", "admin")),
        "POST": cells(ok=("ppp_manager", "admin")),
    },
    "operations:ocds-record": {"GET": PUBLIC, "POST": PUBLIC},
    "operations:ocds-releases": {"GET": PUBLIC, "POST": PUBLIC},
    "performance:list": {"GET": cells(ok=PERFORMANCE_USERS), "POST": cells(ok=PERFORMANCE_USERS)},
    "performance:project": {
        "GET": cells(ok=IOC_PROJECT, others=HIDDEN),
        "POST": cells(ok=IOC_PROJECT, others=HIDDEN),
    },
    "performance:framework": {
        "GET": cells(ok=("steward", "ppp_manager", "admin"), others=HIDDEN, project_company=DENIED),
        "POST": cells(ok=("steward", "ppp_manager", "admin"), others=HIDDEN, project_company=DENIED),
    },
    "performance:mechanism": {
        "GET": cells(ok=("steward", "ppp_manager", "admin"), others=HIDDEN, project_company=DENIED),
        "POST": cells(ok=("steward", "ppp_manager", "admin"), others=HIDDEN, project_company=DENIED),
    },
    "performance:record-add": {"POST": cells(ok=IOC_PROJECT, others=HIDDEN)},
    "performance:evaluation-create": {"POST": cells(ok=IOC_PROJECT, others=HIDDEN)},
    "performance:evaluation": {
        "GET": cells(ok=IOC_PROJECT, others=HIDDEN),
        "POST": cells(ok=IOC_PROJECT, others=HIDDEN),
    },
    "performance:score": {"POST": cells(ok=IOC_PROJECT, others=HIDDEN)},
    "performance:transition": {"POST": cells(ok=IOC_PROJECT, others=HIDDEN)},
    "performance:assign": {"POST": cells(ok=IOC_PROJECT, others=HIDDEN)},
    "performance:calculate": {
        "POST": cells(ok=("ppp_manager", "admin"), others=HIDDEN, steward=DENIED, project_company=DENIED)
    },
    "performance:payment": {"POST": cells(ok=IOC_PROJECT, others=HIDDEN)},
    "performance:report": {
        "GET": cells(ok=IOC_PROJECT, others=HIDDEN),
        "POST": cells(ok=IOC_PROJECT, others=HIDDEN),
    },
    "performance:evidence": {
        "GET": cells(ok=IOC_PROJECT, others=HIDDEN),
        "POST": cells(ok=IOC_PROJECT, others=HIDDEN),
    },
    "performance:api-records": {"POST": cells(ok=PERFORMANCE_USERS, anonymous=DENIED)},
    "approvals-application-list": {
        "GET": cells(ok=SIGNED_IN_ROLES, anonymous=DENIED),
        "POST": cells(ok=SIGNED_IN_ROLES, anonymous=DENIED),
    },
    "approvals-application-detail": {
        "GET": cells(ok=("applicant",), anonymous=DENIED, others=HIDDEN),
        "PATCH": cells(ok=("applicant",), anonymous=DENIED, others=HIDDEN),
    },
    "approvals-application-submit": {"POST": cells(ok=("applicant",), anonymous=DENIED, others=HIDDEN)},
    "approvals-application-withdraw": {"POST": cells(ok=("applicant",), anonymous=DENIED, others=HIDDEN)},
    "approvals-application-material-list": {
        "GET": cells(
            ok=("applicant", "reviewer_x", "clerk", "coordinator", "supervisor"),
            anonymous=DENIED,
            others=HIDDEN,
        ),
        "POST": cells(ok=("applicant",), anonymous=DENIED, others=HIDDEN),
    },
    "approvals-application-material-checklist": {
        "GET": cells(
            ok=("applicant", "reviewer_x", "clerk", "coordinator", "supervisor"),
            anonymous=DENIED,
            others=HIDDEN,
        )
    },
    "approvals-application-material-pledge": {
        "POST": cells(ok=("applicant",), anonymous=DENIED, others=HIDDEN)
    },
    "approvals-application-material-supply": {
        "POST": cells(ok=("applicant",), anonymous=DENIED, others=HIDDEN)
    },
    "approvals-application-material-detail": {
        "DELETE": cells(ok=("applicant",), anonymous=DENIED, others=HIDDEN)
    },
    "approvals-application-material-download": {
        "GET": cells(
            ok=("applicant", "reviewer_x", "clerk", "coordinator", "supervisor"),
            anonymous=DENIED,
            others=HIDDEN,
        )
    },
    "approvals-task-list": {"GET": cells(ok=SIGNED_IN_ROLES, anonymous=DENIED)},
    "approvals-task-detail": {"GET": cells(ok=("reviewer_x",), anonymous=DENIED, others=HIDDEN)},
    "approvals-task-claim": {"POST": cells(ok=("reviewer_x",), anonymous=DENIED, others=HIDDEN)},
    "approvals-task-decide": {"POST": cells(ok=("reviewer_x",), anonymous=DENIED, others=HIDDEN)},
    "approvals-task-decide-extension": {"POST": cells(anonymous=DENIED, others=HIDDEN, reviewer_x=DENIED)},
    "approvals-task-request-extension": {"POST": cells(ok=("reviewer_x",), anonymous=DENIED, others=HIDDEN)},
    "approvals-task-resume": {"POST": cells(ok=("reviewer_x",), anonymous=DENIED, others=HIDDEN)},
    "approvals-task-suspend": {"POST": cells(ok=("reviewer_x",), anonymous=DENIED, others=HIDDEN)},
    "approvals-intake-list": {"GET": cells(ok=SIGNED_IN_ROLES, anonymous=DENIED)},
    "approvals-intake-detail": {"GET": cells(ok=("clerk",), anonymous=DENIED, others=HIDDEN)},
    "approvals-intake-accept": {"POST": cells(ok=("clerk",), anonymous=DENIED, others=HIDDEN)},
    "approvals-intake-not-accept": {"POST": cells(ok=("clerk",), anonymous=DENIED, others=HIDDEN)},
    "approvals-intake-request-correction": {"POST": cells(ok=("clerk",), anonymous=DENIED, others=HIDDEN)},
    "approvals-lead-list": {"GET": cells(ok=SIGNED_IN_ROLES, anonymous=DENIED)},
    "approvals-lead-detail": {"GET": cells(ok=("coordinator",), anonymous=DENIED, others=HIDDEN)},
    "approvals-lead-decide": {"POST": cells(ok=("coordinator",), anonymous=DENIED, others=HIDDEN)},
    "org-unit-list": {
        "GET": cells(ok=OFFICIALS, anonymous=DENIED),
        "POST": cells(ok=("admin",), anonymous=DENIED),
    },
    "org-unit-detail": {
        "GET": cells(ok=OFFICIALS, anonymous=DENIED),
        "PUT": cells(ok=("admin",), anonymous=DENIED),
        "PATCH": cells(ok=("admin",), anonymous=DENIED),
        "DELETE": cells(ok=("admin",), anonymous=DENIED),
    },
    "leading-group-list": {"GET": cells(ok=OFFICIALS, anonymous=DENIED)},
    "leading-group-detail": {"GET": cells(ok=OFFICIALS, anonymous=DENIED)},
    "api-root": {"GET": cells(ok=SIGNED_IN_ROLES, anonymous=DENIED)},
    "api-schema": {"GET": PUBLIC},
    "api-docs": {"GET": PUBLIC},
    # Consultations: managed by the owner unit (the smart-city office) and admins.
    "consultations:list": {"GET": PUBLIC, "POST": PUBLIC},
    "consultations:statistics": {"GET": PUBLIC, "POST": PUBLIC},
    "consultations:manage_list": {"GET": cells(ok=OFFICIALS), "POST": cells(ok=OFFICIALS)},
    "consultations:manage_create": {"GET": cells(ok=OFFICIALS), "POST": cells(ok=OFFICIALS)},
    "consultations:manage_detail": {
        "GET": cells(ok=("office", "admin"), others=HIDDEN),
        "POST": cells(ok=("office", "admin"), others=HIDDEN),
    },
    "consultations:manage_edit": {
        "GET": cells(ok=("office", "admin"), others=HIDDEN),
        "POST": cells(ok=("office", "admin"), others=HIDDEN),
    },
    "consultations:manage_schedule": {"POST": cells(ok=("office", "admin"), others=HIDDEN)},
    "consultations:manage_withdraw": {"POST": cells(ok=("office", "admin"), others=HIDDEN)},
    "consultations:manage_document": {"POST": cells(ok=("office", "admin"), others=HIDDEN)},
    "consultations:manage_publish": {"POST": cells(ok=("office", "admin"), others=HIDDEN)},
    "consultations:manage_answer": {"POST": cells(ok=("office", "admin"), others=HIDDEN)},
    "consultations:manage_hide": {"POST": cells(ok=("office", "admin"), others=HIDDEN)},
    "consultations:comment_withdraw": {"POST": cells(ok=("applicant",), others=HIDDEN)},
    "consultations:attachment": {
        "GET": cells(ok=("applicant", "office", "admin"), others=HIDDEN),
        "POST": cells(ok=("applicant", "office", "admin"), others=HIDDEN),
    },
    "consultations:detail": {"GET": PUBLIC, "POST": PUBLIC},
    "consultations:comment": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "consultations:document": {"GET": PUBLIC, "POST": PUBLIC},
    "overview:index": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "overview:screen": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "overview:data": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "overview:public": {"GET": PUBLIC, "POST": PUBLIC},
    "overview:public-data": {"GET": PUBLIC, "POST": PUBLIC},
    # Coordination matters and meetings: units see what they lead or take part in.
    "matters:list": {
        "GET": cells(ok=UNIT_MEMBERS, others=HIDDEN),
        "POST": cells(ok=UNIT_MEMBERS, others=HIDDEN),
    },
    "matters:create": {"GET": cells(ok=("office", "admin")), "POST": cells(ok=("office", "admin"))},
    "matters:detail": {
        "GET": cells(ok=MATTER_PARTIES, others=HIDDEN),
        "POST": cells(ok=MATTER_PARTIES, others=HIDDEN),
    },
    "matters:edit": {"GET": cells(ok=("office", "admin")), "POST": cells(ok=("office", "admin"))},
    "matters:report": {"POST": cells(ok=MATTER_PARTIES, others=HIDDEN)},
    "matters:milestone-add": {"POST": cells(ok=MATTER_PARTIES, others=HIDDEN)},
    "matters:rate": {"POST": cells(ok=MATTER_PARTIES, others=HIDDEN)},
    "matters:transition": {"POST": cells(ok=MATTER_PARTIES, others=HIDDEN)},
    "matters:attachment": {
        "GET": cells(ok=MATTER_PARTIES, others=HIDDEN),
        "POST": cells(ok=MATTER_PARTIES, others=HIDDEN),
    },
    "matters:meetings": {
        "GET": cells(ok=UNIT_MEMBERS, others=HIDDEN),
        "POST": cells(ok=UNIT_MEMBERS, others=HIDDEN),
    },
    "matters:meeting-create": {"GET": cells(ok=("office", "admin")), "POST": cells(ok=("office", "admin"))},
    "matters:meeting": {
        "GET": cells(
            ok=("reviewer_x", "clerk", "coordinator", "steward", "ppp_manager", "office", "admin"),
            others=HIDDEN,
        ),
        "POST": cells(
            ok=("reviewer_x", "clerk", "coordinator", "steward", "ppp_manager", "office", "admin"),
            others=HIDDEN,
        ),
    },
    "matters:meeting-action": {
        "POST": cells(
            ok=("reviewer_x", "clerk", "coordinator", "steward", "ppp_manager", "office", "admin"),
            others=HIDDEN,
        )
    },
    "matters:api-matter-list": {"GET": cells(ok=SIGNED_IN_ROLES, anonymous=DENIED)},
    "matters:api-matter-detail": {"GET": cells(ok=MATTER_PARTIES, anonymous=DENIED, others=HIDDEN)},
    # Intermediary market: owners (applicants), firms, the regulator (supervisors).
    "intermediaries:index": {"GET": PUBLIC},
    "intermediaries:announcement": {"GET": PUBLIC},
    "intermediaries:verify": {"GET": PUBLIC},
    "intermediaries:my-needs": {"GET": cells(ok=OWNERS)},
    "intermediaries:need-new": {"GET": cells(ok=OWNERS), "POST": cells(ok=OWNERS)},
    "intermediaries:my-need": {"GET": cells(ok=("applicant",), others=HIDDEN)},
    "intermediaries:my-need-action": {"POST": cells(ok=("applicant",), others=HIDDEN)},
    "intermediaries:result-download": {"GET": cells(ok=("project_company",), others=HIDDEN)},
    "intermediaries:firm": {"GET": cells(ok=("intermediary",)), "POST": cells(ok=("intermediary",))},
    "intermediaries:firm-action": {"POST": cells(ok=("intermediary",))},
    "intermediaries:opportunities": {"GET": cells(ok=("intermediary",))},
    "intermediaries:bid": {"GET": cells(ok=("intermediary",)), "POST": cells(ok=("intermediary",))},
    "intermediaries:engagements": {"GET": cells(ok=("intermediary",))},
    "intermediaries:engagement": {"GET": cells(intermediary=HIDDEN), "POST": cells(intermediary=HIDDEN)},
    "intermediaries:regulate": {"GET": cells(ok=("supervisor",))},
    "intermediaries:regulate-intermediary": {
        "GET": cells(ok=("supervisor",)),
        "POST": cells(ok=("supervisor",)),
    },
    "intermediaries:regulate-complaint": {"POST": cells(ok=("supervisor",))},
    "intermediaries:regulate-contact-phone": {"POST": cells(ok=("supervisor",))},
    "intermediaries:qualification-scan": {"GET": cells(ok=("supervisor", "intermediary"), others=HIDDEN)},
    # Two-factor pages (any signed-in user may enrol); PPP documents through permission-checked views.
    "security:settings": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "security:enrol": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "security:verify": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    # One's own phone / ID number in full (audited); nobody reaches anyone else's.
    "security:personal-data": {"POST": SIGNED_IN},
    "operations:document": {
        "GET": cells(ok=IOC_PROJECT, supervisor=HIDDEN),
        "POST": cells(ok=IOC_PROJECT, supervisor=HIDDEN),
    },
    "operations:public-document": {"GET": PUBLIC, "POST": PUBLIC},
}
