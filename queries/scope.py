"""The scope every page shows (league, park, 数据截至 date): parsed from the URL, checked, never raising."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from auth.roles import Allowed
from queries.db import scope_params

EVERYWHERE = Allowed(None, None)


@dataclass(frozen=True)
class Scope:
    league: str | None
    park: str | None
    asof: date

    def params(self) -> dict:
        return scope_params(self.league, self.park, self.asof)

    def query_params(self) -> dict[str, str]:
        """The URL form: ?league=150200&park=P005&asof=2023-06-08 (empty parts left out)."""
        out = {"league": self.league, "park": self.park, "asof": self.asof.isoformat()}
        return {k: v for k, v in out.items() if v}


@dataclass(frozen=True)
class Catalog:
    """What a scope may name: league names by code, (name, league code) by park id, the data's dates."""

    leagues: Mapping[str, str]
    parks: Mapping[str, tuple[str, str]]
    first_date: date
    last_date: date

    def label(self, code: str) -> str:
        """The name of a league code or park id."""
        return self.leagues.get(code) or self.parks.get(code, (code,))[0]


def resolve_scope(raw: Mapping[str, str], catalog: Catalog, home: Allowed = EVERYWHERE) -> tuple[Scope, list[str]]:
    """The scope named by URL parameters within what the user may see (home), and a Chinese warning for each
    value that had to be corrected. The catalog holds only what the user may see, so a warning never tells
    whether another league's park exists."""
    warnings: list[str] = []
    league = (raw.get("league") or "").strip() or None
    park = (raw.get("park") or "").strip() or None
    mine = catalog.leagues.get(home.league, "")

    if home.park is not None:
        if (league, park) not in ((None, None), (home.league, None), (home.league, home.park), (None, home.park)):
            warnings.append(f"您的账号只能查看{catalog.parks[home.park][0]}的数据，已改为显示该园区。")
        league, park = home.league, home.park
    elif home.league is not None:
        if league not in (None, home.league):
            warnings.append(f"您的账号只能查看{mine}的数据，链接中的盟市“{league}”已改为{mine}。")
        league = home.league
        if park is not None and park not in catalog.parks:
            warnings.append(f"链接中的园区编号“{park}”不存在或不在{mine}，已改为显示{mine}全部园区。")
            park = None

    if league is not None and league not in catalog.leagues:
        warnings.append(f"链接中的盟市代码“{league}”不存在，已显示全区。")
        league = None
    if park is not None:
        if park not in catalog.parks:
            warnings.append(f"链接中的园区编号“{park}”不存在，已改为显示{catalog.leagues.get(league, '全区')}。")
            park = None
        else:
            park_name, park_league = catalog.parks[park]
            if league is None:
                league = park_league
            elif park_league != league:
                warnings.append(
                    f"园区“{park_name}”属于{catalog.leagues[park_league]}，"
                    f"不属于{catalog.leagues[league]}，已改为显示{catalog.leagues[league]}全部园区。"
                )
                park = None

    asof = catalog.last_date
    text = (raw.get("asof") or "").strip()
    if text:
        try:
            asked = date.fromisoformat(text)
        except ValueError:
            warnings.append(f"链接中的日期“{text}”格式不正确(应为 2023-06-08 这样的格式)，已显示最新数据日期。")
        else:
            asof = min(max(asked, catalog.first_date), catalog.last_date)
            if asof != asked:
                warnings.append(
                    f"数据范围为 {catalog.first_date} 至 {catalog.last_date}，{asked} 不在其中，已改为最近的 {asof}。"
                )
    return Scope(league, park, asof), warnings


def breadcrumb(scope: Scope, catalog: Catalog) -> list[str]:
    """全区 › 包头市 › 包头稀土高新技术产业开发区"""
    parts = ["全区"]
    if scope.league:
        parts.append(catalog.leagues[scope.league])
    if scope.park:
        parts.append(catalog.parks[scope.park][0])
    return parts
