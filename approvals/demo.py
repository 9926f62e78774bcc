"""Demo catalogue for the fictional city of 云溪市: approval items, the four construction-project
stages and everyday packages (开办餐饮店, 开办药店, 开办民宿).

Legal bases name real national laws and regulations; limits and materials are typical of what
Chinese cities publish but the catalogue itself is fictional. Loading is idempotent: items,
materials, form fields and packages are looked up by code (and name / key) first, so running it
again changes nothing. Every new row is validated (full_clean) before it is saved, and the
published flag is set through the publishing services (with audit events).

Needs the demo city (coordination.demo.DemoLoader().load()) for its units.
"""

from __future__ import annotations

from django.db import transaction

from approvals import services
from approvals.models import (
    AcceptanceMode,
    AgentGrant,
    Application,
    AreaAssessment,
    AssessedArea,
    AssessmentKind,
    Delivery,
    FieldKind,
    FormField,
    Handling,
    Item,
    Material,
    Package,
    PackageItem,
    PledgeVerification,
    Procedure,
    Stage,
)
from approvals.rules import CONSTRUCTION_TARGET_BASIS, CONSTRUCTION_TARGET_DAYS
from coordination.models import OrgUnit

BOTH = [Delivery.PICKUP, Delivery.EXPRESS]

# Form fields shared by many items: the same key is asked once in a package's merged form.
# key: (label, kind, choices, help text)
FIELDS = {
    "applicant_name": ("申请人（单位）名称", FieldKind.TEXT, [], "与营业执照或拟登记名称一致"),
    "uscc": ("统一社会信用代码", FieldKind.USCC, [], "已登记的填写；同时办理登记的可不填"),
    "legal_rep": ("法定代表人（负责人）", FieldKind.TEXT, [], ""),
    "legal_rep_id": ("法定代表人（负责人）身份证号码", FieldKind.ID_NUMBER, [], ""),
    "contact_phone": ("联系电话", FieldKind.PHONE, [], ""),
    "contact_email": ("电子邮箱", FieldKind.EMAIL, [], ""),
    "premises_address": ("经营场所地址", FieldKind.TEXT, [], ""),
    "business_area": ("经营场所面积", FieldKind.AREA_M2, [], "单位：平方米"),
    "business_scope": ("经营范围", FieldKind.TEXTAREA, [], ""),
    "registered_capital": ("注册资本（万元）", FieldKind.NUMBER, [], ""),
    "entity_type": (
        "市场主体类型",
        FieldKind.CHOICE,
        ["有限责任公司", "个人独资企业", "合伙企业", "个体工商户"],
        "",
    ),
    "food_business_type": (
        "食品经营主体业态",
        FieldKind.CHOICE,
        ["餐饮服务经营者", "食品销售经营者", "单位食堂"],
        "",
    ),
    "catering_kind": ("餐饮类别", FieldKind.CHOICE, ["热食类", "冷食类", "生食类", "半成品", "自制饮品"], ""),
    "seat_count": ("座位数", FieldKind.NUMBER, [], ""),
    "occupancy": ("最大容纳人数", FieldKind.NUMBER, [], ""),
    "floors": ("所在楼层", FieldKind.TEXT, [], "例如：1–2层"),
    "sign_text": ("招牌文字内容", FieldKind.TEXT, [], ""),
    "sign_area": ("招牌面积", FieldKind.AREA_M2, [], "单位：平方米"),
    "sign_kind": ("设施形式", FieldKind.CHOICE, ["门头招牌", "墙面式", "落地式"], ""),
    "pharmacist_name": ("执业药师姓名", FieldKind.TEXT, [], ""),
    "room_count": ("客房数", FieldKind.NUMBER, [], ""),
    "bed_count": ("床位数", FieldKind.NUMBER, [], ""),
    "project_name": ("项目名称", FieldKind.TEXT, [], ""),
    "project_code": ("投资项目代码", FieldKind.TEXT, [], "投资项目在线审批监管平台赋予的代码"),
    "project_address": ("建设地点", FieldKind.TEXT, [], ""),
    "land_area": ("用地面积", FieldKind.AREA_M2, [], "单位：平方米"),
    "floor_area": ("总建筑面积", FieldKind.AREA_M2, [], "单位：平方米"),
    "total_investment": ("总投资（万元）", FieldKind.NUMBER, [], ""),
    "contract_price": ("合同价格（万元）", FieldKind.NUMBER, [], ""),
    "planned_start": ("计划开工日期", FieldKind.DATE, [], ""),
    "completion_date": ("竣工日期", FieldKind.DATE, [], ""),
    "builder": ("施工单位", FieldKind.TEXT, [], ""),
    "eia_category": ("环境影响评价文件类别", FieldKind.CHOICE, ["环境影响报告书", "环境影响报告表"], ""),
}
SHOP = ["applicant_name", "uscc", "legal_rep", "contact_phone", "premises_address", "business_area"]
PROJECT = ["applicant_name", "uscc", "contact_phone", "project_name", "project_code", "project_address"]


def M(name, *, required=True, pledge=False, template=False, types="pdf,jpg,png", description="", area=""):
    return {
        "name": name,
        "required": required,
        "may_be_pledged": pledge,
        "has_template": template,
        "accepted_types": types,
        "description": description,
        "area_assessment_kind": area,
    }


ITEMS = [
    # --- everyday: starting a business -----------------------------------------------------
    {
        "code": "YX-SC-001",
        "name": "企业（个体工商户）设立登记",
        "origin": "yx-market",
        "body": "yx-approval",
        "statutory": 3,
        "promised": 1,
        "extension": 3,
        "approver": "登记机关负责人",
        "legal_basis": "《中华人民共和国市场主体登记管理条例》第十九条",
        "conditions": "名称、住所（经营场所）、经营范围等符合法律法规规定。",
        "fully_online": True,
        "pledge_acceptance": True,
        "materials": [
            M("登记申请书", template=True, types="pdf"),
            M("法定代表人（负责人）身份证明"),
            M("公司章程（公司类）", required=False, types="pdf"),
            M("住所（经营场所）使用证明", pledge=True, description="房屋产权证明或租赁合同"),
        ],
        "fields": [*SHOP, "legal_rep_id", "entity_type", "registered_capital", "business_scope"],
        "optional_fields": ["uscc", "registered_capital"],
    },
    {
        "code": "YX-SC-002",
        "name": "食品经营许可",
        "origin": "yx-market",
        "body": "yx-approval",
        "statutory": 20,
        "promised": 5,
        "extension": 10,
        "legal_basis": "《中华人民共和国食品安全法》第三十五条\n《食品经营许可和备案管理办法》",
        "conditions": "具有与经营的食品品种、数量相适应的经营场所、设备设施和食品安全管理制度。",
        "procedures": [Procedure.SITE_SURVEY],
        "fully_online": True,
        "pledge_approval": True,
        "pledge_acceptance": True,
        "materials": [
            M("食品经营许可申请书", template=True, types="pdf"),
            M("营业执照", pledge=True, description="同时办理设立登记的，领照后补交"),
            M("法定代表人（负责人）身份证明"),
            M("食品安全管理制度", pledge=True, types="pdf"),
            M("主要设备设施布局、操作流程等文件", pledge=True),
        ],
        "fields": [*SHOP, "food_business_type", "catering_kind", "seat_count"],
        "optional_fields": ["uscc"],
    },
    {
        "code": "YX-XF-001",
        "name": "公众聚集场所投入使用、营业前消防安全检查",
        "origin": "yx-emergency",
        "body": "yx-emergency",
        "statutory": 10,
        "promised": 5,
        "extension": 0,
        "legal_basis": "《中华人民共和国消防法》第十五条",
        "conditions": "场所符合消防技术标准和管理规定；选择告知承诺方式的，作出场所符合消防安全要求的承诺。",
        "procedures": [Procedure.SITE_SURVEY, Procedure.INSPECTION],
        "fully_online": False,
        "pledge_approval": True,
        "pledge_acceptance": True,
        "materials": [
            M("公众聚集场所投入使用、营业前消防安全检查申请表", template=True, types="pdf"),
            M("营业执照", pledge=True, description="同时办理设立登记的，领照后补交"),
            M("场所平面布置图、消防设施平面图", types="pdf"),
            M("消防设施检测报告", pledge=True, types="pdf"),
            M("告知承诺书（选择告知承诺方式的）", required=False, template=True, types="pdf"),
        ],
        "fields": [*SHOP, "floors", "occupancy"],
        "optional_fields": ["uscc"],
    },
    {
        "code": "YX-CG-001",
        "name": "户外广告设施设置审批（门头招牌）",
        "origin": "yx-urban",
        "body": "yx-approval",
        "statutory": 20,
        "promised": 5,
        "extension": 10,
        "legal_basis": "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）\n"
        "《城市市容和环境卫生管理条例》第十一条",
        "conditions": "符合本市户外广告设施设置规划和技术规范。",
        "procedures": [Procedure.SITE_SURVEY],
        "fully_online": True,
        "pledge_acceptance": True,
        "materials": [
            M("户外广告设施设置申请表", template=True, types="pdf"),
            M("营业执照", pledge=True, description="同时办理设立登记的，领照后补交"),
            M("设计效果图（含尺寸、材质）", types="pdf,jpg,png"),
            M("场地（建筑物）使用权证明"),
            M("结构安全说明", required=False, types="pdf"),
        ],
        "fields": [*SHOP, "sign_text", "sign_area", "sign_kind"],
        "optional_fields": ["uscc", "business_area"],
    },
    {
        "code": "YX-YP-001",
        "name": "药品经营许可（零售）",
        "origin": "yx-market",
        "body": "yx-approval",
        "statutory": 20,
        "promised": 10,
        "extension": 10,
        "legal_basis": "《中华人民共和国药品管理法》第五十一条、第五十二条\n"
        "《药品经营和使用质量监督管理办法》",
        "conditions": "依法经过资格认定的药师或者其他药学技术人员；"
        "与所经营药品相适应的营业场所、设备、仓储设施和卫生环境。",
        "procedures": [Procedure.SITE_SURVEY],
        "fully_online": False,
        "pledge_acceptance": True,
        "materials": [
            M("药品经营许可证申请表", template=True, types="pdf"),
            M("营业执照", pledge=True, description="同时办理设立登记的，领照后补交"),
            M("执业药师注册证"),
            M("经营场所和仓库的平面布置图", types="pdf"),
            M("药品质量管理文件目录", pledge=True, types="pdf"),
        ],
        "fields": [*SHOP, "pharmacist_name"],
        "optional_fields": ["uscc"],
    },
    {
        "code": "YX-GA-001",
        "name": "旅馆业特种行业许可证核发",
        "origin": "yx-police",
        "body": "yx-approval",
        "statutory": 20,
        "promised": 7,
        "extension": 10,
        "legal_basis": "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）\n"
        "《旅馆业治安管理办法》第四条",
        "conditions": "房屋建筑、消防设备、出入口和通道等符合有关规定；配备必要的治安防范设施。",
        "procedures": [Procedure.SITE_SURVEY],
        "fully_online": False,
        "materials": [
            M("特种行业许可证申请登记表", template=True, types="pdf"),
            M("营业执照"),
            M("法定代表人（负责人）身份证明"),
            M("经营场所平面图、治安防范设施说明", types="pdf"),
        ],
        "fields": [*SHOP, "room_count", "bed_count"],
    },
    # --- construction project stages ------------------------------------------------------------
    {
        "code": "YX-FG-001",
        "name": "政府投资项目可行性研究报告审批",
        "origin": "yx-ndrc",
        "body": "yx-approval",
        "statutory": 20,
        "promised": 10,
        "extension": 10,
        "legal_basis": "《政府投资条例》第九条、第十一条",
        "procedures": [Procedure.EXPERT_REVIEW],
        "fully_online": True,
        "materials": [
            M("项目可行性研究报告", types="pdf"),
            M("项目建议书批复文件", types="pdf"),
            M("投资项目代码赋码信息"),
        ],
        "fields": [*PROJECT, "total_investment", "floor_area"],
    },
    {
        "code": "YX-ZR-001",
        "name": "建设项目用地预审与选址意见书核发",
        "origin": "yx-land",
        "body": "yx-land",
        "statutory": 20,
        "promised": 7,
        "extension": 10,
        "legal_basis": "《中华人民共和国土地管理法》第五十二条\n《中华人民共和国城乡规划法》第三十六条",
        "procedures": [Procedure.SITE_SURVEY],
        "fully_online": True,
        "materials": [
            M("建设项目用地预审与选址申请表", template=True, types="pdf"),
            M("建设项目拟选址位置图", types="pdf"),
            M("项目建议书批复文件", types="pdf"),
        ],
        "fields": [*PROJECT, "land_area"],
    },
    {
        "code": "YX-ZR-002",
        "name": "建设用地规划许可证核发",
        "origin": "yx-land",
        "body": "yx-approval",
        "statutory": 20,
        "promised": 5,
        "extension": 10,
        "legal_basis": "《中华人民共和国城乡规划法》第三十七条、第三十八条",
        "fully_online": True,
        "materials": [
            M("建设用地规划许可申请表", template=True, types="pdf"),
            M("建设项目用地预审与选址意见书", types="pdf"),
            M("国有土地使用权出让合同或划拨决定书", types="pdf"),
        ],
        "fields": [*PROJECT, "land_area"],
    },
    {
        "code": "YX-ZR-003",
        "name": "建设工程规划许可证核发",
        "origin": "yx-land",
        "body": "yx-approval",
        "statutory": 20,
        "promised": 10,
        "extension": 10,
        "legal_basis": "《中华人民共和国城乡规划法》第四十条",
        "procedures": [Procedure.PUBLICITY, Procedure.EXPERT_REVIEW],
        "fully_online": True,
        "materials": [
            M("建设工程规划许可申请表", template=True, types="pdf"),
            M("建设工程设计方案总平面图", types="pdf"),
            M("建设用地规划许可证", types="pdf"),
        ],
        "fields": [*PROJECT, "floor_area"],
    },
    {
        "code": "YX-HJ-001",
        "name": "建设项目环境影响评价文件审批（报告表）",
        "origin": "yx-ecology",
        "body": "yx-approval",
        "statutory": 30,
        "special_basis": "《中华人民共和国环境影响评价法》第二十二条（报告表三十日）",
        "promised": 15,
        "extension": 0,
        "legal_basis": "《中华人民共和国环境影响评价法》第二十二条\n《建设项目环境保护管理条例》第九条",
        "procedures": [Procedure.EXPERT_REVIEW, Procedure.PUBLICITY],
        "fully_online": True,
        "materials": [
            M("建设项目环境影响报告表", types="pdf", area=AssessmentKind.ENVIRONMENT),
            M("审批申请函", template=True, types="pdf"),
        ],
        "fields": [*PROJECT, "eia_category", "total_investment"],
    },
    {
        "code": "YX-ZJ-002",
        "name": "建设工程消防设计审查",
        "origin": "yx-housing",
        "body": "yx-housing",
        "statutory": 15,
        "promised": 10,
        "extension": 0,
        "legal_basis": "《中华人民共和国消防法》第十一条\n《建设工程消防设计审查验收管理暂行规定》",
        "procedures": [Procedure.EXPERT_REVIEW],
        "fully_online": True,
        "materials": [
            M("建设工程消防设计审查申请表", template=True, types="pdf"),
            M("消防设计文件", types="pdf"),
        ],
        "fields": [*PROJECT, "floor_area"],
    },
    {
        "code": "YX-CG-002",
        "name": "城市建筑垃圾处置核准",
        "origin": "yx-urban",
        "body": "yx-approval",
        "statutory": 20,
        "promised": 5,
        "extension": 10,
        "legal_basis": "《国务院对确需保留的行政审批项目设定行政许可的决定》（国务院令第412号）\n"
        "《城市建筑垃圾管理规定》第七条",
        "fully_online": True,
        "pledge_acceptance": True,
        "materials": [
            M("建筑垃圾处置核准申请表", template=True, types="pdf"),
            M("建筑垃圾处置方案", types="pdf"),
            M("与运输单位签订的运输合同", pledge=True, types="pdf"),
        ],
        "fields": [*PROJECT, "planned_start"],
    },
    {
        "code": "YX-ZJ-001",
        "name": "建筑工程施工许可证核发",
        "origin": "yx-housing",
        "body": "yx-approval",
        "statutory": 15,
        "promised": 3,
        "extension": 0,
        "legal_basis": "《中华人民共和国建筑法》第七条、第八条\n《建筑工程施工许可管理办法》第五条",
        "fully_online": True,
        "pledge_approval": True,
        "pledge_acceptance": True,
        "fee_text": "不收费",
        "materials": [
            M("建筑工程施工许可证申请表", template=True, types="pdf"),
            M("建设工程规划许可证", types="pdf"),
            M("中标通知书及施工合同", types="pdf"),
            M("保证工程质量和安全的具体措施", pledge=True, types="pdf"),
            M("建设资金已经落实承诺书", template=True, types="pdf"),
        ],
        "fields": [*PROJECT, "builder", "contract_price", "planned_start", "floor_area"],
    },
    {
        "code": "YX-ZJ-003",
        "name": "建设工程竣工联合验收",
        "origin": "yx-housing",
        "body": "yx-housing",
        "handling": Handling.JOINT,
        "statutory": 30,
        "promised": 15,
        "extension": 15,
        "legal_basis": "《建设工程质量管理条例》第十六条、第四十九条\n" + CONSTRUCTION_TARGET_BASIS,
        "conditions": "完成建设工程设计和合同约定的各项内容；规划、消防、人防等专项验收一次性联合进行。",
        "procedures": [Procedure.SITE_SURVEY, Procedure.INSPECTION],
        "fully_online": False,
        "materials": [
            M("竣工联合验收申请表", template=True, types="pdf"),
            M("工程竣工验收报告", types="pdf"),
            M("竣工图", types="pdf"),
        ],
        "fields": [*PROJECT, "completion_date", "floor_area"],
    },
    {
        "code": "YX-ZR-004",
        "name": "建设工程规划条件核实",
        "origin": "yx-land",
        "body": "yx-land",
        "statutory": 20,
        "promised": 10,
        "extension": 10,
        "legal_basis": "《中华人民共和国城乡规划法》第四十五条",
        "procedures": [Procedure.SITE_SURVEY],
        "fully_online": False,
        "materials": [
            M("规划条件核实申请表", template=True, types="pdf"),
            M("竣工图", types="pdf"),
            M("建设工程竣工测量成果报告", types="pdf"),
        ],
        "fields": [*PROJECT, "completion_date"],
    },
    {
        "code": "YX-ZJ-004",
        "name": "建设工程消防验收",
        "origin": "yx-housing",
        "body": "yx-housing",
        "statutory": 15,
        "promised": 10,
        "extension": 0,
        "legal_basis": "《中华人民共和国消防法》第十三条\n《建设工程消防设计审查验收管理暂行规定》",
        "procedures": [Procedure.SITE_SURVEY, Procedure.INSPECTION],
        "fully_online": False,
        "materials": [
            M("建设工程消防验收申请表", template=True, types="pdf"),
            M("工程竣工验收报告", types="pdf"),
            M("消防设施检测报告", types="pdf"),
        ],
        "fields": [*PROJECT, "completion_date"],
    },
]

_TARGET = (
    f"工程建设项目四个阶段审批总时限目标：{CONSTRUCTION_TARGET_DAYS}个工作日以内"
    f"（{CONSTRUCTION_TARGET_BASIS}）。"
)

# code, name, lead, total limit, stage, description, [(item code, mandatory)]
PACKAGES = [
    (
        "YX-GC-1",
        "工程建设项目审批：立项用地规划许可阶段",
        "yx-ndrc",
        20,
        Stage.LAND_PLANNING,
        "主要办理项目审批（核准、备案）、用地预审与选址意见书、建设用地规划许可。" + _TARGET,
        [("YX-FG-001", True), ("YX-ZR-001", True), ("YX-ZR-002", True)],
    ),
    (
        "YX-GC-2",
        "工程建设项目审批：工程建设许可阶段",
        "yx-land",
        30,
        Stage.WORKS_PLANNING,
        "主要办理设计方案审查、建设工程规划许可，并联办理环境影响评价审批。" + _TARGET,
        [("YX-ZR-003", True), ("YX-HJ-001", True)],
    ),
    (
        "YX-GC-3",
        "工程建设项目审批：施工许可阶段",
        "yx-housing",
        20,
        Stage.CONSTRUCTION,
        "主要办理消防设计审查、建筑垃圾处置核准、施工许可证核发。" + _TARGET,
        [("YX-ZJ-002", True), ("YX-CG-002", False), ("YX-ZJ-001", True)],
    ),
    (
        "YX-GC-4",
        "工程建设项目审批：竣工验收阶段",
        "yx-housing",
        30,
        Stage.COMPLETION,
        "规划条件核实、消防验收等专项验收实行限时联合验收，统一出具验收意见。" + _TARGET,
        [("YX-ZJ-003", True), ("YX-ZR-004", True), ("YX-ZJ-004", True)],
    ),
    (
        "YX-YJS-001",
        "开办餐饮店“一件事”",
        "yx-approval",
        7,
        None,
        "营业执照、食品经营许可、公众聚集场所消防安全检查和门头招牌设置一次申请、并联办理。"
        "小型餐饮店面积或容纳人数未达到公众聚集场所标准的，无需办理消防安全检查。",
        [("YX-SC-001", True), ("YX-SC-002", True), ("YX-XF-001", False), ("YX-CG-001", False)],
    ),
    (
        "YX-YJS-002",
        "开办药店“一件事”",
        "yx-approval",
        12,
        None,
        "营业执照、药品经营许可（零售）和门头招牌设置一次申请、并联办理。",
        [("YX-SC-001", True), ("YX-YP-001", True), ("YX-CG-001", False)],
    ),
    (
        "YX-YJS-003",
        "开办民宿“一件事”",
        "yx-culture",
        10,
        None,
        "营业执照、旅馆业特种行业许可，以及提供餐饮的食品经营许可一次申请、并联办理。",
        [("YX-SC-001", True), ("YX-GA-001", True), ("YX-SC-002", False)],
    ),
]


def _unit(code: str) -> OrgUnit:
    try:
        return OrgUnit.objects.get(code=code)
    except OrgUnit.DoesNotExist:
        raise RuntimeError(
            f"The demo catalogue needs unit {code!r}: load the demo city first "
            "(coordination.demo.DemoLoader().load())."
        ) from None


def _saved(obj):
    obj.full_clean()
    obj.save()
    return obj


def _item(spec) -> Item:
    item = Item.objects.filter(code=spec["code"]).first()
    if item is None:
        item = _saved(
            Item(
                code=spec["code"],
                name=spec["name"],
                origin_department=_unit(spec["origin"]),
                implementing_body=_unit(spec["body"]),
                handling=spec.get("handling", Handling.SINGLE),
                statutory_limit_days=spec["statutory"],
                limit_special_basis=spec.get("special_basis", ""),
                promised_limit_days=spec["promised"],
                extension_days=spec["extension"],
                extension_approver=spec.get("approver", ""),
                clock_stop_procedures=[str(p) for p in spec.get("procedures", [])],
                fee_text=spec.get("fee_text", "不收费"),
                fee_amount=spec.get("fee_amount"),
                legal_basis=spec["legal_basis"],
                conditions=spec.get("conditions", ""),
                fully_online=spec.get("fully_online", False),
                delivery_options=[str(d) for d in spec.get("delivery", BOTH)],
                pledge_approval_allowed=spec.get("pledge_approval", False),
                pledge_acceptance_allowed=spec.get("pledge_acceptance", False),
            )
        )
    for order, m in enumerate(spec["materials"]):
        if not Material.objects.filter(item=item, name=m["name"]).exists():
            _saved(
                Material(
                    item=item,
                    name=m["name"],
                    required=m["required"],
                    may_be_pledged=m["may_be_pledged"],
                    accepted_types=m["accepted_types"],
                    description=m["description"] or ("模板可在办理页面下载" if m["has_template"] else ""),
                    area_assessment_kind=m["area_assessment_kind"],
                    order=order,
                )
            )
    optional = set(spec.get("optional_fields", []))
    for order, key in enumerate(spec["fields"]):
        if not FormField.objects.filter(item=item, key=key).exists():
            label, kind, choices, help_text = FIELDS[key]
            _saved(
                FormField(
                    item=item,
                    key=key,
                    label=label,
                    kind=kind,
                    choices=choices,
                    help_text=help_text,
                    required=key not in optional,
                    order=order,
                )
            )
    return item


@transaction.atomic
def load_demo_catalogue() -> dict:
    """Create (or leave as they are) the demo items and packages, and publish them.

    Returns how many items and packages the catalogue then holds from this demo.
    """
    items = {spec["code"]: _item(spec) for spec in ITEMS}
    packages = []
    for code, name, lead, total, stage, description, members in PACKAGES:
        package = Package.objects.filter(code=code).first()
        if package is None:
            package = _saved(
                Package(
                    code=code,
                    name=name,
                    lead_department=_unit(lead),
                    total_limit_days=total,
                    stage=stage,
                    description=description,
                )
            )
        for order, (item_code, mandatory) in enumerate(members):
            if not PackageItem.objects.filter(package=package, item=items[item_code]).exists():
                _saved(PackageItem(package=package, item=items[item_code], mandatory=mandatory, order=order))
        package.full_clean()
        packages.append(package)
    for item in items.values():
        services.catalogue_item_publish(actor=None, item=item, published=True, reason="demo data")
    for package in packages:
        services.catalogue_package_publish(actor=None, package=package, published=True, reason="demo data")
    return {"items": len(items), "packages": len(packages)}


@transaction.atomic
def load_demo_assistance() -> dict:
    """An assessed industrial park (区域评估), the demo citizen's agent (代办) and a grant on pledge
    (告知承诺) waiting for its verification. Idempotent."""
    import datetime

    from portal.clocks.services import local_today
    from portal.models import User

    made = {"areas": 0, "grants": 0, "verifications": 0}
    area = AssessedArea.objects.filter(code="yx-hitech").first()
    if area is None:
        area = AssessedArea.objects.create(
            code="yx-hitech",
            name="云溪高新技术产业开发区",
            managed_by=_unit("yx-science"),
            description="规划面积12.6平方公里，已完成区域环境影响评价。",
        )
        AreaAssessment.objects.create(
            area=area,
            kind=AssessmentKind.ENVIRONMENT,
            title="云溪高新技术产业开发区规划环境影响报告书",
            document_number="云环审〔2025〕18号",
            approved_by=_unit("yx-ecology"),
            valid_from=datetime.date(2025, 3, 1),
            valid_until=datetime.date(2030, 2, 28),
        )
        made["areas"] += 1
    logins = {u.username: u for u in User.objects.filter(username__in=["citizen", "agent", "enterprise"])}
    if {"citizen", "agent"} <= logins.keys() and not AgentGrant.objects.filter(
        applicant=logins["citizen"], agent=logins["agent"]
    ).exists():
        services.agent_grant_create(
            actor=logins["citizen"],
            agent=logins["agent"],
            may_prepare=True,
            may_withdraw=False,
            valid_until=local_today() + datetime.timedelta(days=180),
            note="代办餐饮店开办手续",
        )
        made["grants"] += 1
    if "enterprise" in logins and not PledgeVerification.objects.exists():
        made["verifications"] += _granted_on_pledge(logins["enterprise"])
    return made


def _granted_on_pledge(applicant) -> int:
    """The demo enterprise's food licence, granted on its pledge (告知承诺), verification pending."""
    from approvals.workflow import TaskStatus
    from coordination.models import Position

    def official(unit_code, role):
        position = (
            Position.objects.filter(unit__code=unit_code, active=True, roles__code=role)
            .select_related("user")
            .first()
        )
        return position.user if position else None

    clerk, reviewer = official("yx-approval", "window_clerk"), official("yx-approval", "reviewer")
    lead = official("yx-approval", "lead_coordinator")
    item = Item.objects.get(code="YX-SC-002")
    if None in (clerk, reviewer, lead):
        return 0
    form = {
        "applicant_name": "云溪数字科技有限公司",
        "uscc": "91530100MA6K3X8Y2L",
        "legal_rep": "刘明",
        "contact_phone": "13800001234",
        "premises_address": "云溪市高新区创新路88号",
        "business_area": "120",
        "food_business_type": FIELDS["food_business_type"][2][0],
        "catering_kind": "热食类",
        "seat_count": "40",
    }
    application = services.application_create(actor=applicant, item=item)
    application.form_data = {k: v for k, v in form.items() if k in {f.key for f in item.form_fields.all()}}
    application.save(update_fields=["form_data"])
    application = services.application_submit(actor=applicant, application=application)
    application = services.application_accept(
        actor=clerk, application=application, mode=AcceptanceMode.COMMITMENT
    )
    for task in application.tasks.all():
        services.task_claim(actor=reviewer, task=task)
        services.task_decide(
            actor=reviewer,
            task=task,
            decision=TaskStatus.APPROVED,
            opinion="申请人已书面承诺符合条件，同意。",
        )
    services.application_decide(
        actor=lead, application=Application.objects.get(pk=application.pk), grant=True
    )
    return 1


def load_demo():
    """Called by `manage.py seed_demo` after the demo city is loaded."""
    return {**load_demo_catalogue(), **load_demo_assistance()}
