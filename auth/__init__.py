"""Who the user is and what they may see: roles, accounts, sessions, the audit log, OIDC claim mapping."""
