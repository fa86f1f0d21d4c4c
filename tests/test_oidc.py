"""统一身份认证 end to end: a local OIDC provider (oidc-provider-mock) started by the test, Streamlit's st.login
against it, and the provider's custom claims becoming a league user limited to its league."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from auth import store
from tests.conftest import ARGS, CHROMIUM, ROOT, copy_database
from tests.test_browser import free_port

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
SHOTS = ROOT / "screenshots"
CLAIMS = {"ledger_role": "league", "ledger_league": "150200", "name": "包头市统一认证用户"}


def wait_for(url: str, seconds: float = 30) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"{url} did not answer within {seconds} s")


def test_a_user_signs_in_through_the_identity_provider_and_its_league_claim_limits_the_view(
    demo_db: Path, tmp_path: Path
) -> None:
    pytest.importorskip("oidc_provider_mock")
    playwright = pytest.importorskip("playwright.sync_api")
    db = copy_database(demo_db, tmp_path / "db")
    idp_port, app_port = free_port(), free_port()
    idp = f"http://127.0.0.1:{idp_port}"
    app = f"http://127.0.0.1:{app_port}"
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{app}/oauth2callback"\n'
        'cookie_secret = "a-test-secret-that-is-long-enough-0123456789"\n'
        'client_id = "ledger-dashboard"\n'
        'client_secret = "test-client-secret"\n'
        f'server_metadata_url = "{idp}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    provider = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(idp_port),
         "--user-claims", json.dumps({"sub": "bt-oidc", **CLAIMS}, ensure_ascii=False)],
        **quiet,
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port",
         str(app_port), "--server.address", "127.0.0.1", "--secrets.files", str(secrets)],
        cwd=ROOT, env={**os.environ, "LEDGER_DB": str(db)}, **quiet,
    )  # fmt: skip
    try:
        wait_for(f"{idp}/.well-known/openid-configuration")
        wait_for(f"{app}/_stcore/health")
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{app}/?league=150400")
            page.get_by_role("button", name="统一身份认证登录").click()
            page.wait_for_url(f"{idp}/**", timeout=30_000)
            page.get_by_role("button", name="bt-oidc").click()
            page.wait_for_url(f"{app}/**", timeout=30_000)
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
            page.wait_for_timeout(1500)
            SHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOTS / "oidc_signed_in.png"))
            body = page.inner_text("body")
            assert "包头市统一认证用户（盟市工信局）" in body
            assert "全区 › 包头市" in page.inner_text("[data-testid=stMain]")
            assert "赤峰市" not in body
            browser.close()
    finally:
        server.terminate()
        provider.terminate()
        server.wait(timeout=10)
        provider.wait(timeout=10)
    signed_in = store.audit_rows(store.auth_path(db), action="sign_in", username="oidc:bt-oidc")
    assert signed_in and signed_in[0]["detail"] == "统一身份认证" and signed_in[0]["scope"] == "150200"
