"""`make cluster` / `make cluster-stop`: the whole cluster on one machine for a try-out, a test or a benchmark: a
throwaway PostgreSQL holding the demo, N app servers on loopback and nginx in front (its own prefix, pid and temp
folders, run as the current user), all recorded in one folder so that stopping ends exactly what was started.

    python -m deploy.cluster start [--folder data/cluster] [--servers 2] [--port 8680] [--first-app-port 8641]
                                   [--from a.duckdb]   (a copy of this database file and its accounts, not the demo)
    python -m deploy.cluster stop [--folder data/cluster]
"""

import argparse
import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from deploy.site import site

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STATE = "state.json"
HEALTH_SECONDS = 90  # an app server's start on a busy 2-core machine (imports, the schema check) takes 5–30 s
NGINX_MISSING = "未找到 nginx：请以 root 运行 `make system-deps`（安装 Debian 的 nginx 包）。"


class ClusterError(RuntimeError):
    """The cluster could not start or stop, with a Chinese message."""


@dataclass
class Cluster:
    """What one start left running: stop() ends these and nothing else."""

    folder: Path
    nginx_port: int
    app_ports: list[int]
    pg_folder: str = ""
    dsn: str = ""
    pids: dict[str, int] = field(default_factory=dict)  # app port → pid (each the leader of its process group)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}/"

    def app_url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}/"

    def save(self) -> None:
        state = asdict(self) | {"folder": str(self.folder)}
        (self.folder / STATE).write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "Cluster | None":
        path = folder / STATE
        if not path.exists():
            return None
        state = json.loads(path.read_text(encoding="utf-8"))
        return cls(**state | {"folder": Path(state["folder"])})

    def environment(self) -> dict[str, str]:
        """What every app server shares: the database, the evidence folder (beside LEDGER_DB) and the cookie
        secret (Streamlit signs its XSRF cookie with it: a browser moved to another server must still upload)."""
        secret_file = self.folder / "cookie_secret"
        if not secret_file.exists():
            secret_file.write_text(secrets.token_hex(32), encoding="utf-8")
            secret_file.chmod(0o600)
        return os.environ | {
            "LEDGER_DSN": self.dsn,
            "LEDGER_DB": str(self.folder / "shared" / "ledger.duckdb"),
            "STREAMLIT_SERVER_COOKIE_SECRET": secret_file.read_text(encoding="utf-8"),
        }

    def start_app(self, port: int) -> None:
        """One app server on loopback (its output in app-PORT.log), waited for until /_stcore/health answers."""
        log = (self.folder / f"app-{port}.log").open("ab")
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--server.address", "127.0.0.1", "--server.port", str(port)]  # fmt: skip
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.environment(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.pids[str(port)] = process.pid
        self.save()
        wait_healthy(self.app_url(port), process)

    def kill_app(self, port: int, sig: int = signal.SIGKILL) -> None:
        """End one app server (SIGKILL: a crash; SIGTERM: a stop) and everything it started."""
        pid = self.pids.pop(str(port), None)
        self.save()
        if pid:
            _end_group(pid, sig)

    def stop(self) -> None:
        """nginx, then the app servers, then PostgreSQL; the logs stay in the folder."""
        nginx = self.folder / "nginx"
        if (nginx / "nginx.pid").exists():
            subprocess.run(
                [NGINX, "-p", str(nginx), "-c", str(nginx / "nginx.conf"), "-s", "quit"], capture_output=True
            )
            _wait_gone(nginx / "nginx.pid")
        for port in list(self.pids):
            self.kill_app(int(port), signal.SIGTERM)
        if self.pg_folder:
            from tests.pgserver import PgServer

            PgServer(Path(self.pg_folder)).stop()
        shutil.rmtree(self.folder / "shared", ignore_errors=True)
        shutil.rmtree(nginx / "temp", ignore_errors=True)
        (self.folder / "cookie_secret").unlink(missing_ok=True)
        (self.folder / STATE).unlink(missing_ok=True)


def start(
    folder: Path, servers: int = 2, port: int = 8680, first_app_port: int = 8641, source: Path | None = None
) -> Cluster:
    """PostgreSQL with the demo (or a copy of the database file source), `servers` app servers, nginx on
    127.0.0.1:port; a half-started cluster is stopped again before the error is raised."""
    if not Path(NGINX).exists():
        raise ClusterError(NGINX_MISSING)
    folder = folder.resolve()
    if Cluster.load(folder):
        raise ClusterError(f"{folder} 中的集群已在运行：先运行 make cluster-stop。")
    folder.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(folder, port, [first_app_port + n for n in range(servers)])
    try:
        _start_database(cluster, source)
        for app_port in cluster.app_ports:
            cluster.start_app(app_port)
        _start_nginx(cluster)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _start_database(cluster: Cluster, source: Path | None) -> None:
    """A throwaway PostgreSQL, filled by the ledger's own commands: `demo`, or `copy --to-postgres` then `migrate`."""
    from tests.pgserver import start as start_postgres

    server = start_postgres()
    cluster.pg_folder, cluster.dsn = str(server.folder), server.create_database("ledger")
    cluster.save()
    (cluster.folder / "shared").mkdir(exist_ok=True)
    if source is None:
        commands = [["demo"]]
    else:
        commands = [["copy", "--to-postgres", cluster.dsn, "--from", str(source.resolve())], ["migrate"]]
    for command in commands:
        done = subprocess.run([sys.executable, "-m", "ledger", *command], cwd=ROOT, env=cluster.environment(),
                              capture_output=True, text=True)  # fmt: skip
        if done.returncode != 0:
            raise ClusterError(f"数据未能写入 PostgreSQL：{done.stdout[-800:]}{done.stderr[-800:]}")


def nginx_conf(cluster: Cluster) -> str:
    """A whole nginx.conf for a private nginx: pid, logs and temp files under the cluster's folder."""
    prefix = cluster.folder / "nginx"
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers as the current user, not www-data/nobody
    temp = "".join(
        f"    {kind}_temp_path {prefix / 'temp' / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    servers = [f"127.0.0.1:{port}" for port in cluster.app_ports]
    return (
        f"# make cluster: a private nginx ({pwd.getpwuid(os.geteuid()).pw_name})\n{user}worker_processes 1;\n"
        f"pid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'};\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n{temp}\n{site(servers, f'127.0.0.1:{cluster.nginx_port}', prefix, tell_server=True)}}}\n"
    )


def _start_nginx(cluster: Cluster) -> None:
    prefix = cluster.folder / "nginx"
    (prefix / "temp").mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(nginx_conf(cluster), encoding="utf-8")
    done = subprocess.run([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        raise ClusterError(f"nginx 未能启动：{done.stderr.strip()[-800:]}")
    wait_healthy(cluster.url, None)


def wait_healthy(url: str, process: subprocess.Popen | None) -> None:
    """Until url's /_stcore/health answers "ok"; an app server that exits meanwhile is an error at once."""
    deadline = time.monotonic() + HEALTH_SECONDS
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ClusterError(f"应用服务器退出（退出码 {process.returncode}），见其日志。")
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise ClusterError(f"{url} 在 {HEALTH_SECONDS} 秒内没有就绪。")


def _end_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        return
    for _ in range(100):
        with contextlib.suppress(ChildProcessError):  # not our child when stopped by another command: polled below
            os.waitpid(pid, os.WNOHANG)
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pid, signal.SIGKILL)


def _wait_gone(pid_file: Path) -> None:
    for _ in range(100):
        if not pid_file.exists():
            return
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description="本机试用集群：PostgreSQL、演示数据、多台应用服务器与 nginx")
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("--folder", type=Path, default=ROOT / "data" / "cluster")
    parser.add_argument("--servers", type=int, default=2, choices=range(1, 9))
    parser.add_argument("--port", type=int, default=8680)
    parser.add_argument("--first-app-port", type=int, default=8641)
    parser.add_argument("--from", dest="source", type=Path, help="复制这个数据库文件（及其账号文件）而不是演示数据")
    arguments = parser.parse_args()
    try:
        if arguments.action == "start":
            if arguments.source and not arguments.source.is_file():
                raise ClusterError(f"没有数据库文件 {arguments.source}")
            cluster = start(
                arguments.folder, arguments.servers, arguments.port, arguments.first_app_port, arguments.source
            )
            print(f"集群已启动：{cluster.url}（应用服务器 {', '.join(map(str, cluster.app_ports))}；"
                  f"日志在 {cluster.folder}；停止：make cluster-stop）")  # fmt: skip
        else:
            cluster = Cluster.load(arguments.folder.resolve())
            if cluster is None:
                print(f"{arguments.folder} 中没有运行中的集群。")
                return
            cluster.stop()
            print("集群已停止（nginx、应用服务器、PostgreSQL）；日志留在", cluster.folder)
    except ClusterError as error:
        print(error, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
