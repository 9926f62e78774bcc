"""The fictional demo city of 云溪市 (Yunxi), in the fictional province of 江岭省 (Jiangling).

Division codes and credit codes are well-formed (they pass the GB validators) but belong to no
real body. Loading is idempotent: every unit, user and seat is looked up by its stable key first.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from coordination import services
from coordination.models import (
    FunctionalLine,
    LeadingGroupMember,
    LeadingGroupRole,
    Nameplate,
    OrgKind,
    OrgLevel,
    OrgUnit,
    Position,
    Role,
    RoleCode,
)
from portal.clocks.models import Clock
from portal.clocks.services import clock_start
from portal.models import User, UserKind
from portal.validators import id_number_check_char, org_code_check_char, uscc_check_char
from portal.workcal import days

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - published demo password, demo data only

LINES = [
    ("health", "卫生健康"),
    ("public-security", "公安"),
    ("market-regulation", "市场监管"),
    ("natural-resources", "自然资源"),
    ("hr-social-security", "人力资源和社会保障"),
    ("ecology", "生态环境"),
    ("data", "数据管理"),
    ("housing", "住房和城乡建设"),
    ("education", "教育"),
]

# code, name, kind, line (None for none)
NATIONAL = [
    ("cn-nhc", "国家卫生健康委员会", OrgKind.DEPARTMENT, "health"),
    ("cn-nda", "国家数据局", OrgKind.BUREAU, "data"),
    ("cn-samr", "国家市场监督管理总局", OrgKind.DEPARTMENT, "market-regulation"),
]
PROVINCIAL = [
    ("jl-health", "江岭省卫生健康委员会", OrgKind.DEPARTMENT, "health"),
    ("jl-police", "江岭省公安厅", OrgKind.DEPARTMENT, "public-security"),
    ("jl-market", "江岭省市场监督管理局", OrgKind.DEPARTMENT, "market-regulation"),
    ("jl-land", "江岭省自然资源厅", OrgKind.DEPARTMENT, "natural-resources"),
    ("jl-hrss", "江岭省人力资源和社会保障厅", OrgKind.DEPARTMENT, "hr-social-security"),
    ("jl-ecology", "江岭省生态环境厅", OrgKind.DEPARTMENT, "ecology"),
    ("jl-data", "江岭省数据局", OrgKind.BUREAU, "data"),
    ("jl-housing", "江岭省住房和城乡建设厅", OrgKind.DEPARTMENT, "housing"),
    ("jl-education", "江岭省教育厅", OrgKind.DEPARTMENT, "education"),
]
MUNICIPAL = [
    ("yx-gov-office", "云溪市人民政府办公室", OrgKind.OFFICE, None),
    ("yx-ndrc", "云溪市发展和改革委员会", OrgKind.DEPARTMENT, None),
    ("yx-education", "云溪市教育局", OrgKind.DEPARTMENT, "education"),
    ("yx-science", "云溪市科学技术局", OrgKind.DEPARTMENT, None),
    ("yx-industry", "云溪市工业和信息化局", OrgKind.DEPARTMENT, None),
    ("yx-police", "云溪市公安局", OrgKind.DEPARTMENT, "public-security"),
    ("yx-civil", "云溪市民政局", OrgKind.DEPARTMENT, None),
    ("yx-justice", "云溪市司法局", OrgKind.DEPARTMENT, None),
    ("yx-finance", "云溪市财政局", OrgKind.DEPARTMENT, None),
    ("yx-hrss", "云溪市人力资源和社会保障局", OrgKind.DEPARTMENT, "hr-social-security"),
    ("yx-land", "云溪市自然资源和规划局", OrgKind.DEPARTMENT, "natural-resources"),
    ("yx-ecology", "云溪市生态环境局", OrgKind.DEPARTMENT, "ecology"),
    ("yx-housing", "云溪市住房和城乡建设局", OrgKind.DEPARTMENT, "housing"),
    ("yx-transport", "云溪市交通运输局", OrgKind.DEPARTMENT, None),
    ("yx-water", "云溪市水务局", OrgKind.DEPARTMENT, None),
    ("yx-agriculture", "云溪市农业农村局", OrgKind.DEPARTMENT, None),
    ("yx-commerce", "云溪市商务局", OrgKind.DEPARTMENT, None),
    ("yx-culture", "云溪市文化广电旅游局", OrgKind.DEPARTMENT, None),
    ("yx-health", "云溪市卫生健康委员会", OrgKind.DEPARTMENT, "health"),
    ("yx-veterans", "云溪市退役军人事务局", OrgKind.DEPARTMENT, None),
    ("yx-emergency", "云溪市应急管理局", OrgKind.DEPARTMENT, None),
    ("yx-audit", "云溪市审计局", OrgKind.DEPARTMENT, None),
    ("yx-sasac", "云溪市人民政府国有资产监督管理委员会", OrgKind.DEPARTMENT, None),
    ("yx-market", "云溪市市场监督管理局", OrgKind.DEPARTMENT, "market-regulation"),
    ("yx-statistics", "云溪市统计局", OrgKind.DEPARTMENT, None),
    ("yx-medical-insurance", "云溪市医疗保障局", OrgKind.DEPARTMENT, None),
    ("yx-urban", "云溪市城市管理局", OrgKind.DEPARTMENT, None),
    ("yx-approval", "云溪市行政审批局", OrgKind.BUREAU, None),
    ("yx-data", "云溪市大数据局", OrgKind.BUREAU, "data"),
]
# code, name, division code, departments (suffix, name, kind, line), streets (suffix, name)
DISTRICTS = [
    (
        "yx-d1",
        "云溪市溪东区",
        "360902",
        [
            ("health", "卫生健康局", OrgKind.DEPARTMENT, "health"),
            ("market", "市场监督管理局", OrgKind.DEPARTMENT, "market-regulation"),
            ("approval", "行政审批局", OrgKind.BUREAU, None),
            ("data", "数据局", OrgKind.BUREAU, "data"),
        ],
        [("s1", "东城街道办事处"), ("s2", "望江街道办事处")],
    ),
    (
        "yx-d2",
        "云溪市临江区",
        "360903",
        [
            ("health", "卫生健康局", OrgKind.DEPARTMENT, "health"),
            ("market", "市场监督管理局", OrgKind.DEPARTMENT, "market-regulation"),
            ("education", "教育局", OrgKind.DEPARTMENT, "education"),
        ],
        [("s1", "滨江街道办事处"), ("s2", "新港镇人民政府")],
    ),
    (
        "yx-d3",
        "青山县",
        "360921",
        [
            ("health", "卫生健康局", OrgKind.DEPARTMENT, "health"),
            ("land", "自然资源局", OrgKind.DEPARTMENT, "natural-resources"),
        ],
        [("s1", "青山镇人民政府")],
    ),
]
# code, name, kind, organisation-code body (8 chars)
ENTERPRISES = [
    ("yx-scc", "云溪智慧城市建设运营有限公司", OrgKind.ENTERPRISE, "MA35YX01"),
    ("yx-digital", "云溪数字科技有限公司", OrgKind.ENTERPRISE, "MA35YX02"),
    ("yx-parking-spv", "云溪智慧停车项目有限公司", OrgKind.ENTERPRISE, "MA35YX03"),
    ("jl-consulting", "江岭工程咨询有限公司", OrgKind.ENTERPRISE, "MA35YX04"),
    ("yx-evaluation", "云溪信诚绩效评价事务所有限公司", OrgKind.ENTERPRISE, "MA35YX05"),
    ("yx-it-association", "云溪市信息化协会", OrgKind.SOCIAL_ORG, "MJ35YX06"),
]

# username, full name, kind, unit code, title, roles
LOGINS = [
    ("admin", "系统管理员", UserKind.OFFICIAL, "yx-data", "系统管理员", []),
    ("leader", "陈立明", UserKind.OFFICIAL, "yx-gov", "市长", []),
    ("head", "冯涛", UserKind.OFFICIAL, "yx-approval", "局长", [RoleCode.HEAD]),
    ("reviewer", "李审核", UserKind.OFFICIAL, "yx-approval", "审查员", [RoleCode.REVIEWER]),
    ("reviewer2", "赵审核", UserKind.OFFICIAL, "yx-emergency", "消防审查员", [RoleCode.REVIEWER]),
    ("clerk", "陈窗口", UserKind.OFFICIAL, "yx-approval", "窗口受理员", [RoleCode.WINDOW_CLERK]),
    (
        "coordinator",
        "周牵头",
        UserKind.OFFICIAL,
        "yx-approval",
        "综合协调科科长",
        [RoleCode.LEAD_COORDINATOR],
    ),
    ("supervisor", "吴监察", UserKind.OFFICIAL, "yx-gov-office", "电子监察员", [RoleCode.SUPERVISOR]),
    ("agent", "马代办", UserKind.OFFICIAL, "yx-approval", "帮办代办员", [RoleCode.AGENT]),
    ("steward", "郑数据", UserKind.OFFICIAL, "yx-data", "数据资源科科长", [RoleCode.DATA_STEWARD]),
    ("ppp", "孙财政", UserKind.OFFICIAL, "yx-finance", "PPP中心主任", [RoleCode.PPP_MANAGER]),
    (
        "office",
        "钱协调",
        UserKind.OFFICIAL,
        "yx-smart-office",
        "综合协调处处长",
        [RoleCode.OFFICE_COORDINATOR],
    ),
    ("citizen", "张三", UserKind.CITIZEN, None, "", []),
    ("enterprise", "刘经理", UserKind.ENTERPRISE, "yx-digital", "经办人", [RoleCode.REPRESENTATIVE]),
    ("intermediary", "黄工", UserKind.INTERMEDIARY, "jl-consulting", "项目负责人", [RoleCode.INTERMEDIARY]),
    ("evaluator", "林评价", UserKind.EVALUATOR, "yx-evaluation", "评价师", [RoleCode.EVALUATOR]),
]

ROLE_HINTS = {
    "admin": "Django admin, edits the chart",
    "leader": "mayor, co-leader of the leading group (city overview)",
    "head": "head of the approval bureau (approves extensions)",
    "reviewer": "reviewer, approval bureau",
    "reviewer2": "reviewer, emergency management (fire safety)",
    "clerk": "window clerk, approval bureau",
    "coordinator": "lead coordinator, approval bureau",
    "supervisor": "electronic supervision",
    "agent": "government agent (代办), acts for applicants who authorise it",
    "steward": "data steward, big-data bureau",
    "ppp": "PPP manager, finance bureau",
    "office": "smart-city office coordinator",
    "citizen": "citizen applicant",
    "enterprise": "enterprise applicant",
    "intermediary": "intermediary",
    "evaluator": "PPP evaluator",
}


def make_uscc(authority_type: str, division: str, org_body: str) -> str:
    org_code = org_body + org_code_check_char(org_body)
    body = authority_type + division + org_code
    return body + uscc_check_char(body)


def make_id_number(division: str, born: str, seq: str) -> str:
    body = division + born + seq
    return body + id_number_check_char(body)


class DemoLoader:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.created = 0

    def unit(
        self,
        code,
        name,
        kind,
        *,
        parent=None,
        level=None,
        line=None,
        division_code="",
        uscc="",
        superior=None,
    ):
        existing = OrgUnit.objects.filter(code=code).first()
        if existing:
            return existing
        self.created += 1
        data = {
            "code": code,
            "name": name,
            "kind": kind,
            "level": level,
            "division_code": division_code,
            "uscc": uscc,
            "line": FunctionalLine.objects.get(code=line) if line else None,
            "line_superior": superior,
        }
        return services.org_unit_create(actor=None, parent=parent, data=data)

    def superior_for(self, line, level):
        if not line:
            return None
        return OrgUnit.objects.filter(line__code=line, level=level - 1).order_by("path").first()

    @transaction.atomic
    def load(self):
        for i, (code, name) in enumerate(LINES):
            FunctionalLine.objects.get_or_create(code=code, defaults={"name": name, "sort_order": i})

        state = self.unit(
            "cn-state-council",
            "中华人民共和国国务院",
            OrgKind.GOVERNMENT,
            level=OrgLevel.NATIONAL,
            division_code="110000",
        )
        for code, name, kind, line in NATIONAL:
            self.unit(code, name, kind, parent=state, level=OrgLevel.NATIONAL, line=line)

        province = self.unit(
            "jl-gov",
            "江岭省人民政府",
            OrgKind.GOVERNMENT,
            parent=state,
            level=OrgLevel.PROVINCIAL,
            division_code="360000",
        )
        for code, name, kind, line in PROVINCIAL:
            self.unit(
                code,
                name,
                kind,
                parent=province,
                level=OrgLevel.PROVINCIAL,
                line=line,
                superior=self.superior_for(line, OrgLevel.PROVINCIAL),
            )

        self.unit(
            "yx-party",
            "中共云溪市委员会",
            OrgKind.PARTY_COMMITTEE,
            parent=province,
            level=OrgLevel.MUNICIPAL,
            division_code="360900",
        )
        city = self.unit(
            "yx-gov",
            "云溪市人民政府",
            OrgKind.GOVERNMENT,
            parent=province,
            level=OrgLevel.MUNICIPAL,
            division_code="360900",
            uscc=make_uscc("11", "360900", "01490001"),
        )
        for code, name, kind, line in MUNICIPAL:
            self.unit(
                code,
                name,
                kind,
                parent=city,
                level=OrgLevel.MUNICIPAL,
                line=line,
                superior=self.superior_for(line, OrgLevel.MUNICIPAL),
            )

        group = self.unit(
            "yx-leading-group",
            "云溪市智慧城市建设领导小组",
            OrgKind.LEADING_GROUP,
            parent=city,
            level=OrgLevel.MUNICIPAL,
        )
        office = self.unit(
            "yx-smart-office", "云溪市智慧城市办公室", OrgKind.OFFICE, parent=group, level=OrgLevel.MUNICIPAL
        )
        for plate, short in [
            ("中共云溪市委网络安全和信息化委员会办公室", "市委网信办"),
            ("云溪市信息化工作办公室", "市信息办"),
        ]:
            Nameplate.objects.get_or_create(
                unit=office,
                name=plate,
                defaults={"short_name": short, "valid_from": datetime.date(2021, 3, 1)},
            )
        Nameplate.objects.filter(unit=office, is_primary=True).update(short_name="智慧办")

        for code, name, division, departments, streets in DISTRICTS:
            district = self.unit(
                code,
                name + "人民政府",
                OrgKind.GOVERNMENT,
                parent=city,
                level=OrgLevel.DISTRICT,
                division_code=division,
            )
            short = name.removeprefix("云溪市")
            for suffix, dept_name, kind, line in departments:
                self.unit(
                    f"{code}-{suffix}",
                    short + dept_name,
                    kind,
                    parent=district,
                    level=OrgLevel.DISTRICT,
                    line=line,
                    superior=self.superior_for(line, OrgLevel.DISTRICT),
                )
            for suffix, street_name in streets:
                self.unit(
                    f"{code}-{suffix}",
                    short + street_name,
                    OrgKind.GOVERNMENT,
                    parent=district,
                    level=OrgLevel.STREET,
                    division_code=division,
                )

        for code, name, kind, org_body in ENTERPRISES:
            authority = "51" if kind == OrgKind.SOCIAL_ORG else "91"
            self.unit(code, name, kind, uscc=make_uscc(authority, "360900", org_body))

        self.seats(group)
        self.logins()
        self.link_seats(group)
        self.clocks()
        return self.created

    def seats(self, group):
        seats = [
            (LeadingGroupRole.CO_LEADER, "何志远", "市委副书记", "yx-party"),
            (LeadingGroupRole.CO_LEADER, "陈立明", "市长", "yx-gov"),
            (LeadingGroupRole.CO_LEADER, "马晓峰", "总经理", "yx-scc"),
            (LeadingGroupRole.DEPUTY_LEADER, "宋文华", "副市长", "yx-gov"),
            (LeadingGroupRole.MEMBER, "许海", "发展和改革委员会主任", "yx-ndrc"),
            (LeadingGroupRole.MEMBER, "邓丽", "财政局局长", "yx-finance"),
            (LeadingGroupRole.MEMBER, "冯涛", "行政审批局局长", "yx-approval"),
            (LeadingGroupRole.MEMBER, "韩冰", "公安局副局长", "yx-police"),
            (LeadingGroupRole.MEMBER, "王建国", "卫生健康委员会主任", "yx-health"),
            (LeadingGroupRole.OFFICE_DIRECTOR, "曹明", "大数据局局长、智慧办主任", "yx-data"),
        ]
        for order, (role, person, title, unit_code) in enumerate(seats):
            LeadingGroupMember.objects.get_or_create(
                group=group,
                person_name=person,
                role=role,
                defaults={
                    "title": title,
                    "represents": OrgUnit.objects.get(code=unit_code),
                    "sort_order": order,
                },
            )

    def link_seats(self, group):
        """Seats held by people who have a demo login (the mayor and the approval bureau head)."""
        for person, username in (("陈立明", "leader"), ("冯涛", "head")):
            LeadingGroupMember.objects.filter(group=group, person_name=person, user__isnull=True).update(
                user=User.objects.get(username=username)
            )

    def clocks(self):
        """Three running deadlines (green, yellow, red as of today) so the demo shows reminders.

        Starting a clock that is already yellow or red notifies its owner at once: the in-app
        notification is there on first login, and the e-mail goes out through the embedded broker as
        soon as the worker starts (var/mail).
        """
        today = timezone.localdate()
        for purpose, (label, unit_code, username, limit, ago) in enumerate(DEMO_CLOCKS):
            unit = OrgUnit.objects.get(code=unit_code)
            if Clock.objects.filter(subject_id=str(unit.pk), purpose=f"demo-{purpose}").exists():
                continue
            clock_start(
                subject=unit,
                limit_days=limit,
                purpose=f"demo-{purpose}",
                label=label,
                owner=User.objects.get(username=username),
                start_on=days.add_working_days(today, -ago),
            )

    def logins(self):
        for n, (username, full_name, kind, unit_code, title, roles) in enumerate(LOGINS):
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "kind": kind,
                    "email": f"{username}@demo.smartcity.example",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                if username == "admin":
                    user.is_staff = user.is_superuser = True
                if kind == UserKind.CITIZEN:
                    user.id_number = make_id_number("360902", "19900101", f"{n:03d}")
                user.save()
            if unit_code:
                position, _ = Position.objects.get_or_create(
                    user=user, unit=OrgUnit.objects.get(code=unit_code), title=title
                )
                position.roles.add(*Role.objects.filter(code__in=roles))


# Demo deadlines on the platform clock: label, unit (the subject), owner, limit, working days ago
DEMO_CLOCKS = [
    ("示例：2026年度政务数据资源目录更新", "yx-data", "steward", 20, 5),
    ("示例：智慧停车PPP项目年度绩效自评报告", "yx-finance", "ppp", 10, 9),
    ("示例：领导小组第三次会议议定事项落实情况报告", "yx-smart-office", "office", 5, 7),
]


def logins_text() -> str:
    lines = [f"  Demo logins (password for all: {DEMO_PASSWORD})"]
    for username, full_name, *_rest in LOGINS:
        lines.append(f"    {username:<13} {full_name:<6}  {ROLE_HINTS[username]}")
    return "\n".join(lines)
