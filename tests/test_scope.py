"""URL scope checking: every bad value gets a Chinese warning and the nearest valid scope, never an error."""

from datetime import date

import pytest

from queries.scope import Catalog, Scope, breadcrumb, resolve_scope

CATALOG = Catalog(
    leagues={"150100": "呼和浩特市", "150200": "包头市"},
    parks={"P001": ("甲园区", "150100"), "P002": ("乙园区", "150200")},
    first_date=date(2022, 7, 15),
    last_date=date(2025, 12, 25),
)


def test_valid_url_gives_its_scope_without_warnings() -> None:
    scope, warnings = resolve_scope({"league": "150200", "park": "P002", "asof": "2023-06-08"}, CATALOG)
    assert scope == Scope("150200", "P002", date(2023, 6, 8))
    assert warnings == []


def test_empty_url_gives_the_whole_region_at_the_latest_date() -> None:
    assert resolve_scope({}, CATALOG) == (Scope(None, None, date(2025, 12, 25)), [])


def test_park_alone_implies_its_league() -> None:
    scope, warnings = resolve_scope({"park": "P001"}, CATALOG)
    assert (scope.league, scope.park, warnings) == ("150100", "P001", [])


@pytest.mark.parametrize(
    ("raw", "expected", "words"),
    [
        ({"league": "999999"}, Scope(None, None, date(2025, 12, 25)), "盟市代码“999999”不存在"),
        ({"league": "150200", "park": "P999"}, Scope("150200", None, date(2025, 12, 25)), "园区编号“P999”不存在"),
        ({"league": "150200", "park": "P001"}, Scope("150200", None, date(2025, 12, 25)), "不属于包头市"),
        ({"asof": "2023-13-45"}, Scope(None, None, date(2025, 12, 25)), "格式不正确"),
        ({"asof": "yesterday"}, Scope(None, None, date(2025, 12, 25)), "格式不正确"),
        ({"asof": "2019-01-01"}, Scope(None, None, date(2022, 7, 15)), "已改为最近的 2022-07-15"),
        ({"asof": "2030-01-01"}, Scope(None, None, date(2025, 12, 25)), "已改为最近的 2025-12-25"),
    ],
)
def test_bad_url_value_falls_back_to_the_nearest_valid_scope(raw: dict, expected: Scope, words: str) -> None:
    scope, warnings = resolve_scope(raw, CATALOG)
    assert scope == expected
    assert len(warnings) == 1 and words in warnings[0]


def test_scope_round_trips_through_its_url_form() -> None:
    scope = Scope("150200", "P002", date(2023, 6, 8))
    assert scope.query_params() == {"league": "150200", "park": "P002", "asof": "2023-06-08"}
    assert resolve_scope(scope.query_params(), CATALOG) == (scope, [])


def test_breadcrumb_names_region_league_and_park() -> None:
    assert breadcrumb(Scope("150200", "P002", date(2023, 6, 8)), CATALOG) == ["全区", "包头市", "乙园区"]
    assert breadcrumb(Scope(None, None, date(2023, 6, 8)), CATALOG) == ["全区"]
