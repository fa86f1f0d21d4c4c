"""The nginx site in front of the app servers, generated from one template so that the checked-in production
site (deploy/nginx-ledger.conf) and the site `make cluster` runs cannot drift apart.

`python -m deploy.site --servers 127.0.0.1:8501,127.0.0.1:8502 --listen 80` prints a site for
/etc/nginx/sites-available/."""

import argparse
from pathlib import Path

from ledger.limits import MAX_FILE_BYTES, MB

SITE = Path(__file__).resolve().parent / "nginx-ledger.conf"
PRODUCTION_SERVERS = ("127.0.0.1:8501", "127.0.0.1:8502")
MAX_FAILS = 1  # one refused connection marks a server down: a dead server is skipped from the next request on
FAIL_TIMEOUT_SECONDS = 10  # how long a failed server is left out before nginx tries it again
SOCKET_TIMEOUT_SECONDS = 3600  # the meeting screen's websocket stays open for a whole meeting
UPLOAD_MB = MAX_FILE_BYTES // MB  # client_max_body_size: the product's own upload limit (ledger/limits.py)

TEMPLATE = """\
# 开发区闲置资源看板：nginx 站点（由 python -m deploy.site 生成，勿手改；说明见 deploy/README.md）

# A websocket request is passed on as one; every other request closes its upstream connection.
map $http_upgrade $ledger_connection {{
    default upgrade;
    ""      close;
}}

# Sticky sessions: a browser's first request gets a random route cookie (nginx's own $request_id) and every
# request carrying it goes to the same server (consistent hash), so a Streamlit session's websocket, uploads,
# downloads and /media files meet on one server. Chosen over ip_hash because users behind one government
# network's NAT share an address and would all land on one server.
map $cookie_ledger_route $ledger_route {{
    ""      $request_id;
    default $cookie_ledger_route;
}}
map $cookie_ledger_route $ledger_route_cookie {{
    ""      "ledger_route=$request_id; Path=/; HttpOnly; SameSite=Lax";
    default "";
}}

upstream ledger_app {{
    hash $ledger_route consistent;
{servers}
}}

server {{
    listen {listen};
    server_name _;

    client_max_body_size {upload_mb}m;  # = ledger/limits.py MAX_FILE_BYTES (and Streamlit's maxUploadSize)
{logs}
    location / {{
        proxy_pass http://ledger_app;
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $ledger_connection;
        proxy_connect_timeout 2s;
        proxy_read_timeout {socket_timeout}s;
        proxy_send_timeout {socket_timeout}s;
        proxy_buffering off;
        # A refused or timed-out connection is retried on the next server: a dead server costs a reconnect.
        proxy_next_upstream error timeout http_502 http_503;
        add_header Set-Cookie $ledger_route_cookie;{debug}
    }}

    # Passive health: max_fails/fail_timeout above. This path answers "ok" from whichever server the browser's
    # route reaches; each server's own /_stcore/health is what systemd and the operator check (deploy/README.md).
    location = /_stcore/health {{
        proxy_pass http://ledger_app;
        access_log off;{debug}
    }}
}}
"""


def site(servers: list[str], listen: str, logs: Path | None = None, tell_server: bool = False) -> str:
    """The nginx site for these app servers (host:port each), listening on `listen` (a port or address:port).
    Logs go to Debian's /var/log/nginx/ unless a folder is given (make cluster's own). tell_server adds a header
    naming the app server that answered, for the cluster's tests and benchmark (never in production: it shows
    internal addresses)."""
    lines = "\n".join(
        f"    server {server} max_fails={MAX_FAILS} fail_timeout={FAIL_TIMEOUT_SECONDS}s;" for server in servers
    )
    folder = logs or Path("/var/log/nginx")
    log_lines = f"    access_log {folder / 'ledger.access.log'};\n    error_log {folder / 'ledger.error.log'};\n"
    return TEMPLATE.format(
        servers=lines,
        listen=listen,
        upload_mb=UPLOAD_MB,
        socket_timeout=SOCKET_TIMEOUT_SECONDS,
        logs=log_lines,
        debug="\n        add_header X-Ledger-Server $upstream_addr always;" if tell_server else "",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="生成 nginx 站点配置（打印到标准输出）")
    parser.add_argument("--servers", default=",".join(PRODUCTION_SERVERS), help="应用服务器，逗号分隔的 地址:端口")
    parser.add_argument("--listen", default="80", help="nginx 监听的端口或 地址:端口")
    arguments = parser.parse_args()
    print(site([s.strip() for s in arguments.servers.split(",") if s.strip()], arguments.listen), end="")


if __name__ == "__main__":
    main()
