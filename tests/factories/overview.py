"""Fixtures for the city-overview tests: a small city and `n` objects per area, written straight
to the tables (the numbers, not the workflows, are under test), so the exact figures each provider
must show follow from `n` (see `expected`).

City: a government with the smart-city office (a coordinator: city-wide viewer; a supervisor),
department A (approval bureau) and department B (fire), and the finance bureau. Per `n`:

- approvals: in each of A and B, n granted applications received and decided today, each with a
  department task whose review clock stopped today (A: 2 of 5 working days used, all on time; B: 4
  of 5, the first one late) and n open applications received today with a running review clock
  (A: due in a month, green; B: overdue, red); plus a draft and one application of last year.
- sharing: A provides n open resources (topic "population"), B n shared-only ones (topic
  "enterprise") and a draft; n requests of B for A's data pending, n of finance for B's data
  approved with active agreements; n calls A→B today (ok), n calls B→finance today (refused),
  one call last year; a return-flow run of 10 rows today (A→B, 1 record held).
- PPP: A implements n published projects (execution stage, 1,000,000 yuan, published evaluation
  scoring 90, a payment of 100,000 calculated this year); B n unpublished ones (procurement,
  2,000,000 yuan, approved evaluation scoring 80); B's first project has an open integrity flag.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from coordination.models import OrgKind
from tests.factories import OfficialFactory, OrgUnitFactory, UserFactory, staff

_seq = itertools.count(1)


def build_city() -> SimpleNamespace:
    gov = OrgUnitFactory(code="ov-gov", name="测试市人民政府", kind=OrgKind.GOVERNMENT)
    office = OrgUnitFactory(code="ov-office", name="测试市智慧城市办", kind=OrgKind.OFFICE, parent=gov)
    dept_a = OrgUnitFactory(code="ov-a", name="测试市行政审批局", kind=OrgKind.BUREAU, parent=gov)
    dept_b = OrgUnitFactory(code="ov-b", name="测试市消防救援局", parent=gov)
    finance = OrgUnitFactory(code="ov-fin", name="测试市财政局", parent=gov)
    return SimpleNamespace(
        gov=gov,
        office=office,
        a=dept_a,
        b=dept_b,
        finance=finance,
        leader=staff(office, "office_coordinator", "ov-leader", "城市领导"),
        supervisor=staff(office, "supervisor", "ov-supervisor", "电子监察"),
        reviewer_a=staff(dept_a, "reviewer", "ov-reviewer-a", "甲局审查员"),
        reviewer_b=staff(dept_b, "reviewer", "ov-reviewer-b", "乙局审查员"),
        steward_a=staff(dept_a, "data_steward", "ov-steward-a", "甲局数据员"),
        manager=staff(finance, "ppp_manager", "ov-ppp", "PPP中心"),
        plain=OfficialFactory(username="ov-plain"),
        citizen=UserFactory(username="ov-citizen"),
    )


# -- approvals ----------------------------------------------------------------------------------------


def _clock(subject, *, today, state, consumed=0, late=None, due=None):
    from portal.clocks.models import Clock, ClockState, Signal

    stopped = state == ClockState.STOPPED
    clock = Clock.objects.create(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        purpose="review",
        label="审查时限",
        limit_days=5,
        state=state,
        started_on=today - datetime.timedelta(days=7),
        stopped_on=today if stopped else None,
        consumed_days=consumed,
        due_date=due or today,
        signal=Signal.DONE if stopped else Signal.GREEN,
        signal_since=today,
        finished_late=late,
        # Stored signals are not kept here: a running clock is due for a check today, so every
        # reader computes its live signal (as before the morning sweep).
        next_check_on=None if stopped else today,
    )
    from approvals.receivers import copy_review_clocks

    copy_review_clocks([clock])
    return clock


def add_approvals(city, n: int, today: datetime.date) -> None:
    from approvals.models import Application, DepartmentTask, StatusChange
    from approvals.workflow import ApplicationStatus as A
    from approvals.workflow import TaskStatus as T
    from portal.clocks.models import ClockState
    from tests.approvals.factories import ItemFactory

    for dept, used, open_due in (
        (city.a, 2, today + datetime.timedelta(days=40)),
        (city.b, 4, today - datetime.timedelta(days=20)),
    ):
        item = ItemFactory(implementing_body=dept, origin_department=dept, published=True)

        def application(status, received_on, decided_on=None, dept=dept, item=item):
            return Application.objects.create(
                number=f"OV-{next(_seq):06d}",
                applicant=city.citizen,
                item=item,
                lead_department=dept,
                status=status,
                received_on=received_on,
                decided_on=decided_on,
            )

        for i in range(n):
            granted = application(A.GRANTED, today, today)
            StatusChange.objects.create(application=granted, from_status=A.CONSOLIDATING, to_status=A.GRANTED)
            task = DepartmentTask.objects.create(
                application=granted, item=item, department=dept, status=T.APPROVED
            )
            late = dept == city.b and i == 0
            _clock(task, today=today, state=ClockState.STOPPED, consumed=used, late=late)

            pending = application(A.IN_REVIEW, today)
            task = DepartmentTask.objects.create(
                application=pending, item=item, department=dept, status=T.IN_REVIEW
            )
            _clock(task, today=today, state=ClockState.RUNNING, due=open_due)
        application(A.DRAFT, None)
        application(A.REFUSED, datetime.date(today.year - 1, 6, 1), datetime.date(today.year - 1, 6, 20))


# -- sharing ----------------------------------------------------------------------------------------------


def _resource(provider, *, topic, open_attribute, published=True):
    from sharing.models import DataResource, ResourceStatus, ResourceVersion, SharingType

    number = next(_seq)
    resource = DataResource.objects.create(
        code=f"A01-01-01-{number:04d}",
        name=f"资源{number}",
        resource_class="A",
        classification="A01-01-01",
        provider=provider,
        sharing_type=SharingType.UNCONDITIONAL,
        sharing_methods=["api"],
        open_attribute=open_attribute,
        status=ResourceStatus.PUBLISHED if published else ResourceStatus.DRAFT,
    )
    resource.topics.add(topic)
    if published:
        version = ResourceVersion.objects.create(
            resource=resource,
            number=1,
            items=[],
            sharing_type=resource.sharing_type,
            published_at=timezone.now(),
        )
        resource.current_version = version
        resource.save(update_fields=["current_version"])
    return resource


def _request(consumer, resource, user, status):
    from sharing.models import DataRequest, Direction

    today = timezone.localdate()
    return DataRequest.objects.create(
        consumer=consumer,
        requested_by=user,
        resource=resource,
        version=resource.current_version,
        purpose="履行法定职责",
        duty_basis="《测试条例》",
        method="api",
        frequency="daily",
        period_from=today,
        period_until=today + datetime.timedelta(days=365),
        direction=Direction.HORIZONTAL,
        status=status,
    )


def _agreement(request, direction="horizontal"):
    from sharing.models import Agreement, AgreementStatus

    today = timezone.localdate()
    return Agreement.objects.create(
        number=f"AG-{next(_seq):06d}",
        request=request,
        provider=request.resource.provider,
        consumer=request.consumer,
        resource=request.resource,
        resource_version=request.version,
        direction=direction,
        purpose=request.purpose,
        method="api",
        valid_from=today,
        valid_until=today + datetime.timedelta(days=365),
        retention_days=30,
        status=AgreementStatus.ACTIVE,
    )


def _call(agreement, *, at, status):
    from sharing.exchange.models import AccessLog

    number = next(_seq)
    return AccessLog.objects.create(
        sequence=number,
        request_id=f"req-{number}",
        method="GET",
        path="/api/exchange/records/",
        agreement=agreement,
        consumer=agreement.consumer,
        provider=agreement.provider,
        resource=agreement.resource,
        time_in=at,
        time_out=at,
        status=status,
        outcome="ok" if status < 400 else "refused",
        records=1,
        prev_hash=hashlib.sha256(f"prev-{number}".encode()).hexdigest(),
        hash=hashlib.sha256(f"hash-{number}".encode()).hexdigest(),
    )


def add_sharing(city, n: int) -> None:
    from sharing.exchange.models import DataRecord, ReturnedRecord, ReturnFlowRun
    from sharing.models import OpenAttribute, RequestStatus, Topic

    population = Topic.objects.get_or_create(code="ov-population", defaults={"name": "测试人口"})[0]
    enterprise = Topic.objects.get_or_create(code="ov-enterprise", defaults={"name": "测试法人"})[0]
    a_resources = [_resource(city.a, topic=population, open_attribute=OpenAttribute.OPEN) for _ in range(n)]
    b_resources = [
        _resource(city.b, topic=enterprise, open_attribute=OpenAttribute.NOT_OPEN) for _ in range(n)
    ]
    _resource(city.b, topic=enterprise, open_attribute=OpenAttribute.OPEN, published=False)

    now = timezone.now()
    first_agreement = None
    for i in range(n):
        pending = _request(city.b, a_resources[i], city.reviewer_b, RequestStatus.SUBMITTED)
        approved = _request(city.finance, b_resources[i], city.manager, RequestStatus.APPROVED)
        agreement_ab = _agreement(pending, direction="down")
        agreement_bf = _agreement(approved)
        first_agreement = first_agreement or agreement_ab
        _call(agreement_ab, at=now, status=200)
        _call(agreement_bf, at=now, status=403)
    _call(first_agreement, at=now - datetime.timedelta(days=400), status=200)
    run = ReturnFlowRun.objects.create(
        agreement=first_agreement, started_at=now, finished_at=now, rows=10, status="succeeded"
    )
    record = DataRecord.objects.create(
        resource=first_agreement.resource, key="k1", data={}, source="upload", updated_at=now
    )
    ReturnedRecord.objects.create(
        agreement=first_agreement,
        record=record,
        key="k1",
        data={},
        source_version=1,
        run=run,
        received_at=now,
    )


# -- PPP --------------------------------------------------------------------------------------------------


def add_ppp(city, n: int) -> None:
    from operations.models import (
        FlagStatus,
        IntegrityFlag,
        Mode,
        Project,
        Regime,
        ReturnMechanism,
        Stage,
        Tender,
    )
    from operations.performance.models import (
        Evaluation,
        Framework,
        PaymentCalculation,
        PaymentMechanism,
        State,
    )

    today = timezone.localdate()
    for dept, stage, investment, published, state, total in (
        (city.a, Stage.EXECUTION, Decimal("1000000.00"), True, State.PUBLISHED, Decimal("90")),
        (city.b, Stage.PROCUREMENT, Decimal("2000000.00"), False, State.APPROVED, Decimal("80")),
    ):
        for i in range(n):
            number = next(_seq)
            project = Project.objects.create(
                code=f"ov-p{number}",
                name=f"测试项目{number}",
                regime=Regime.LEGACY_PPP,
                mode=Mode.BOT,
                return_mechanism=ReturnMechanism.VGF,
                sector="transport",
                stage=stage,
                total_investment=investment,
                implementing_agency=dept,
                industry_authority=dept,
                finance_department=city.finance,
                published=published,
            )
            framework = Framework.objects.create(project=project, version=1)
            # An older evaluation with another score: only the latest counts.
            Evaluation.objects.create(
                project=project,
                framework=framework,
                period_start=datetime.date(today.year - 1, 1, 1),
                period_end=datetime.date(today.year - 1, 6, 30),
                state=state,
                total=Decimal("10"),
            )
            evaluation = Evaluation.objects.create(
                project=project,
                framework=framework,
                period_start=datetime.date(today.year - 1, 7, 1),
                period_end=datetime.date(today.year - 1, 12, 31),
                state=state,
                total=total,
            )
            if dept == city.a:
                mechanism = PaymentMechanism.objects.create(
                    project=project, linked_amount=Decimal("100000"), bands=[]
                )
                PaymentCalculation.objects.create(
                    evaluation=evaluation,
                    mechanism=mechanism,
                    snapshot={},
                    score=total,
                    coefficient=Decimal("1"),
                    performance_part=Decimal("100000"),
                    abatements=Decimal("0"),
                    incentive=Decimal("0"),
                    amount=Decimal("100000"),
                )
            if dept == city.b and i == 0:
                tender = Tender.objects.create(
                    project=project, reference=f"OV-T{number}", title="招标", deadline=today
                )
                IntegrityFlag.objects.create(tender=tender, rule="control", key="k", status=FlagStatus.OPEN)
                IntegrityFlag.objects.create(
                    tender=tender, rule="control", key="k2", status=FlagStatus.DISMISSED
                )


def populate(city, n: int, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    add_approvals(city, n, today)
    add_sharing(city, n)
    add_ppp(city, n)
