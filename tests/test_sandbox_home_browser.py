"""App Home's buttons in the sandbox page, in a real browser (Debian's chromium, driven by
Playwright, skipped as tests/test_sandbox_browser.py is when either is missing): Change opens
the profile form, and Going is taken, Home shows the answer and it comes as a DM."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests import test_sandbox_browser as browser

pytestmark = browser.pytestmark
# The sandbox and the browser, as the other browser tests have them.
sandbox = browser.sandbox
sandbox_url = browser.sandbox_url
browser_page = browser.browser_page

FIN = "U0FINR006"  # a member, invited to the seeded forum


def test_home_buttons_work_in_the_page(sandbox_url: str, browser_page: Any,
                                       tmp_path: Path) -> None:
    page = browser_page
    page.goto(sandbox_url)
    page.wait_for_selector("#who option", state="attached")
    page.select_option("#who", FIN)
    page.click("nav >> text=Coprod Home")
    page.wait_for_selector("#feed >> text=How we reach you")

    page.locator("#feed .block", has_text="How we reach you").get_by_role(
        "button", name="Change").click()
    page.wait_for_selector("#overlay >> h3:has-text('How we reach you')", timeout=15000)
    page.click("#mClose")

    forum = page.locator("#feed .block", has_text="Winter service-user forum")
    forum.get_by_text("You haven't said yet").wait_for()
    page.locator("#feed .block.actions").filter(
        has=page.get_by_role("button", name="Going")).first.get_by_role(
        "button", name="Going").click()
    page.locator("#feed .block", has_text="Winter service-user forum").get_by_text(
        "You're going").wait_for(timeout=15000)
    page.screenshot(path=str(tmp_path / "home-going.png"))

    page.click("nav >> text=Coprod (app DM)")
    page.wait_for_selector("#feed >> text=you're down for Winter service-user forum")
