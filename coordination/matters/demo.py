"""Demo data for coordination matters and meetings, loaded by `manage.py seed_demo` after the
demo city (coordination.demo). Idempotent: it does nothing once its first meeting exists.

The office coordinator (login `office`) then runs a realistic programme: the leading group's third
plenary meeting (minutes published) whose decisions created the matters, an office coordination
meeting still planned, and matters in every state — green, yellow, red (overdue and escalated to
the leading group), reported, completed and rated, closed, cancelled, a draft — one of them with
sub-matters and weighted milestones. `steward` (big-data bureau) and `enterprise` (yx-digital)
have reported progress on what their units lead or cooperate on. Everything goes through the
services; clocks start in the past (working days before today) so the signals are real.
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from coordination.models import LeadingGroupMember, OrgUnit
from portal.clocks import services as clocks
from portal.models import User
from portal.workcal import days as workdays

from . import services
from .models import AttendanceStatus, Meeting, RatingGrade

PLENARY = "云溪市智慧城市建设领导小组第三次全体会议"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _unit(code):
    return OrgUnit.objects.get(code=code)


def _ago(n):
    return workdays.add_working_days(clocks.local_today(), -n)


def _leader(name):
    return LeadingGroupMember.objects.filter(person_name=name).first()


def load_demo() -> str:
    if Meeting.objects.filter(title=PLENARY).exists():
        return "matters demo already loaded"
    office = User.objects.get(username="office")
    steward = User.objects.get(username="steward")
    enterprise = User.objects.get(username="enterprise")
    group, smart_office = _unit("yx-leading-group"), _unit("yx-smart-office")
    data, scc, digital = _unit("yx-data"), _unit("yx-scc"), _unit("yx-digital")
    district = _unit("yx-d1")

    plenary = services.meeting_create(
        actor=office, title=PLENARY, date=_ago(45), place="市政府第一会议室", convened_by=group
    )
    services.meeting_add_agenda_item(
        actor=office, meeting=plenary, title="听取智慧城市建设2026年上半年工作情况汇报"
    )
    services.meeting_add_agenda_item(actor=office, meeting=plenary, title="研究部署下半年重点任务")
    for code, status, person in [
        ("yx-gov", AttendanceStatus.PRESENT, "陈立明"),
        ("yx-party", AttendanceStatus.PRESENT, "何志远"),
        ("yx-scc", AttendanceStatus.PRESENT, "马晓峰"),
        ("yx-data", AttendanceStatus.PRESENT, "曹明"),
        ("yx-ndrc", AttendanceStatus.PRESENT, "许海"),
        ("yx-finance", AttendanceStatus.DELEGATED, "财政局副局长 周敏"),
        ("yx-approval", AttendanceStatus.PRESENT, "冯涛"),
        ("yx-police", AttendanceStatus.ABSENT, ""),
        ("yx-health", AttendanceStatus.PRESENT, "王建国"),
    ]:
        services.meeting_record_attendance(
            actor=office, meeting=plenary, unit=_unit(code), status=status, person=person
        )

    def decide(text, specs):
        return services.decision_record(actor=office, meeting=plenary, text=text, matters=specs)

    ioc = decide(
        "加快城市运行管理中心（城市大脑）建设，年底前实现主要城市运行指标“一屏统览”。",
        [
            {
                "title": "城市运行管理中心建设",
                "description": (
                    "建成城市运行管理中心指挥大厅，接入城管、交通、应急等部门数据，形成城市运行指标体系。"
                ),
                "lead_unit": data,
                "cooperating_units": [scc, _unit("yx-urban"), _unit("yx-emergency"), district],
                "limit_days": 90,
                "responsible_leader": _leader("宋文华"),
                "start_on": _ago(44),
                "milestones": [
                    {"title": "建设方案通过专家评审", "weight": 1},
                    {"title": "中心试运行", "weight": 2},
                ],
            }
        ],
    ).matters.get()
    exchange = decide(
        "升级政务数据共享交换平台，支撑条块数据双向流动。",
        [
            {
                "title": "政务数据共享交换平台升级",
                "description": "完成平台国产化改造和省市两级目录对接，新增接口调用审计。",
                "lead_unit": data,
                "cooperating_units": [digital, scc],
                "limit_days": 40,
                "responsible_leader": _leader("陈立明"),
                "start_on": _ago(35),
                "milestones": [
                    {"title": "国产化环境部署", "weight": 2},
                    {"title": "省市目录对接", "weight": 2},
                    {"title": "接口调用审计上线", "weight": 1},
                ],
            }
        ],
    ).matters.get()
    onewin = decide(
        "全面梳理“一网通办”事项，统一办事指南要素。",
        [
            {
                "title": "一网通办事项梳理",
                "description": "梳理市本级政务服务事项，统一办事指南要素，按期报送领导小组办公室。",
                "lead_unit": _unit("yx-approval"),
                "cooperating_units": [data, district],
                "limit_days": 20,
                "responsible_leader": _leader("冯涛"),
                "start_on": _ago(30),
            }
        ],
    ).matters.get()
    parking = decide(
        "推进智慧停车PPP项目落地，规范项目公司运营。",
        [
            {
                "title": "智慧停车PPP项目推进",
                "description": "完成项目公司组建、一期泊位建设和绩效考核办法制定。",
                "lead_unit": _unit("yx-finance"),
                "cooperating_units": [_unit("yx-parking-spv"), _unit("yx-transport")],
                "limit_days": 30,
                "responsible_leader": _leader("邓丽"),
                "start_on": _ago(25),
            }
        ],
    ).matters.get()
    services.meeting_record_minutes(
        actor=office,
        meeting=plenary,
        minutes="会议由领导小组组长陈立明主持。会议听取了智慧办关于上半年工作的汇报，研究部署了下半年重点任务，"
        "形成议定事项四项，由智慧办督办落实，逾期事项报领导小组。",
    )
    services.meeting_publish_minutes(actor=office, meeting=plenary)

    # 城市运行管理中心: two sub-matters, milestones, reports, one milestone done.
    hall = services.matter_create(
        actor=office,
        title="指挥大厅装修改造",
        raised_by=smart_office,
        lead_unit=scc,
        cooperating_units=[data],
        limit_days=40,
        parent=ioc,
        weight=1,
        start_on=_ago(40),
        milestones=[{"title": "施工图设计", "weight": 1}, {"title": "装修完工验收", "weight": 2}],
    )
    services.matter_create(
        actor=office,
        title="城市运行指标体系编制",
        raised_by=smart_office,
        lead_unit=data,
        cooperating_units=[_unit("yx-statistics"), district],
        limit_days=30,
        parent=ioc,
        weight=2,
        start_on=_ago(20),
        milestones=[
            {"title": "指标初稿", "weight": 1},
            {"title": "部门征求意见", "weight": 1},
            {"title": "正式发布", "weight": 1},
        ],
    )
    services.milestone_complete(actor=steward, milestone=ioc.milestones.get(title="建设方案通过专家评审"))
    services.progress_report_submit(
        actor=steward,
        matter=ioc,
        text="建设方案已通过专家评审，正在组织采购。",
        files=[ContentFile(PDF, name="建设方案专家评审意见.pdf")],
    )
    services.milestone_complete(
        actor=User.objects.get(username="steward"), milestone=hall.milestones.get(title="施工图设计")
    )

    # 数据共享交换平台 (yellow): the steward and the enterprise report.
    services.progress_report_submit(
        actor=steward,
        matter=exchange,
        text="国产化服务器和数据库已部署完成。",
        milestones=[exchange.milestones.get(title="国产化环境部署").pk],
    )
    services.progress_report_submit(
        actor=enterprise,
        matter=exchange,
        text="云溪数字科技已完成省级目录接口联调的开发工作，等待省平台开放测试环境。",
        files=[ContentFile(PDF, name="接口联调报告.pdf")],
    )

    # 一网通办 (red, escalated): a report with an estimate.
    services.progress_report_submit(
        actor=User.objects.get(username="coordinator"),
        matter=onewin,
        text="已梳理市本级事项312项，尚余区级事项。",
        percent=60,
    )

    # 智慧停车 PPP: reported, accepted, rated.
    services.progress_report_submit(
        actor=User.objects.get(username="ppp"),
        matter=parking,
        text="项目公司已组建，一期泊位建成。",
        percent=100,
    )
    services.matter_report_completion(
        actor=User.objects.get(username="ppp"),
        matter=parking,
        text="项目公司组建完成，一期1200个泊位投入运营，绩效考核办法已印发。",
    )
    services.matter_accept(actor=office, matter=parking)
    services.matter_rate(
        actor=office,
        matter=parking,
        unit=_unit("yx-finance"),
        grade=RatingGrade.EXCELLENT,
        comment="按期高质量完成。",
    )
    services.matter_rate(
        actor=office,
        matter=parking,
        unit=_unit("yx-parking-spv"),
        grade=RatingGrade.GOOD,
        comment="配合积极。",
    )
    services.matter_rate(
        actor=office, matter=exchange, unit=digital, grade=RatingGrade.GOOD, comment="技术支撑有力。"
    )

    # Office meeting, planned; and matters in the remaining states.
    topic = services.meeting_create(
        actor=office,
        title="智慧城市办公室专题协调会（数据共享）",
        date=workdays.add_working_days(clocks.local_today(), 3),
        place="大数据局三楼会议室",
        convened_by=smart_office,
    )
    services.meeting_add_agenda_item(
        actor=office, meeting=topic, title="协调政务数据共享交换平台升级进度", matters=[exchange]
    )
    services.meeting_record_attendance(
        actor=office, meeting=topic, unit=data, status=AttendanceStatus.PRESENT, person="曹明"
    )
    services.meeting_record_attendance(
        actor=office, meeting=topic, unit=digital, status=AttendanceStatus.PRESENT, person="刘经理"
    )

    green = services.matter_create(
        actor=office,
        title="12345热线与数字城管平台对接",
        raised_by=smart_office,
        lead_unit=_unit("yx-urban"),
        cooperating_units=[data, scc],
        limit_days=30,
        start_on=_ago(3),
    )
    services.progress_report_submit(actor=steward, matter=green, text="数据接口规范已提供给城管局。")
    reported = services.matter_create(
        actor=office,
        title="智慧城市专项资金绩效自评",
        raised_by=smart_office,
        lead_unit=data,
        cooperating_units=[_unit("yx-finance")],
        limit_days=15,
        start_on=_ago(8),
    )
    services.progress_report_submit(actor=steward, matter=reported, text="自评报告已完成。", percent=100)
    services.matter_report_completion(
        actor=steward, matter=reported, text="专项资金绩效自评报告已编制完成，请审阅。"
    )
    closed = services.matter_create(
        actor=office,
        title="城市信息模型（CIM）平台前期调研",
        raised_by=smart_office,
        lead_unit=_unit("yx-land"),
        cooperating_units=[data],
        limit_days=20,
        start_on=_ago(25),
    )
    services.matter_close(
        actor=office, matter=closed, reason="调研内容并入城市运行管理中心建设，不再单独督办。"
    )
    cancelled = services.matter_create(
        actor=office,
        title="智慧社区试点申报",
        raised_by=smart_office,
        lead_unit=_unit("yx-civil"),
        cooperating_units=[district],
        limit_days=10,
        start_on=_ago(2),
    )
    services.matter_cancel(actor=office, matter=cancelled, reason="省级试点申报通知取消。")
    services.matter_create(
        actor=office,
        title="智慧教育平台建设方案编制",
        raised_by=smart_office,
        lead_unit=_unit("yx-education"),
        cooperating_units=[digital],
        limit_days=30,
        open_now=False,
    )
    return "matters demo loaded: 2 meetings, 11 matters"
