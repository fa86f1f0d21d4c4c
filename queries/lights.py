"""督办三色 lists asked of the database a page at a time: the most urgent lit items (红, then 黄, then 蓝, each by
deadline) through queries.db's scope limits on item_lights.sql, so that a region-wide list sends one page of rows."""

import pandas as pd

from queries.db import run_page
from queries.scope import Scope

# item_lights.sql's own order; item_id is unique and ends it
LIGHT_ORDER: tuple[tuple[str, bool], ...] = (("light_rank", False), ("deadline", False), ("item_id", False))


def lights_head(scope: Scope, limit: int, ledger: str | None = None, light: str | None = None) -> pd.DataFrame:
    """The first `limit` lit items in scope (one ledger's, one light's when given)."""
    return run_page("item_lights", LIGHT_ORDER, limit, 0, **scope.params(), ledger=ledger, light=light)
