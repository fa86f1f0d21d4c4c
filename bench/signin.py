"""Benchmark (not a test): many people pressing 登录 at the same moment, each in its own chromium context, on a
fresh server on loopback, each then viewing two more pages. Reports sign-ins per second, the seconds from the
click to the page asked for, and every error (系统出错 on a page, a refusal, a timeout, "database is locked" in
the server's log).

`python -m bench.signin [--users 25] [--db PATH] [--label after]`; without --db it builds a demo database in a
temporary folder. Every run is bounded (a timeout per step) and appended to bench/results/signin.json."""

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PASSWORD = "Bench-signin-2026"
LINK = "progress?asof=2022-12-31"  # scene 1's shared link, opened signed out
VIEWS = ("?asof=2023-06-08", "ledgers?asof=2023-06-08")  # the page views after signing in
STEP_MS = 300_000  # no step waits longer than this: the benchmark always ends
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accounts(db: Path, users: int) -> list[str]:
    """bench-01 … as leaders in the accounts file beside db (made once; the hash takes a tenth of a second)."""
    from auth import store

    path = store.auth_path(db)
    have = {row["username"] for row in store.list_users(path)}
    names = [f"bench-{n:02d}" for n in range(1, users + 1)]
    for name in names:
        if name not in have:
            store.add_user(path, name, PASSWORD, "leader", display_name=f"压力测试 {name}", by="bench")
    return names


def start_server(db: Path, log: Path, cwd: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1"]  # fmt: skip
    env = {**os.environ, "LEDGER_DB": str(db)}
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read() == b"ok":
                return process, url
        except OSError:
            time.sleep(0.25)
    process.terminate()
    raise RuntimeError("the app did not become healthy within 60 s")


async def one_user(page, name: str, url: str, clicked: float, heading: str) -> dict:
    """Press 登录 (already filled in), wait for the linked page, then view two more pages."""
    result: dict = {"user": name, "error": None, "signed_in_s": None, "page_s": None, "views": 0}
    try:
        await page.get_by_role("button", name="登录").click()
        signed = page.get_by_role("button", name="退出登录")  # the sidebar, drawn by app.py before the page
        problem = page.locator("[data-testid=stAlert]", has_text="系统出错")
        refused = page.get_by_text("用户名或密码不正确")
        await signed.or_(problem).or_(refused).first.wait_for(timeout=STEP_MS)
        if not await signed.count():
            result["error"] = (await page.locator("[data-testid=stAlert]").first.inner_text())[:120]
            return result
        result["signed_in_s"] = round(time.perf_counter() - clicked, 2)
        landed = page.locator("h1", has_text=heading)
        await landed.or_(problem).first.wait_for(timeout=STEP_MS)
        if await problem.count():
            result["error"] = "系统出错 on the linked page"
            return result
        result["page_s"] = round(time.perf_counter() - clicked, 2)
        for view in VIEWS:
            await page.goto(f"{url}/{view}", timeout=STEP_MS)
            drawn = page.locator("[data-testid=stMetric], [data-testid=stDataFrame]").first
            await drawn.or_(problem).first.wait_for(timeout=STEP_MS)
            if await problem.count():
                result["error"] = f"系统出错 on {view}"
                return result
            result["views"] += 1
    except Exception as error:  # a timeout or a closed page: counted as this user's error
        result["error"] = f"{type(error).__name__}: {str(error).splitlines()[0][:120]}"
    return result


async def press_together(url: str, names: list[str], link: str) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            pages = []
            for start in range(0, len(names), 5):  # open the link five at a time: the click is what is measured
                batch = [await (await browser.new_context(viewport={"width": 1366, "height": 900})).new_page()
                         for _ in names[start : start + 5]]  # fmt: skip
                await asyncio.gather(*(pg.goto(f"{url}/{link}", timeout=STEP_MS) for pg in batch))
                await asyncio.gather(*(pg.get_by_label("用户名").wait_for(timeout=STEP_MS) for pg in batch))
                pages += batch
            for page, name in zip(pages, names, strict=True):
                await page.get_by_label("用户名").fill(name)
                await page.get_by_label("密码").fill(PASSWORD)
            warm = await (await browser.new_context()).new_page()  # a meeting's server has drawn its pages before
            await warm.goto(f"{url}/{link}", timeout=STEP_MS)
            await warm.get_by_label("用户名").fill(names[0])
            await warm.get_by_label("密码").fill(PASSWORD)
            await warm.get_by_role("button", name="登录").click()
            await warm.locator("[data-testid=stMetric], .js-plotly-plot").first.wait_for(timeout=STEP_MS)
            await warm.context.close()
            clicked = time.perf_counter()
            heading = "整治进度" if link.startswith("progress") else "总览"
            users = await asyncio.gather(
                *(one_user(pg, n, url, clicked, heading) for pg, n in zip(pages, names, strict=True))
            )
            return {"users": users, "seconds": time.perf_counter() - clicked}
        finally:
            await browser.close()


def store_burst(db: Path, names: list[str]) -> dict:
    """The accounts file alone: every user signs in at once from a thread of its own, then checks its session
    five times (page views), as the app's sessions do; sign-ins per second and errors."""
    import threading

    from auth import store

    path, errors, done = store.auth_path(db), [], []
    start = threading.Barrier(len(names) + 1)

    def user(name: str) -> None:
        start.wait()
        try:
            token = store.authenticate(path, name, PASSWORD, store.has_real_admin(path) is False).token
            for _ in range(5):
                assert store.resume(path, token, True).user is not None
            done.append(time.perf_counter())
        except Exception as error:  # counted
            errors.append(repr(error)[:120])

    threads = [threading.Thread(target=user, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = max(done) - began if done else 0.0
    return {"signed_in": len(done), "errors": len(errors), "seconds": round(seconds, 2),
            "sign_ins_per_second": round(len(done) / seconds, 1) if seconds else 0.0}  # fmt: skip


def spread(seconds: list[float]) -> dict | None:
    ordered = sorted(seconds)
    return {"min": ordered[0], "median": ordered[len(ordered) // 2], "max": ordered[-1]} if ordered else None


def measure(db: Path, users: int, cwd: Path = ROOT, link: str = LINK) -> dict:
    names = accounts(db, users)
    burst = store_burst(db, names) if cwd == ROOT else None  # this process's accounts code: only for this tree
    log = db.with_name("server.log")
    process, url = start_server(db, log, cwd)
    try:
        run = asyncio.run(press_together(url, names, link))
    finally:
        process.terminate()
        process.wait(timeout=20)
    server_log = log.read_text(encoding="utf-8", errors="replace")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "signin_server.log").write_text(server_log, encoding="utf-8")  # the last run's server output
    done = [u["signed_in_s"] for u in run["users"] if u["signed_in_s"] is not None]
    landed = [u["page_s"] for u in run["users"] if u["page_s"] is not None]
    errors = [u for u in run["users"] if u["error"]]
    return {
        "link": f"/{link}",
        "users": users,
        "signed_in": len(done),
        "errors": len(errors),
        "error_samples": [f"{u['user']}: {u['error']}" for u in errors[:5]],
        "sign_ins_per_second": round(len(done) / max(done), 2) if done else 0.0,
        "click_to_signed_in_s": spread(done),
        "click_to_linked_page_s": spread(landed),
        "page_views_after": sum(u["views"] for u in run["users"]),
        "server_retries_busy": server_log.count("accounts file busy"),  # waited, retried, went on
        "server_database_locked_errors": server_log.count("database is locked")
        - server_log.count("accounts file busy"),
        "server_unexpected_errors": server_log.count("unexpected error") + server_log.count("Uncaught app exec"),
        "seconds": round(run["seconds"], 1),
        "accounts_file_alone": burst,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="同时登录的压力测试（本机回环，有界）")
    parser.add_argument("--users", type=int, default=25)
    parser.add_argument("--db", type=Path, help="数据库（测其副本）；不给则生成演示数据库")
    parser.add_argument("--label", default="current", help="结果的标签，如 before / after")
    parser.add_argument("--app", type=Path, default=ROOT, help="运行哪份代码（app.py 所在目录）")
    parser.add_argument("--link", default=LINK, help="未登录时打开的链接（不含开头的 /），默认整治进度的分享链接")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ledger.duckdb"
        if args.db:
            from tests.conftest import copy_database

            db = copy_database(args.db, Path(tmp))
        else:
            from auth.store import auth_path, seed_demo_accounts
            from ledger.demo import build_demo

            build_demo(db)
            seed_demo_accounts(auth_path(db))
        measured = measure(db, args.users, args.app, args.link)
    result = {"label": args.label, "at": time.strftime("%Y-%m-%d %H:%M:%S"), **measured}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / "signin.json"
    runs = json.loads(target.read_text(encoding="utf-8")) if target.exists() else []
    target.write_text(json.dumps([*runs, result], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
