"""The sandbox page in a real browser (Debian's chromium, driven by Playwright): a member
sends feedback, the coordinator sees it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.sandbox.server import Sandbox
from tests.conftest import ServerThread
from tests.test_sandbox import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (make test "
                                                         "installs it where it can)")
BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture
def sandbox_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.chdir(tmp_path)
    port = free_port()
    box = Sandbox(load_settings(env_file=None), port)
    box.seed()
    box.scheduler.start()
    with ServerThread(box.wsgi, port=port, threads=16):
        yield f"http://127.0.0.1:{port}/"
    box.scheduler.shutdown(wait=False)
    box.runtime.engine.dispose()


def test_feedback_from_a_member_reaches_the_coordinator_in_the_browser(
    sandbox_url: str, tmp_path: Path
) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(sandbox_url)
        page.wait_for_selector("#who option", state="attached")
        page.select_option("#who", "U0FINR006")  # Fin, a member
        page.fill("#line", "/feedback The Tuesday group really helps")
        page.press("#line", "Enter")
        page.wait_for_selector("#overlay >> text=Feedback")
        page.select_option("#in-feedback_kind", "compliment")
        page.wait_for_selector("text=You may share this anonymously as a testimony")
        page.select_option("#in-feedback_topic", "session")
        page.check("input[name=in-feedback_identity][value=named]")
        page.wait_for_selector("text=A confidential meeting to talk it through")
        assert page.input_value("#in-feedback_text") == "The Tuesday group really helps"
        page.click("#mSubmit")
        page.wait_for_selector("#modal >> text=Your case code is")
        page.screenshot(path=str(tmp_path / "feedback-sent.png"))
        page.click("#mClose")

        page.select_option("#who", "U0ADA0001")  # Ada, the coordinator
        page.click("text=Coprod (app DM)")
        page.wait_for_selector("#feed >> text=The Tuesday group really helps", timeout=15000)
        page.wait_for_selector("#feed >> text=Acknowledge")
        page.screenshot(path=str(tmp_path / "coordinator-sees-it.png"))
        browser.close()
    assert (tmp_path / "coordinator-sees-it.png").stat().st_size > 10_000
