"""The columns of each ledger's Excel file: one definition serves the template and the importer."""

from dataclasses import dataclass
from datetime import date

STATUSES = ("待整改", "整改中", "已整改", "已销号")
YES_NO = ("是", "否")


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
    aliases: tuple[str, ...] = ()  # other headers seen in real files

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
        Field("item_id", "编号", "text", True, example="BT-LD-001", aliases=("台账编号", "问题编号")),
        Field("park", "园区", "text", True, example="包头稀土高新技术产业开发区", aliases=("开发区", "园区名称")),
        Field(
            "title",
            "名称",
            "text",
            True,
            example=title_example,
            aliases=("问题名称", "项目名称", "地块名称", "企业名称"),
        ),
        Field("found_date", "发现日期", "date", True, example=date(2022, 8, 15), aliases=("排查日期",)),
        Field("deadline", "整改时限", "date", example=date(2022, 12, 31), aliases=("整改期限", "完成时限")),
        Field("responsible_unit", "责任单位", "text", True, example="包头市自然资源局"),
        Field("measure", "整改措施", "text", example="督促动工开发", aliases=("处置措施",)),
        Field(
            "status",
            "状态",
            "choice",
            True,
            choices=STATUSES,
            example="整改中",
            table="event",
            aliases=("整改状态", "整改进展"),
        ),
        Field("status_date", "状态日期", "date", example=date(2022, 9, 20), table="event", aliases=("进展日期",)),
        Field("closed_date", "销号日期", "date", example=None),
        Field("evidence", "佐证材料", "text", example="", aliases=("佐证",)),
    )


LON = Field("lon", "经度", "number", minimum=97.0, maximum=126.5, example=109.98, table="detail")
LAT = Field("lat", "纬度", "number", minimum=37.0, maximum=53.5, example=40.62, table="detail")
LAND_DISPOSALS = (
    "督促动工开发/延长动工期限",
    "征缴土地闲置费(20%)",
    "无偿收回(满两年)/协议有偿收回/置换/临时使用/调整用途规划条件",
    "供应(出让/划拨)",
    "撤销批文/核减",
)

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
                    aliases=("类型", "土地类型"),
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
                    aliases=("地块面积", "占地面积"),
                ),
                Field("parcel_code", "宗地编号", "text", example="150200-A-12", table="detail"),
                Field("approved_date", "批准日期", "date", example=date(2019, 5, 1), table="detail"),
                Field(
                    "idle_since", "闲置起始", "date", example=date(2020, 6, 1), table="detail", aliases=("闲置时间",)
                ),
                Field("cause", "闲置原因", "text", example="项目前期手续未办结", table="detail", aliases=("原因",)),
                Field(
                    "disposal", "处置方式", "choice", choices=LAND_DISPOSALS, example=LAND_DISPOSALS[0], table="detail"
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
                    "kind", "类型", "choice", True, choices=("停产企业", "停建项目"), example="停产企业", table="detail"
                ),
                Field("zombie", "僵尸企业", "yesno", True, choices=YES_NO, example="否", table="detail"),
                Field("stopped_since", "停产停建时间", "date", example=date(2020, 3, 1), table="detail"),
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
                ),
                Field("energy_tce", "用能", "number", unit="吨标煤", minimum=0, example=1200, table="detail"),
                Field("water_t", "用水", "number", unit="吨", minimum=0, example=3000, table="detail"),
                Field("reason", "停产停建原因", "text", example="资金短缺", table="detail", aliases=("原因",)),
                Field("mode", "盘活方式", "text", example="兼并重组/引进战略投资者", table="detail"),
                Field("parcel_code", "宗地编号", "text", example="150200-B-03", table="detail"),
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
