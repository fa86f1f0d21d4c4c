"""The 12 盟市 boundaries (bundled GeoJSON, rebuilt offline from the installed package if it is missing)."""

import json
from functools import cache

from ledger import boundaries


@cache
def league_boundaries() -> dict:
    """FeatureCollection with properties league_code and name, by code; `source` names package and licence.

    Callers must not modify it (it is shared by every session)."""
    if boundaries.PATH.exists():
        return json.loads(boundaries.PATH.read_text(encoding="utf-8"))
    return boundaries.build()
