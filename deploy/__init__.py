"""Running several app servers on one PostgreSQL behind nginx (issue #27): the nginx site, systemd units, the
operator's guide (README.md) and `make cluster`, a one-machine try-out."""
