"""The sandbox page in a real browser (Debian's chromium, driven by Playwright): a member
sends feedback, the coordinator sees it; a form keeps what was typed; an SMS-only member
answers two invitations by text; one involvement opportunity goes from posting to the
finance export."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli_involvement import involvement_cli
from bot.config import load_settings
from bot.rules.meetings import MeetingDraft, MeetingKind
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


DEV_PHONE, ESME_PHONE = "+447700900104", "+447700900105"


def weekday_morning(box: Sandbox) -> timedelta:
    """How far to skip so the sandbox's clock reads 11:00 on a weekday: texts are not held
    for quiet hours, whenever the test runs."""
    now = box.clock().astimezone(box.settings.timezone)
    day = now.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(11, 0), tzinfo=box.settings.timezone) - now


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Sandbox]]:
    monkeypatch.chdir(tmp_path)
    port = free_port()
    box = Sandbox(load_settings(env_file=None), port)
    box.clock.offset = weekday_morning(box)
    box.seed()
    yield f"http://127.0.0.1:{port}/", box
    box.scheduler.shutdown(wait=False)
    box.runtime.engine.dispose()


@pytest.fixture
def sandbox_url(sandbox: tuple[str, Sandbox]) -> Iterator[str]:
    url, box = sandbox
    box.scheduler.start()
    with ServerThread(box.wsgi, port=int(url.rsplit(":", 1)[1].strip("/")), threads=16):
        yield url


@pytest.fixture
def browser_page() -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        yield browser.new_page(viewport={"width": 1400, "height": 900})
        browser.close()


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


def test_the_page_keeps_typed_words_follows_the_phone_and_answers_unknown_commands(
    sandbox_url: str, browser_page: Any, tmp_path: Path
) -> None:
    page = browser_page
    page.goto(sandbox_url)
    page.wait_for_selector("#who option", state="attached")
    page.select_option("#who", "U0FINR006")  # Fin, a member, without a phone
    page.fill("#line", "/xyz hello")
    page.press("#line", "Enter")
    page.wait_for_selector("#feed >> text=/xyz is not a valid command")
    assert page.inner_text("#feed .msg.slackbot .who") == "Slackbot"

    page.fill("#line", "/feedback")
    page.press("#line", "Enter")
    page.wait_for_selector("#overlay >> text=Feedback")
    page.fill("#in-feedback_text", "Three paragraphs of my evening")
    page.select_option("#in-feedback_topic", "session")  # the bot redraws the form
    page.click("#mSubmit")  # no kind chosen: the form comes back with an error
    page.wait_for_selector("#modal .err")
    assert page.input_value("#in-feedback_text") == "Three paragraphs of my evening"
    assert page.input_value("#in-feedback_topic") == "session"
    page.click("#mClose")

    page.select_option("#who", "U0ESME004")  # Esme has a phone: the panel follows her
    page.wait_for_function(f"document.getElementById('phoneWho').value === '{ESME_PHONE}'")
    page.select_option("#phoneWho", DEV_PHONE)
    link = "https://example.org/" + "a-very-long-path-without-spaces" * 8
    page.fill("#textBody", link)
    page.press("#textBody", "Enter")
    bubble = page.wait_for_selector(f"#texts .bubble.out >> text={link[:40]}")
    assert bubble is not None
    assert bubble.evaluate("b => b.scrollWidth <= b.clientWidth")  # wrapped, not overflowing
    assert "delete coprod-sandbox.db" in page.inner_text("#reset")
    page.screenshot(path=str(tmp_path / "rough-edges.png"))


def test_an_sms_only_member_answers_two_invitations_by_text(
    sandbox: tuple[str, Sandbox], browser_page: Any, tmp_path: Path
) -> None:
    url, box = sandbox
    tz = box.settings.timezone
    today = box.clock().astimezone(tz).date()
    meetings = box.runtime.services.meetings
    for seeded in meetings.upcoming_for("U0ADA0001"):  # two invitations, no more
        meetings.cancel("U0ADA0001", seeded.id)
    # Set up by Ada, the coordinator, a week and a day ahead: their first reminders (the
    # invitations, if saving them has not sent them already) fall due a day from now.
    for title, kind, starts in (("Community meeting", MeetingKind.COMMUNITY, time(9, 30)),
                                ("Spring forum", MeetingKind.FORUM, time(10, 30))):
        meetings.create("U0ADA0001", MeetingDraft(
            title=title, kind=kind, day=today + timedelta(days=8), start_time=starts,
            end_time=time(starts.hour + 1, 0), place="Hope Centre hall", channel="C0FORUM"))
    box.scheduler.start()
    page = browser_page
    with ServerThread(box.wsgi, port=int(url.rsplit(":", 1)[1].strip("/")), threads=16):
        page.goto(url)
        page.wait_for_selector("#who option", state="attached")
        page.select_option("#phoneWho", DEV_PHONE)  # Dev Patel: texts only
        page.click("text=Skip 1 day")
        page.wait_for_selector("#texts >> text=Service-user forum on", timeout=15000)
        page.wait_for_selector("#texts >> text=Community meeting on")

        page.fill("#textBody", "YES")
        page.press("#textBody", "Enter")
        question = page.wait_for_selector("#texts >> text=Which is your YES for?")
        assert question is not None
        words = question.inner_text()
        assert "Reply 1 for Community meeting" in words
        assert ", 2 for Service-user forum" in words and "3 for" not in words

        page.fill("#textBody", "1")
        page.press("#textBody", "Enter")
        page.wait_for_selector("#texts >> text=Thanks, you're down for the community meeting")

        page.fill("#line", "/meetings")  # Ada, the coordinator, is picked at the start
        page.press("#line", "Enter")
        listed = page.locator("#feed .block", has_text="Going (")  # the coordinator's view
        listed.filter(has_text="Community meeting").wait_for()
        assert "Going (1): Dev Patel" in listed.filter(has_text="Community meeting").inner_text()
        assert "Going (0): nobody yet" in listed.filter(has_text="Spring forum").inner_text()
        page.screenshot(path=str(tmp_path / "dev-answers-by-text.png"))


def as_person(page: Any, slack_id: str) -> None:
    """Pick who you are, and open your DM with the app."""
    page.select_option("#who", slack_id)
    page.click("nav >> text=Coprod (app DM)")
    page.wait_for_selector("nav button.on >> text=Coprod (app DM)")


def test_one_opportunity_from_posting_to_the_finance_export(
    sandbox: tuple[str, Sandbox], sandbox_url: str, browser_page: Any, tmp_path: Path
) -> None:
    _, box = sandbox
    page = browser_page
    page.goto(sandbox_url)
    page.wait_for_selector("#who option", state="attached")

    # Ada, the coordinator, posts it, with a fee agreed in advance.
    as_person(page, "U0ADA0001")
    page.fill("#line", "/involve new")
    page.press("#line", "Enter")
    page.wait_for_selector("#overlay >> text=New opportunity")
    page.select_option("#in-opportunity_kind", "interview_panel")
    page.fill("#in-opportunity_title", "Interview panel for a peer worker")
    page.fill("#in-opportunity_purpose", "Choose the new peer worker with the team.")
    page.fill("#in-opportunity_expected", "Read four applications and sit on the panel.")
    page.fill("#in-opportunity_when_where", "A made-up Thursday morning, Hope Centre")
    page.fill("#in-opportunity_time_needed", "Three hours, plus an hour to read")
    page.check("input[name=in-opportunity_recompense][value=fee]")
    page.fill("#in-opportunity_amount", "45")
    page.select_option("#in-opportunity_contact", "U0ADA0001")
    page.click("#mSubmit")
    page.wait_for_selector("#modal >> text=Interview panel for a peer worker is posted")
    page.click("#mClose")

    # Fin, a member, hears of it and says he's interested.
    as_person(page, "U0FINR006")
    news = page.locator("#feed .msg", has_text="A new way to get involved")
    news.get_by_role("button", name="I'm interested").click(timeout=15000)
    page.wait_for_selector("#feed >> text=Ada Brightwater will be in touch")

    # Ada offers it to him.
    as_person(page, "U0ADA0001")
    interest = page.locator("#feed .msg", has_text="Fin Rowe is interested in")
    interest.get_by_role("button", name="Offer it to them").click(timeout=15000)
    page.wait_for_selector("#feed >> text=The written offer for Interview panel for a peer "
                           "worker has gone to Fin Rowe")

    # Fin accepts the written offer, and chooses to take the payment.
    as_person(page, "U0FINR006")
    offer = page.locator("#feed .msg", has_text="An offer: Interview panel for a peer worker")
    offer.get_by_text("Recompense, agreed in advance: A fee of £45.00").wait_for(timeout=15000)
    offer.get_by_role("button", name="Accept").click()
    offer.get_by_role("button", name="Take it").click()
    offer.get_by_text("Your payment: Take the payment (£45.00)").wait_for()

    # ... and claims the agreed fee.
    page.fill("#line", "/involve claim")
    page.press("#line", "Enter")
    page.wait_for_selector("#overlay >> text=What you're claiming")
    page.select_option("#in-claim_work", label="Interview panel for a peer worker")
    page.check("input[name=in-claim_kind][value=fee]")
    page.fill("#in-claim_amount", "45")
    page.click("#mSubmit")
    page.wait_for_selector("#modal >> text=Your claim of £45.00")
    page.click("#mClose")

    # Ada approves it, saying yes when asked if she's sure (as Slack asks).
    as_person(page, "U0ADA0001")
    page.on("dialog", lambda dialog: dialog.accept())
    claim = page.locator("#feed .msg", has_text="Claim #1 from")
    claim.get_by_role("button", name="Approve").click(timeout=15000)
    claim.get_by_text("Approved, waiting to be paid").wait_for()
    page.screenshot(path=str(tmp_path / "claim-approved.png"))

    # Finance's export, from the sandbox's own database, for the day the sandbox is on (the
    # page says how, and that the sandbox's clock is ahead of today).
    out = tmp_path / "finance.csv"
    day = box.clock().astimezone(box.settings.timezone).date().isoformat()
    hint = page.inner_text("#cli")
    assert f"DATABASE_URL=sqlite:///{tmp_path / 'coprod-sandbox.db'}" in hint
    assert f"--until {day}" in hint
    result = CliRunner(env={"DATABASE_URL": box.settings.database_url,
                            "COPROD_DATA_KEY": box.settings.coprod_data_key,
                            "COPROD_TIMEZONE": box.settings.coprod_timezone}).invoke(
        involvement_cli, ["export", "--out", str(out), "--since", day, "--until", day])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 approved claim(s)" in result.output
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["name"], r["opportunity"], r["kind"], r["amount_gbp"], r["status"],
             r["approved_by"], r["payment_choice"]) for r in rows] == [
        ("Fin Rowe", "Interview panel for a peer worker", "The agreed fee", "45.00", "approved",
         "Ada Brightwater", "take")]


def test_a_button_slack_asks_about_first_is_asked_about_in_the_page(
    sandbox: tuple[str, Sandbox], sandbox_url: str, browser_page: Any
) -> None:
    _, box = sandbox
    meetings = box.runtime.services.meetings
    before = len(meetings.upcoming_for("U0ADA0001"))
    assert before >= 1  # the seeded meetings
    page = browser_page
    page.goto(sandbox_url)
    page.wait_for_selector("#who option", state="attached")
    page.fill("#line", "/meetings")  # Ada, the coordinator, is picked at the start
    page.press("#line", "Enter")
    cancel = page.locator("#feed button", has_text="Cancel meeting").first
    cancel.wait_for()

    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    cancel.click()
    assert asked and asked[0].startswith("Cancel this meeting?")
    assert "everyone invited will be told. This can't be undone." in asked[0]

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#feed button", has_text="Cancel meeting").first.click()
    page.wait_for_selector("#feed >> text=is cancelled; everyone invited is being told.")
    # Only the click that was confirmed cancelled anything.
    assert len(meetings.upcoming_for("U0ADA0001")) == before - 1
