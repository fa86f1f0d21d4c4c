"""The four roles and what each may see and do: the one place that defines them."""

from dataclasses import dataclass
from enum import Enum

LEADER, ADMIN, LEAGUE, PARK = "leader", "admin", "league", "park"
ROLE_NAMES = {
    LEADER: "领导小组成员",
    ADMIN: "大起底办公室",
    LEAGUE: "盟市工信局",
    PARK: "园区管委会",
}
EVERYONE = tuple(ROLE_NAMES)


class Action(Enum):
    """The permission table: each action a signed-in user may be given, what it means, and the roles that have it.

    Menus, pages, exports and the workflow all ask User.may(action); nothing else compares role names, so a
    change of who may do what is one line here."""

    VIEW = "查看并导出本账号范围的数据：总览、进度、排名、地图、台账、园区档案、汇报材料、会议模式", EVERYONE
    WORK_ON_ITEMS = "处理本账号范围的条目：我的待办、记录整改进展、申请销号和延期、补充佐证材料", (ADMIN, LEAGUE, PARK)
    REVIEW_CLOSURE = "审核销号申请（审核通过或退回整改）", (ADMIN,)
    DECIDE_EXTENSION = "审批延期申请", (ADMIN,)
    WITHDRAW_EVIDENCE = "撤回误传的佐证材料", (ADMIN,)
    IMPORT = "导入台账：大起底办公室为任何盟市，盟市工信局为本盟市", (ADMIN, LEAGUE)
    SEE_STORAGE = "查看服务器存储：原始文件占用、数据盘可用空间和保存位置", (ADMIN,)
    MANAGE_ACCOUNTS = "账号管理和审计日志", (ADMIN,)
    SEND_ORDER = "向盟市、园区发送督办单，查看各地签收情况", (LEADER, ADMIN)
    ACKNOWLEDGE_ORDER = "签收发给本盟市或本园区的督办单", (LEAGUE, PARK)
    READ_INBOX = "站内消息：本账号收到的督办提醒、督办单、审核与延期结果", EVERYONE
    SEE_REGION = "全区性文件：要情通报、比较12个盟市的督导通报（含会议模式的督导通报页）", (LEADER, ADMIN)
    DRAW_RECHECK = "回头看：抽取已销号条目、指派核查人和时限", (ADMIN,)
    INSPECT_RECHECK = "回头看：记录指派给本账号的核查结果（属实或不属实，不属实即重新整改）", (ADMIN,)
    RECORD_PARK_ACTION = "记录对园区的动态管理措施：约谈、通报、限期整改、降级、调整出序列、整合", (ADMIN,)
    PUBLISH_GRADES = "发布亩均评价公示、复核异议（采纳或不予采纳）", (ADMIN,)
    OBJECT_TO_GRADE = "公示期内对本账号范围的项目评价等级提出异议", (LEAGUE, PARK)
    APPROVE_GRADES = "公示期满、异议处理完毕后确认评价终稿", (LEADER, ADMIN)

    def __init__(self, description: str, roles: tuple[str, ...]) -> None:
        self.description = description
        self.roles = frozenset(roles)


@dataclass(frozen=True)
class User:
    """A signed-in account: one role and, for league and park roles, the one league or park it belongs to."""

    username: str
    role: str
    league: str | None = None
    park: str | None = None
    display_name: str = ""
    source: str = "builtin"  # builtin or oidc

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]

    @property
    def allowed(self) -> "Allowed":
        if self.role == LEAGUE:
            return Allowed(self.league, None)
        if self.role == PARK:
            return Allowed(self.league, self.park)
        return Allowed(None, None)

    def may(self, action: Action, league: str | None = None, park: str | None = None) -> bool:
        """Whether the role has the action and, when a league (and park) is named, the place is the user's own:
        may(Action.IMPORT) opens the import page, may(Action.IMPORT, league) allows an import for that league."""
        return self.role in action.roles and self.allowed.covers(league, park)


@dataclass(frozen=True)
class Allowed:
    """The part of the data a user may see: everything (None, None), one league, or one park of a league."""

    league: str | None
    park: str | None

    @property
    def everything(self) -> bool:
        return self.league is None and self.park is None

    def covers(self, league: str | None, park: str | None) -> bool:
        """Whether the named place lies within what is allowed (naming no place asks about none)."""
        if self.everything or (league is None and park is None):
            return True
        return league == self.league and self.park in (None, park)

    def clamp(self, league: str | None, park: str | None, park_league: str | None) -> tuple[str | None, str | None]:
        """The requested (league, park) limited to what is allowed; park_league is the requested park's league.

        Anything outside falls back to the allowed part itself, never to a wider one."""
        if self.everything:
            return league, park
        if self.park is not None:
            return self.league, self.park
        if league not in (None, self.league) or (park is not None and park_league != self.league):
            return self.league, None
        return self.league, park


def check_role(role: str, league: str | None, park: str | None) -> None:
    """Raise ValueError (in Chinese) unless the role and its league or park fit together."""
    if role not in ROLE_NAMES:
        raise ValueError(f"角色“{role}”不存在，可选：" + "、".join(f"{k}（{v}）" for k, v in ROLE_NAMES.items()))
    if role == LEAGUE and (not league or park):
        raise ValueError("盟市账号必须指定一个盟市（--league），且不指定园区")
    if role == PARK and not park:
        raise ValueError("园区账号必须指定一个园区（--park）")
    if role in (LEADER, ADMIN) and (league or park):
        raise ValueError(f"{ROLE_NAMES[role]}账号查看全区，不应指定盟市或园区")
