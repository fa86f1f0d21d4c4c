"""统一身份认证 (OIDC): how the identity provider's claims become a role and a league or park.

Sign-in itself is Streamlit's st.login (ui/session.py), switched on by an [auth] section in
.streamlit/secrets.toml.

This is the one place where claims are mapped. By default the claims
are `ledger_role` (leader / admin / league / park, or their Chinese names), `ledger_league` (a 盟市 code such as
150200) and `ledger_park` (a park id such as P005); a [ledger_oidc] section in secrets.toml may rename them
(role_claim, league_claim, park_claim, name_claim). A user whose claims name no valid role is refused."""

from auth import store
from auth.roles import LEAGUE, PARK, ROLE_NAMES, User, check_role

PROVIDER = None  # st.login() with the [auth] section itself
DEFAULT_CLAIMS = {"role_claim": "ledger_role", "league_claim": "ledger_league", "park_claim": "ledger_park",
                  "name_claim": "name"}  # fmt: skip
ROLE_BY_NAME = {**{k: k for k in ROLE_NAMES}, **{v: k for k, v in ROLE_NAMES.items()}}


def user_from_claims(claims: dict, names: dict[str, str] | None = None) -> User:
    """The User that an ID token's claims describe; ValueError (Chinese) when they name no valid role."""
    names = names or DEFAULT_CLAIMS
    role = ROLE_BY_NAME.get(str(claims.get(names["role_claim"]) or "").strip())
    if role is None:
        raise ValueError(f"统一身份认证账号没有本系统的角色（声明 {names['role_claim']}），请联系大起底办公室开通")
    league = str(claims.get(names["league_claim"]) or "").strip() or None
    park = str(claims.get(names["park_claim"]) or "").strip() or None
    check_role(role, league if role != PARK else None, park)
    subject = str(claims.get("preferred_username") or claims.get("email") or claims.get("sub"))
    display = str(claims.get(names["name_claim"]) or subject)
    return User(f"oidc:{subject}"[: store.MAX_USERNAME], role, league if role in (LEAGUE, PARK) else None, park,
                display, source="oidc")  # fmt: skip
