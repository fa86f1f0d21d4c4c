"""The four roles and what each may see and do: the one place that defines them."""

from dataclasses import dataclass

LEADER, ADMIN, LEAGUE, PARK = "leader", "admin", "league", "park"
ROLE_NAMES = {
    LEADER: "领导小组成员",
    ADMIN: "大起底办公室",
    LEAGUE: "盟市工信局",
    PARK: "园区管委会",
}
# What each role may do besides reading (and exporting) its own part.
IMPORTS = {ADMIN, LEAGUE}  # import ledgers: admin for any league, a league for its own
MANAGES_ACCOUNTS = {ADMIN}
SEES_REGION = {LEADER, ADMIN}  # region-wide documents: 要情通报, 督导通报 comparing the 12 leagues


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

    def may_import(self, league: str) -> bool:
        return self.role == ADMIN or (self.role == LEAGUE and league == self.league)

    @property
    def manages_accounts(self) -> bool:
        return self.role in MANAGES_ACCOUNTS

    @property
    def sees_region(self) -> bool:
        return self.role in SEES_REGION


@dataclass(frozen=True)
class Allowed:
    """The part of the data a user may see: everything (None, None), one league, or one park of a league."""

    league: str | None
    park: str | None

    @property
    def everything(self) -> bool:
        return self.league is None and self.park is None

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
