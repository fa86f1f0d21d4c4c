"""Several app servers behind nginx, measured (issue #27; reported, not asserted): page views per second with one
app server and with two behind the same nginx and PostgreSQL, driven by real Streamlit sessions over the websocket
protocol (the browser's own messages: a rerun of a page, answered when the script finishes) for a bounded time;
the CPU each part used per view (app servers, PostgreSQL, nginx, the load generator); and the time of a user's
next click in chromium after the server it was on is killed.

    python -m bench.cluster [--users 6] [--seconds 45] [--from national.duckdb]

Results are appended to bench/results/cluster.json. The cluster is deploy.cluster's (PostgreSQL with the demo)."""

import argparse
import asyncio
import json
import os
import resource
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

from deploy import cluster as cluster_module
from deploy.site import FAIL_TIMEOUT_SECONDS

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "cluster.json"
APP_PORT, NGINX_PORT = 8671, 8683
USERS = ("demo-admin", "demo-150200", "demo-leader", "demo-150600")
# The pages a user clicks through, in turn: (url path, query string)
VIEWS = (
    ("", "asof=2023-06-08"),
    ("progress", "asof=2023-06-08"),
    ("rankings", "year=2023"),
    ("ledgers", "ledger=land"),
    ("park", ""),
    ("idle_map", ""),
)
EARLY = 2  # ScriptFinishedStatus FINISHED_EARLY_FOR_RERUN: the page switched or reran; its real run follows
TICKS = os.sysconf("SC_CLK_TCK")


def route_to(cluster, port: int) -> str:
    """A route cookie value nginx hashes to the app server on port."""
    for attempt in range(500):
        route = f"bench-{port}-{attempt}"
        request = urllib.request.Request(cluster.url + "_stcore/health", headers={"Cookie": f"ledger_route={route}"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            if answer.headers["X-Ledger-Server"].endswith(f":{port}"):
                return route
    raise RuntimeError(f"no route reaches {port}")


def session_tokens(cluster, count: int) -> list[str]:
    """Signed-in sessions of the demo accounts, in the cluster's PostgreSQL (as the sign-in page makes them)."""
    from auth import store

    os.environ.update(LEDGER_DSN=cluster.dsn, LEDGER_DB=str(cluster.folder / "shared" / "ledger.duckdb"))
    path = store.auth_path(Path(os.environ["LEDGER_DB"]))
    tokens = [store.authenticate(path, USERS[n % len(USERS)], store.DEMO_PASSWORD, True).token for n in range(count)]
    if None in tokens:
        raise RuntimeError("a demo account did not sign in")
    return tokens


def rerun(path: str, query: str) -> bytes:
    message = BackMsg()
    message.rerun_script.query_string = query
    message.rerun_script.page_name = path
    return message.SerializeToString()


async def view(socket, path: str, query: str) -> float:
    """One page view: the rerun sent, the messages read until the script's run has finished; its seconds."""
    started = time.perf_counter()
    await socket.send(rerun(path, query))
    while True:
        message = ForwardMsg()
        message.ParseFromString(await socket.recv())
        if message.HasField("script_finished") and message.script_finished != EARLY:
            return time.perf_counter() - started


async def user(cluster, token: str, route: str, offset: int, until: float, times: list[float]) -> None:
    headers = {"Cookie": f"ledger_session={token}; ledger_route={route}"}
    url = cluster.url.replace("http", "ws") + "_stcore/stream"
    async with connect(url, additional_headers=headers, subprotocols=["streamlit"], max_size=None) as socket:
        await view(socket, *VIEWS[offset % len(VIEWS)])  # the session's first run, not counted
        turn = offset
        while time.perf_counter() < until:
            turn += 1
            seconds = await view(socket, *VIEWS[turn % len(VIEWS)])
            if time.perf_counter() <= until:
                times.append(seconds)


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / TICKS


def processes() -> dict[int, tuple[int, int, str]]:
    """pid → (parent, process group, command) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            found[int(entry.name)] = (int(fields[1]), int(fields[2]), command)
    return found


def parts(cluster) -> dict[str, list[int]]:
    """The pids of each part of the cluster: app servers (their process groups), PostgreSQL, nginx."""
    table = processes()
    postmaster = int((Path(cluster.pg_folder) / "data" / "postmaster.pid").read_text().split()[0])
    nginx_master = int((cluster.folder / "nginx" / "nginx.pid").read_text().strip())
    groups = {pid for pid in cluster.pids.values()}
    return {
        "app": [pid for pid, (_, group, _) in table.items() if group in groups],
        "postgres": [postmaster] + [pid for pid, (parent, _, _) in table.items() if parent == postmaster],
        "nginx": [nginx_master] + [pid for pid, (parent, _, _) in table.items() if parent == nginx_master],
    }


def machine_busy() -> tuple[float, float]:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


async def load(cluster, servers: list[int], users: int, seconds: float) -> dict:
    """`users` sessions spread over `servers` (through nginx) for `seconds`; views per second and CPU per view."""
    routes = {port: route_to(cluster, port) for port in servers}
    tokens = session_tokens(cluster, users)
    pids = parts(cluster)
    before = {name: cpu_seconds(ids) for name, ids in pids.items()}
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    busy_before, all_before = machine_busy()
    load_before = os.getloadavg()[0]
    times: list[float] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(user(cluster, tokens[n], routes[servers[n % len(servers)]], n, until, times)
                           for n in range(users)))  # fmt: skip
    elapsed = time.perf_counter() - started
    pids = parts(cluster)
    used = {name: cpu_seconds(ids) - before[name] for name, ids in pids.items()}
    own = resource.getrusage(resource.RUSAGE_SELF)
    used["load generator"] = own.ru_utime + own.ru_stime - own_before.ru_utime - own_before.ru_stime
    busy_after, all_after = machine_busy()
    views = len(times)
    return {
        "servers": len(servers),
        "users": users,
        "seconds": round(elapsed, 1),
        "views": views,
        "views_per_second": round(views / elapsed, 2),
        "median_view_ms": round(statistics.median(times) * 1000) if times else None,
        "p90_view_ms": round(statistics.quantiles(times, n=10)[-1] * 1000) if len(times) > 10 else None,
        "cpu_ms_per_view": {name: round(value * 1000 / max(views, 1), 1) for name, value in used.items()},
        "cpu_percent_of_one_core": {name: round(100 * value / elapsed) for name, value in used.items()},
        "machine_busy_percent": round(100 * (busy_after - busy_before) / max(all_after - all_before, 1e-9)),
        "load_average_before": round(load_before, 1),
    }


def next_click_after_kill(cluster, repeats: int) -> list[dict]:
    """In chromium: a signed-in user on one server, that server killed; seconds until the browser has reconnected
    through nginx to the other server, then of the user's next click there (the page drawn, with the Chinese
    notice), beside the same kind of click on a live server. (A click made before the reconnect is dropped by
    Streamlit's client, which sends nothing while disconnected.) The killed server is started again for the
    next repeat."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import ARGS, CHROMIUM

    measured = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(repeats):
            for port in cluster.app_ports:  # the server killed last time, started again
                if str(port) not in cluster.pids:
                    cluster.start_app(port)
                    time.sleep(FAIL_TIMEOUT_SECONDS + 1)  # until nginx tries it again (it failed while down)
            page, port = signed_in_browser(browser, cluster)
            live = click_and_wait(page, "台账", "text=导出 Excel")
            click_and_wait(page, "总览", "[data-testid=stPlotlyChart]")
            killed = time.time()
            cluster.kill_app(port)
            page.wait_for_function("window.ledgerReconnectedAt", timeout=120_000, polling=20)
            reconnect = page.evaluate("window.ledgerReconnectedAt") / 1000 - killed
            after = click_and_wait(page, "整治进度", "text=与服务器的连接中断过", "[data-testid=stPlotlyChart]")
            measured.append({"live_click_s": live, "reconnect_s": round(reconnect, 2), "next_click_s": after})
            print(json.dumps(measured[-1]), flush=True)
            page.context.close()
    return measured


def signed_in_browser(browser, cluster):
    """A new browser signed in through nginx, and the app server its route cookie took it to."""
    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    page.goto(cluster.url)
    page.get_by_label("用户名").fill("demo-admin")
    page.get_by_label("密码").fill("yanshi-2022")
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector("[data-testid=stPlotlyChart]", timeout=120_000)
    answer = page.request.get(cluster.url + "_stcore/health")
    return page, int(answer.headers["x-ledger-server"].rsplit(":", 1)[1])


def click_and_wait(page, link: str, *shown: str) -> float:
    """Seconds from a click on a sidebar page link to that page's content (each selector in shown) drawn."""
    started = time.perf_counter()
    page.locator("[data-testid=stSidebar]").get_by_text(link, exact=True).click()
    for selector in shown:
        page.wait_for_selector(selector, timeout=120_000)
    return round(time.perf_counter() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--repeats", type=int, default=2, help="next-click-after-kill measurements")
    parser.add_argument(
        "--from", dest="source", type=Path, help="a database file (bench.national's) instead of the demo"
    )
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ledger-bench-cluster-"))
    cluster = cluster_module.start(folder, 2, NGINX_PORT, APP_PORT, arguments.source)
    try:
        runs = []
        for servers in (cluster.app_ports[:1], cluster.app_ports):
            runs.append(asyncio.run(load(cluster, servers, arguments.users, arguments.seconds)))
            print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
        failover = next_click_after_kill(cluster, arguments.repeats)
    finally:
        cluster.stop()
    scale = arguments.source.name if arguments.source else "demo"
    result = {"when": time.strftime("%Y-%m-%d %H:%M"), "scale": scale, "runs": runs, "failover": failover}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    RESULTS.parent.mkdir(exist_ok=True)
    history = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    RESULTS.write_text(json.dumps([*history, result], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
