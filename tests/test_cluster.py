"""Several app servers on one PostgreSQL behind nginx (issue #27): a job that must run once takes a lock only one
process gets; the checked-in nginx site is the generated one and nginx accepts it; and on a real cluster on loopback
(deploy.cluster: PostgreSQL with the demo, two app servers, nginx) a league user's write through one server is seen
through the other, the same item changed through both at once ends in one write and one Chinese refusal, and a
killed server loses nothing committed while the user's next click lands on the other server, signed in, told in
Chinese that an unsent form was not kept. Screenshots in screenshots/cluster_*."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from deploy import cluster as cluster_module
from deploy.site import SITE, UPLOAD_MB, site
from ledger.limits import MAX_FILE_BYTES, MB
from ledger.postgres.once import lock_key
from tests.conftest import ARGS, CHROMIUM, ROOT

SHOTS = ROOT / "screenshots"
ITEM = "LD0249"  # the one 包头市 idle-land item still open at the end of the demo data
LEAGUE_USER = "demo-150200"
APP_PORTS, NGINX_PORT = 8661, 8682  # make cluster uses 8641–8642 and 8680, the benchmark 8671– and 8683

# One process taking a once-only lock: says whether it got it, then holds it until the release file appears.
HOLDER = """
import sys, time
from pathlib import Path
from ledger.postgres.once import only_once
with only_once(sys.argv[1]) as mine:
    print("mine" if mine else "skipped", flush=True)
    release = Path(sys.argv[2])
    while mine and not release.exists():
        time.sleep(0.05)
"""


@pytest.fixture(params=["embedded", pytest.param("postgres", marks=pytest.mark.postgres)])
def lock_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    env = os.environ | {"LEDGER_DB": str(tmp_path / "ledger.duckdb"), "PYTHONPATH": str(ROOT)}
    env.pop("LEDGER_DSN", None)
    if request.param == "postgres":
        env["LEDGER_DSN"] = request.getfixturevalue("pg_dsn")
    return env


def holder(env: dict[str, str], name: str, release: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, name, str(release)], env=env, cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)  # fmt: skip
    return process, process.stdout.readline().strip()


def test_a_once_only_job_runs_in_one_process_and_the_others_skip_it_until_it_is_done(lock_env, tmp_path) -> None:
    release = tmp_path / "release"
    first, said = holder(lock_env, "weekly_report", release)
    assert said == "mine"
    second, said_second = holder(lock_env, "weekly_report", release)
    assert said_second == "skipped"  # at once, without waiting for the holder
    assert second.wait(timeout=30) == 0
    other, said_other = holder(lock_env, "daily_cleanup", release)  # another job's lock is another lock
    assert said_other == "mine"
    release.touch()
    assert first.wait(timeout=30) == 0 and other.wait(timeout=30) == 0
    release.unlink()
    after, said_after = holder(lock_env, "weekly_report", release)
    assert said_after == "mine"
    release.touch()
    after.wait(timeout=30)


def test_a_killed_holder_frees_the_once_only_lock(lock_env, tmp_path) -> None:
    release = tmp_path / "release"
    first, said = holder(lock_env, "weekly_report", release)
    assert said == "mine"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    deadline = time.monotonic() + 10  # PostgreSQL ends the dead client's backend (and its lock) within moments
    while True:
        second, said_second = holder(lock_env, "weekly_report", release)
        release.touch()
        second.wait(timeout=30)
        release.unlink()
        if said_second == "mine" or time.monotonic() > deadline:
            break
    assert said_second == "mine"


def test_once_only_job_names_are_short_constants_with_distinct_keys() -> None:
    with pytest.raises(ValueError, match="定时任务名称"):
        lock_key("")
    with pytest.raises(ValueError, match="定时任务名称"):
        lock_key("x" * 81)
    assert lock_key("weekly_report") == lock_key("weekly_report") != lock_key("daily_cleanup")
    assert -(2**31) <= lock_key("weekly_report") < 2**31  # PostgreSQL's int4


def test_the_checked_in_nginx_site_is_generated_and_allows_the_products_upload_limit() -> None:
    text = SITE.read_text(encoding="utf-8")
    assert text == site(["127.0.0.1:8501", "127.0.0.1:8502"], "80")
    assert f"client_max_body_size {UPLOAD_MB}m;" in text and UPLOAD_MB * MB == MAX_FILE_BYTES
    assert "hash $ledger_route consistent;" in text and "proxy_set_header Upgrade $http_upgrade;" in text
    assert re.search(r"proxy_read_timeout (\d+)s", text).group(1) == "3600"
    assert "X-Ledger-Server" not in text  # the debugging header only in make cluster's own config


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n{site(['127.0.0.1:8501', '127.0.0.1:8502'], '127.0.0.1:8689', tmp_path)}}}\n"
    )
    done = subprocess.run([cluster_module.NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_the_app_server_unit_takes_its_port_from_the_instance_and_shares_the_cookie_secret() -> None:
    unit = (ROOT / "deploy" / "systemd" / "ledger-app@.service").read_text(encoding="utf-8")
    assert "--server.port %i" in unit and "--server.address 127.0.0.1" in unit
    assert "EnvironmentFile=/etc/ledger/ledger.env" in unit
    example = (ROOT / "deploy" / "ledger.env.example").read_text(encoding="utf-8")
    assert "LEDGER_DSN=" in example and "STREAMLIT_SERVER_COOKIE_SECRET=" in example


# The cluster in chromium ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    running = cluster_module.start(tmp_path_factory.mktemp("cluster"), 2, NGINX_PORT, APP_PORTS)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def chromium():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def served_by(page) -> int:
    """The app server nginx sends this browser to (make cluster's nginx names it in a header)."""
    answer = page.request.get("/".join(page.url.split("/")[:3]) + "/_stcore/health")
    return int(answer.headers["x-ledger-server"].split(",")[-1].strip().rsplit(":", 1)[1])


def browser_on(chromium, cluster, port: int):
    """A new browser (context) whose route cookie nginx hashes to the app server on port."""
    for attempt in range(200):
        context = chromium.new_context(viewport={"width": 1440, "height": 1800})
        context.add_cookies([{"name": "ledger_route", "value": f"test-{port}-{attempt}", "url": cluster.url}])
        page = context.new_page()
        page.goto(cluster.url + "_stcore/health")
        if served_by(page) == port:
            return page
        context.close()
    raise AssertionError(f"no route cookie reached port {port}")


def sign_in(page, cluster, user: str = LEAGUE_USER) -> None:
    page.goto(cluster.url)
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill("yanshi-2022")
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector("text=退出登录", timeout=90_000)


def open_item(page, cluster) -> None:
    page.goto(f"{cluster.url}ledgers?item={ITEM}")
    page.wait_for_selector("[data-testid=stForm]", timeout=90_000)
    page.wait_for_timeout(1000)


def progress_form(page):
    """The item's 记录整改进展 form, by its heading (the 申请延期 form beside it is a form too)."""
    return page.locator("[data-testid=stForm]").filter(has_text="记录整改进展")


def fill_progress(page, note: str) -> None:
    form = progress_form(page)
    form.get_by_text("整改中", exact=True).click()
    form.get_by_label("情况说明（做了什么）").fill(note)


def submit(page) -> None:
    progress_form(page).get_by_role("button", name="提交").click()


def events(cluster) -> list[tuple[int, str, str]]:
    """The item's history straight from PostgreSQL: (sequence, status, note)."""
    with psycopg.connect(cluster.dsn) as con:
        rows = con.execute("select seq, status, note from item_event where item_id = %s order by seq", (ITEM,))
        return [tuple(row) for row in rows.fetchall()]


def english_on(page) -> list[str]:
    text = page.locator("body").inner_text()
    return [word for word in ("Connection error", "Is Streamlit still running", "not responding", "Connecting")
            if word in text]  # fmt: skip


@pytest.mark.browser
@pytest.mark.postgres
def test_a_league_users_write_through_one_server_is_seen_through_the_other(cluster, chromium) -> None:
    first, second = cluster.app_ports
    writer, reader = browser_on(chromium, cluster, first), browser_on(chromium, cluster, second)
    before = events(cluster)
    sign_in(writer, cluster)
    open_item(writer, cluster)
    fill_progress(writer, "经一号服务器记录的进展")
    submit(writer)
    writer.wait_for_selector("text=已记录整改进展。", timeout=60_000)
    assert events(cluster)[len(before) :] == [(len(before) + 1, "整改中", "经一号服务器记录的进展")]
    sign_in(reader, cluster)
    open_item(reader, cluster)
    assert served_by(reader) == second and served_by(writer) == first
    reader.get_by_text("经一号服务器记录的进展").first.wait_for(state="attached", timeout=30_000)  # a table cell
    assert "整改中（截至" in reader.locator("body").inner_text()
    SHOTS.mkdir(exist_ok=True)
    reader.screenshot(path=str(SHOTS / "cluster_seen_on_the_other_server.png"))
    writer.context.close(), reader.context.close()


@pytest.mark.browser
@pytest.mark.postgres
def test_the_same_item_changed_through_both_servers_at_once_is_one_write_and_one_chinese_refusal(
    cluster, chromium
) -> None:
    pages = [browser_on(chromium, cluster, port) for port in cluster.app_ports]
    for number, page in enumerate(pages, 1):
        sign_in(page, cluster)
        open_item(page, cluster)
        fill_progress(page, f"同时提交的进展 {number}")
    before = events(cluster)
    for page in pages:  # both clicks sent before either server answers
        submit(page)
    outcomes = []
    for page in pages:
        page.wait_for_selector("text=/已记录整改进展。|未写入/", timeout=60_000)
        outcomes.append("written" if page.get_by_text("已记录整改进展。").count() else "refused")
    assert sorted(outcomes) == ["refused", "written"]
    added = events(cluster)[len(before) :]
    winner = outcomes.index("written") + 1
    assert added == [(len(before) + 1, "整改中", f"同时提交的进展 {winner}")]
    loser = pages[outcomes.index("refused")]
    refusal = loser.locator("[data-testid=stAlert]", has_text="未写入")
    assert refusal.count() == 1 and re.search(r"[\u4e00-\u9fff]{10}", refusal.inner_text())
    SHOTS.mkdir(exist_ok=True)
    loser.screenshot(path=str(SHOTS / "cluster_conflict_refused.png"))
    for page in pages:
        page.context.close()


@pytest.mark.browser
@pytest.mark.postgres
def test_a_killed_server_loses_nothing_committed_and_the_next_click_lands_signed_in_on_the_other(
    cluster, chromium
) -> None:
    doomed, survivor = cluster.app_ports
    page = browser_on(chromium, cluster, doomed)
    sign_in(page, cluster)
    open_item(page, cluster)
    fill_progress(page, "服务器停止前提交的进展")
    submit(page)
    page.wait_for_selector("text=已记录整改进展。", timeout=60_000)
    committed = events(cluster)
    open_item(page, cluster)
    fill_progress(page, "服务器停止时填了一半的表单")

    cluster.kill_app(doomed)  # SIGKILL: a crash, no goodbye to the browser
    page.wait_for_timeout(3000)
    assert english_on(page) == []
    submit(page)  # the first click after the loss reaches the survivor through nginx
    page.wait_for_selector("text=与服务器的连接中断过", timeout=60_000)
    assert served_by(page) == survivor
    assert page.get_by_text("退出登录").count() == 1  # still signed in: the session lives in PostgreSQL
    assert events(cluster) == committed  # nothing committed lost; the half-filled form not written, and said so
    assert english_on(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "cluster_after_failover.png"))

    fill_progress(page, "换到另一台服务器后重新提交")  # and the user carries on there
    submit(page)
    page.wait_for_selector("text=已记录整改进展。", timeout=60_000)
    assert events(cluster)[-1][1:] == ("整改中", "换到另一台服务器后重新提交")
    page.context.close()


@pytest.mark.browser
@pytest.mark.postgres
def test_with_every_server_down_the_connection_dialog_is_chinese(cluster, chromium) -> None:
    (last,) = [port for port in cluster.app_ports if str(port) in cluster.pids]  # the previous test killed one
    page = browser_on(chromium, cluster, last)
    sign_in(page, cluster)
    cluster.kill_app(last)
    page.wait_for_selector("[role=dialog]", timeout=60_000)
    page.wait_for_timeout(500)
    dialog = page.locator("[role=dialog]").inner_text()
    assert "连接中断" in dialog and "正在自动重新连接" in dialog
    assert not re.search(r"[A-Za-z]{4,}", dialog), dialog  # no English word left (the close button is an icon)
    assert english_on(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "cluster_every_server_down.png"))
    page.context.close()
