"""What an export says about itself (scope, 数据截至, 演示数据), for any scope: the pages' figures, the decks and the
meeting all stamp their exports through this one function."""

import queries
from charts.theme import Stamp
from queries.db import limit
from queries.scope import Scope, breadcrumb


def stamp(scope: Scope) -> Stamp:
    """What an export says about itself; its scope is the one the queries were limited to (a league's user
    asking for the region gets its league, and the stamp says so)."""
    scope = Scope(*limit(scope.league, scope.park), scope.asof)
    origin = queries.data_origin(scope)
    return Stamp(" › ".join(breadcrumb(scope, queries.catalog())[1:]) or "全区", scope.asof, bool(origin.demo_items))
