"""The columns of each ledger's Excel file: one definition serves the template and the importer."""

from dataclasses import dataclass
from datetime import date

from ledger.vocabulary import APPLIED, OPEN, STATUSES, WORKING

YES_NO = ("是", "否")
STATUS_SYNONYMS = (  # never to 已销号: only the office's review closes an item
    ("未整改", OPEN), ("未启动", OPEN), ("尚未整改", OPEN), ("未开始", OPEN),
    ("正在整改", WORKING), ("推进中", WORKING), ("整改推进中", WORKING), ("正在推进", WORKING),
    ("已完成", APPLIED), ("整改完成", APPLIED), ("完成整改", APPLIED), ("已完成整改", APPLIED),
)  # fmt: skip


@dataclass(frozen=True)
class Field:
    key: str  # column in item or in the ledger's detail table
    header: str  # Chinese header without unit
    kind: str  # text, number, integer, date, choice, yesno
    required: bool = False
    unit: str = ""  # shown in the header as 面积(亩)
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    example: object = None
    table: str = "item"  # item, detail, or event (status fields)
    aliases: tuple[str, ...] = ()  # other headers seen in real files (compared without spaces, brackets, units)
    synonyms: tuple[tuple[str, str], ...] = ()  # (free wording, choice) for choice fields, shown for confirmation
    find_in_text: bool = False  # a synonym found inside longer wording also counts ("依法无偿收回" -> 无偿收回…)
    month_ok: bool = False  # a date that needs no day: 2021年7月 is read as 2021-07-01 (闲置起始, 停产停建时间)

    @property
    def label(self) -> str:
        return f"{self.header}({self.unit})" if self.unit else self.header


@dataclass(frozen=True)
class LedgerSpec:
    ledger: str
    name: str  # 闲置土地台账 …
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


def _common(title_example: str) -> tuple[Field, ...]:
    return (
        Field(
            "item_id",
            "编号",
            "text",
            True,
            example="BT-LD-001",
            aliases=("台账编号", "问题编号", "条目编号", "土地编号", "宗地号", "地块编号", "资产编号", "企业编号"),
        ),
        Field(
            "park",
            "园区",
            "text",
            True,
            example="包头稀土高新技术产业开发区",
            aliases=("开发区", "园区名称", "所属园区", "开发区名称", "所属开发区", "所在园区", "园区全称"),
        ),
        Field(
            "title",
            "名称",
            "text",
            True,
            example=title_example,
            aliases=("问题名称", "项目名称", "地块名称", "企业名称", "资产名称", "设施名称", "资金名称"),
        ),
        Field(
            "found_date",
            "发现日期",
            "date",
            True,
            example=date(2022, 8, 15),
            aliases=("排查日期", "发现时间", "排查时间", "摸底日期", "摸排日期", "登记日期"),
        ),
        Field(
            "deadline",
            "整改时限",
            "date",
            example=date(2022, 12, 31),
            aliases=(
                "整改期限",
                "完成时限",
                "整改完成时限",
                "完成期限",
                "计划完成时间",
                "计划完成日期",
                "整改截止日期",
            ),
        ),
        Field(
            "responsible_unit",
            "责任单位",
            "text",
            True,
            example="包头市自然资源局",
            aliases=("责任部门", "牵头单位", "责任主体", "牵头部门"),
        ),
        Field(
            "measure",
            "整改措施",
            "text",
            example="督促动工开发",
            aliases=("处置措施", "盘活措施", "整改举措", "工作措施", "整改措施及进展"),
        ),
        Field(
            "status",
            "状态",
            "choice",
            True,
            choices=STATUSES,
            example="整改中",
            table="event",
            aliases=("整改状态", "整改进展", "进展情况", "整改情况", "当前状态", "完成情况"),
            synonyms=STATUS_SYNONYMS,
        ),
        Field(
            "status_date",
            "状态日期",
            "date",
            example=date(2022, 9, 20),
            table="event",
            aliases=("进展日期", "更新日期", "状态更新日期"),
        ),
        Field("closed_date", "销号日期", "date", example=None, aliases=("销号时间",)),
        Field("evidence", "佐证材料", "text", example="", aliases=("佐证", "佐证资料", "证明材料", "附件")),
    )


LON = Field("lon", "经度", "number", minimum=97.0, maximum=126.5, example=109.98, table="detail", aliases=("东经",))
LAT = Field("lat", "纬度", "number", minimum=37.0, maximum=53.5, example=40.62, table="detail", aliases=("北纬",))
LAND_DISPOSALS = (  # the standard methods of reference/disposal_methods.csv for 闲置土地 and 批而未供
    "督促动工开发/延长动工期限",
    "征缴土地闲置费(20%)",
    "无偿收回(满两年)/协议有偿收回/置换/临时使用/调整用途规划条件",
    "供应(出让/划拨)",
    "撤销批文/核减",
)
DISPOSALS_BY_LAND_KIND = {"闲置土地": LAND_DISPOSALS[:3], "批而未供": LAND_DISPOSALS[3:]}  # as the CSV files them
_URGE, _FEE, _RECOVER, _SUPPLY, _REVOKE = LAND_DISPOSALS
LAND_DISPOSAL_SYNONYMS = (  # how league offices write them; grouped as 《闲置土地处置办法》 (land_rules.csv) says
    # 闲置土地处置办法: urge construction, or extend the start date (at most one year)
    ("督促动工", _URGE), ("督促开工", _URGE), ("催促开工", _URGE), ("限期开工", _URGE), ("限期动工", _URGE),
    ("动工开发", _URGE), ("督促开发建设", _URGE), ("督促建设", _URGE), ("约谈督促", _URGE),
    ("延长动工期限", _URGE), ("延长动工开发期限", _URGE), ("延期动工", _URGE), ("延期开工", _URGE),
    # idle a year: a fee of 20% of the land price
    ("闲置费", _FEE), ("征缴闲置费", _FEE), ("收取闲置费", _FEE), ("征收土地闲置费", _FEE), ("缴纳闲置费", _FEE),
    # idle two years: recovered without compensation; or, not the holder's fault, bought back, exchanged,
    # lent for temporary use, or its use and planning conditions changed
    ("收回", _RECOVER), ("无偿收回", _RECOVER), ("有偿收回", _RECOVER), ("协议收回", _RECOVER),
    ("依法收回", _RECOVER), ("收储", _RECOVER), ("政府收储", _RECOVER), ("置换", _RECOVER), ("换地", _RECOVER),
    ("临时使用", _RECOVER), ("临时利用", _RECOVER), ("调整用途", _RECOVER), ("改变用途", _RECOVER),
    ("调整规划条件", _RECOVER), ("调整土地用途", _RECOVER),
    # 批而未供: supplied by sale or allocation
    ("供应", _SUPPLY), ("供地", _SUPPLY), ("组织供地", _SUPPLY), ("出让", _SUPPLY), ("挂牌出让", _SUPPLY),
    ("招拍挂", _SUPPLY), ("招标拍卖挂牌", _SUPPLY), ("划拨", _SUPPLY), ("划拨供地", _SUPPLY),
    # 批而未供: the approval withdrawn or the area reduced
    ("撤销批文", _REVOKE), ("撤回批文", _REVOKE), ("撤销批准", _REVOKE), ("核减", _REVOKE), ("核销", _REVOKE),
    ("调减", _REVOKE),
)  # fmt: skip

SPECS: dict[str, LedgerSpec] = {
    spec.ledger: spec
    for spec in (
        LedgerSpec(
            "land",
            "闲置土地台账",
            (
                *_common("A-12地块"),
                Field(
                    "land_kind",
                    "地块类型",
                    "choice",
                    True,
                    choices=("批而未供", "闲置土地", "低效用地"),
                    example="闲置土地",
                    table="detail",
                    aliases=("类型", "土地类型", "用地类型", "土地类别", "问题类型"),
                ),
                Field(
                    "area_mu",
                    "面积",
                    "number",
                    True,
                    "亩",
                    minimum=0,
                    maximum=1_000_000,
                    example=12.5,
                    table="detail",
                    aliases=("地块面积", "占地面积", "土地面积", "用地面积", "宗地面积", "闲置面积"),
                ),
                Field(
                    "parcel_code",
                    "宗地编号",
                    "text",
                    example="150200-A-12",
                    table="detail",
                    aliases=("宗地代码", "不动产单元号"),
                ),
                Field(
                    "approved_date",
                    "批准日期",
                    "date",
                    example=date(2019, 5, 1),
                    table="detail",
                    aliases=("批准时间", "批复日期", "批准用地日期"),
                ),
                Field(
                    "idle_since",
                    "闲置起始",
                    "date",
                    example=date(2020, 6, 1),
                    table="detail",
                    aliases=("闲置时间", "闲置起始时间", "闲置起始日期", "开始闲置时间"),
                    month_ok=True,
                ),
                Field(
                    "cause",
                    "闲置原因",
                    "text",
                    example="项目前期手续未办结",
                    table="detail",
                    aliases=("原因", "形成原因", "闲置原因分析"),
                ),
                Field(
                    "disposal",
                    "处置方式",
                    "choice",
                    choices=LAND_DISPOSALS,
                    example=LAND_DISPOSALS[0],
                    table="detail",
                    aliases=("处置类型", "处置途径", "消化处置方式", "盘活方式"),
                    synonyms=LAND_DISPOSAL_SYNONYMS,
                    find_in_text=True,
                ),
                Field(
                    "revitalised_mu",
                    "盘活面积",
                    "number",
                    unit="亩",
                    minimum=0,
                    maximum=1_000_000,
                    example=0,
                    table="detail",
                    aliases=("已盘活面积", "处置面积", "已处置面积", "消化面积"),
                ),
                LON,
                LAT,
            ),
        ),
        LedgerSpec(
            "stalled",
            "停产企业和停建项目台账",
            (
                *_common("内蒙古某某化工有限公司"),
                Field(
                    "kind",
                    "类型",
                    "choice",
                    True,
                    choices=("停产企业", "停建项目"),
                    example="停产企业",
                    table="detail",
                    aliases=("停产停建类型", "企业类型", "项目类型", "类别"),
                ),
                Field(
                    "zombie",
                    "僵尸企业",
                    "yesno",
                    True,
                    choices=YES_NO,
                    example="否",
                    table="detail",
                    aliases=("是否僵尸企业", "是否为僵尸企业", "僵尸企业认定"),
                ),
                Field(
                    "stopped_since",
                    "停产停建时间",
                    "date",
                    example=date(2020, 3, 1),
                    table="detail",
                    aliases=("停产时间", "停建时间", "停产停建日期", "停产日期", "停建日期", "停产停建起始时间"),
                    month_ok=True,
                ),
                Field(
                    "land_mu",
                    "占地面积",
                    "number",
                    True,
                    "亩",
                    minimum=0,
                    maximum=1_000_000,
                    example=85.0,
                    table="detail",
                    aliases=("用地面积", "土地面积", "面积"),
                ),
                Field(
                    "energy_tce",
                    "用能",
                    "number",
                    unit="吨标煤",
                    minimum=0,
                    example=1200,
                    table="detail",
                    aliases=("能耗", "综合能耗", "年用能", "年综合能耗"),
                ),
                Field(
                    "water_t",
                    "用水",
                    "number",
                    unit="吨",
                    minimum=0,
                    example=3000,
                    table="detail",
                    aliases=("用水量", "年用水", "年用水量"),
                ),
                Field(
                    "reason",
                    "停产停建原因",
                    "text",
                    example="资金短缺",
                    table="detail",
                    aliases=("原因", "停产原因", "停建原因"),
                ),
                Field(
                    "mode",
                    "盘活方式",
                    "text",
                    example="兼并重组/引进战略投资者",
                    table="detail",
                    aliases=("盘活路径", "处置方式", "处置途径"),
                ),
                Field("parcel_code", "宗地编号", "text", example="150200-B-03", table="detail"),
                Field(  # #30: one enterprise counted once across ledgers, and the key of its monthly utility use
                    "credit_code",
                    "统一社会信用代码",
                    "text",
                    example="91150200MA0N5X2B3C",
                    table="detail",
                    aliases=("信用代码", "社会信用代码"),
                ),
                LON,
                LAT,
            ),
        ),
        LedgerSpec(
            "infrastructure",
            "基础设施存量资产台账",
            (
                *_common("污水处理厂二期工程"),
                Field(
                    "facility_type",
                    "设施类型",
                    "choice",
                    True,
                    choices=("污水处理厂", "渣场", "标准厂房", "集中供热", "道路", "管网"),
                    example="污水处理厂",
                    table="detail",
                ),
                Field(
                    "investment_wan",
                    "投资额",
                    "number",
                    unit="万元",
                    minimum=0,
                    example=3500,
                    table="detail",
                    aliases=("总投资",),
                ),
                Field(
                    "build_status",
                    "建设状态",
                    "choice",
                    True,
                    choices=("已建成投运", "长期未建成", "建成未投运"),
                    example="建成未投运",
                    table="detail",
                ),
                Field(
                    "procedures_complete", "手续是否齐全", "yesno", True, choices=YES_NO, example="否", table="detail"
                ),
                LON,
                LAT,
            ),
        ),
        LedgerSpec(
            "idle_fund",
            "沉淀资金台账",
            (
                *_common("2019年工业发展专项资金结余"),
                Field("source", "资金来源", "text", example="工业发展专项资金", table="detail"),
                Field(
                    "nature",
                    "资金性质",
                    "choice",
                    choices=("财政专项资金", "政府性基金", "专项债券"),
                    example="财政专项资金",
                    table="detail",
                ),
                Field("fund_year", "资金年度", "integer", minimum=2000, maximum=2030, example=2019, table="detail"),
                Field(
                    "balance_wan",
                    "沉淀余额",
                    "number",
                    True,
                    "万元",
                    minimum=0,
                    example=300,
                    table="detail",
                    aliases=("余额", "沉淀资金"),
                ),
                Field(
                    "returned_wan",
                    "收回上缴",
                    "number",
                    unit="万元",
                    minimum=0,
                    example=0,
                    table="detail",
                    aliases=("已上缴",),
                ),
            ),
        ),
        LedgerSpec(
            "pending_approval",
            "待批项目台账",
            (
                *_common("年产5万吨某某项目"),
                Field(
                    "project_stage", "项目阶段", "choice", choices=("未开工", "在建"), example="在建", table="detail"
                ),
                Field("approval_item", "待批事项", "text", example="环评", table="detail"),
                Field(
                    "approval_count",
                    "审批事项数",
                    "integer",
                    True,
                    "项",
                    minimum=1,
                    maximum=100,
                    example=2,
                    table="detail",
                ),
                Field("approval_authority", "审批权限", "text", example="盟市级审批部门", table="detail"),
                Field(
                    "acceptance",
                    "受理情况",
                    "choice",
                    choices=("已受理", "未受理", "补正材料中"),
                    example="已受理",
                    table="detail",
                ),
            ),
        ),
        LedgerSpec(
            "indicator",
            "园区指标低效项目台账",
            (
                *_common("某某项目亩均产值低于控制性指标"),
                Field("project_id", "项目编号", "text", True, example="BP0001", table="detail"),
                Field(
                    "indicator",
                    "未达标指标",
                    "choice",
                    True,
                    choices=("output_per_mu", "tax_per_mu", "investment_intensity", "plot_ratio"),
                    example="output_per_mu",
                    table="detail",
                ),
                Field("value", "指标值", "number", minimum=0, example=120, table="detail"),
                Field("threshold", "控制值", "number", minimum=0, example=200, table="detail"),
            ),
        ),
    )
}
