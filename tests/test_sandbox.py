"""The sandbox: the real bot behind a stand-in for Slack, driven through the page's API."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import load_settings
from bot.sandbox.server import Sandbox
from tests.conftest import ServerThread

ADA, BRAM, CLEO, FIN = "U0ADA0001", "U0BRAM002", "U0CLEO003", "U0FINR006"
ESME = "U0ESME004"  # the safeguarding lead


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Page:
    """What the sandbox page does, as plain HTTP calls."""

    def __init__(self, url: str, box: Sandbox) -> None:
        self.url = url
        self.box = box

    def call(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method="POST" if data
                                         else "GET",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            return {"status": error.code, "body": error.read().decode()}
        return json.loads(text) if text.startswith(("{", "[")) else text

    def state(self, user: str) -> dict[str, Any]:
        return self.call(f"/sandbox/state?user={user}")

    def deliver(self) -> None:
        self.box.runtime.dispatcher().deliver_due()

    def messages(self, user: str, channel: str | None = None) -> list[dict[str, Any]]:
        return [m for m in self.state(user)["messages"]
                if channel is None or m["channel"] == channel]


@pytest.fixture
def page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Page]:
    monkeypatch.chdir(tmp_path)
    port = free_port()
    box = Sandbox(load_settings(env_file=None), port)
    box.seed()
    with ServerThread(box.wsgi, port=port, threads=16):
        yield Page(f"http://127.0.0.1:{port}", box)
    box.runtime.engine.dispose()


def test_the_page_is_served_and_uses_its_own_database(page: Page, tmp_path: Path) -> None:
    html = page.call("/")
    assert "<title>Coprod sandbox</title>" in html
    assert (tmp_path / "coprod-sandbox.db").exists()
    assert not (tmp_path / "coprod.db").exists()
    people = {m["name"]: m for m in page.state(ADA)["members"]}
    assert "Dev Patel" in people and people["Dev Patel"]["contact"] == "sms"


def test_the_stand_in_answers_in_slacks_shapes(page: Page) -> None:
    posted = page.call("/api/chat.postMessage", {"channel": "C0GENERAL", "text": "Hello"})
    assert posted["ok"] is True and posted["channel"] == "C0GENERAL"
    assert set(posted["message"]) >= {"type", "text", "ts"}
    updated = page.call("/api/chat.update", {"channel": "C0GENERAL", "ts": posted["ts"],
                                             "text": "Hello again"})
    assert updated == {"ok": True, "channel": "C0GENERAL", "ts": posted["ts"],
                       "text": "Hello again"}
    assert page.call("/api/chat.postMessage", {"channel": "C0NOWHERE", "text": "x"}) == {
        "ok": False, "error": "channel_not_found"}
    assert page.call("/api/chat.update", {"channel": "C0GENERAL", "ts": "1.2", "text": "x"})[
        "error"] == "message_not_found"
    assert page.call("/api/views.open", {"trigger_id": "made-up", "view": {}})[
        "error"] == "expired_trigger_id"
    dm = page.call("/api/chat.postMessage", {"channel": FIN, "text": "Hi Fin"})
    assert dm["channel"] == "D0FINR006"
    assert page.call("/api/auth.test", {})["user_id"] == "U0COPROD"
    assert page.call("/api/no.such", {}) == {"ok": False, "error": "unknown_method"}


def test_requests_to_the_bot_are_signed_as_slack_signs_them(page: Page) -> None:
    forged = urllib.request.Request(page.url + "/slack/events", data=b"command=/coprod",
                                    method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(forged, timeout=5)
    assert refused.value.code == 401
    assert page.call("/sandbox/command", {"user": FIN, "channel": "C0GENERAL",
                                          "text": "/coprod help"})["ok"] is True
    [answer] = page.messages(FIN, "C0GENERAL")[-1:]
    assert answer["ephemeral"] and "/coprod whoami" in json.dumps(answer["blocks"])
    assert all(not m["ephemeral"] for m in page.messages(ADA, "C0GENERAL"))  # only Fin's


def values(answers: dict[str, Any]) -> dict[str, Any]:
    """The page's collected form values, as Slack's view.state.values."""
    return {block: {action: state} for block, (action, state) in answers.items()}


def test_anonymous_feedback_reaches_the_coordinator(page: Page) -> None:
    page.call("/sandbox/command", {"user": FIN, "channel": "C0GENERAL",
                                   "text": "/feedback The heating is broken"})
    modal = page.state(FIN)["modal"]
    assert modal["view"]["title"]["text"] == "Feedback"
    answer = values({
        "feedback_kind": ("feedback_kind_chosen", {"type": "static_select",
                                                   "selected_option": {"value": "concern"}}),
        "feedback_topic": ("feedback_topic_chosen", {"type": "static_select",
                                                     "selected_option": {"value": "service"}}),
        "feedback_text": ("feedback_text_typed", {"type": "plain_text_input",
                                                  "value": "The heating is broken"}),
        "feedback_identity": ("feedback_identity_chosen", {
            "type": "radio_buttons", "selected_option": {"value": "anonymous"}}),
    })
    result = page.call("/sandbox/submit", {"user": FIN, "view_id": modal["id"],
                                           "values": answer})
    assert result == {"ok": True, "errors": {}}
    confirmation = page.state(FIN)["modal"]["view"]
    assert "Your case code is" in json.dumps(confirmation)
    page.call("/sandbox/skip", {"hours": 1})
    page.deliver()
    to_ada = [m for m in page.messages(ADA) if m["channel"] == "D0ADA0001"]
    assert any("The heating is broken" in json.dumps(m["blocks"]) for m in to_ada)
    assert FIN not in json.dumps(to_ada)


def test_field_errors_show_in_the_modal(page: Page) -> None:
    page.call("/sandbox/command", {"user": FIN, "channel": "C0GENERAL", "text": "/feedback"})
    modal = page.state(FIN)["modal"]
    result = page.call("/sandbox/submit", {"user": FIN, "view_id": modal["id"], "values": {}})
    assert "feedback_text" in result["errors"]
    assert page.state(FIN)["modal"]["errors"]["feedback_kind"].startswith("Please choose")


def test_two_facilitators_claim_and_the_card_becomes_covered(page: Page) -> None:
    page.deliver()
    [card] = [m for m in page.messages(BRAM, "C0GROUPS") if "Claim a place" in
              json.dumps(m["blocks"])][:1]
    actions = next(b for b in card["blocks"] if b["type"] == "actions")
    claim = next(e for e in actions["elements"] if e["action_id"] == "session_claim")
    for user in (BRAM, CLEO):
        page.call("/sandbox/action", {"user": user, "channel": "C0GROUPS", "ts": card["ts"],
                                      "action": {"action_id": "session_claim",
                                                 "block_id": actions["block_id"],
                                                 "type": "button", "value": claim["value"]}})
    page.deliver()
    updated = next(m for m in page.messages(ADA, "C0GROUPS") if m["ts"] == card["ts"])
    assert "Covered" in json.dumps(updated["blocks"])


def test_the_phone_panel_texts_the_bot_and_shows_the_reply(page: Page) -> None:
    assert page.call("/sandbox/text", {"phone": "+447700900104", "body": "HELP"})["ok"]
    texts = [t for t in page.state(ADA)["texts"] if t["phone"] == "+447700900104"]
    assert [t["direction"] for t in texts] == ["out", "in"]
    assert "999" in texts[1]["body"] and "STOP" in texts[1]["body"]


def test_import_reports_bad_rows(page: Page) -> None:
    result = page.call("/sandbox/import", {
        "csv": "name,slack_user_id,phone,roles,contact,sms_consent\n"
               "Gus Lane,U0GUSL009,,member,slack,no\nBad Row,,,wizard,slack,no\n"})
    assert result["ok"] and result["added"] == 1
    assert result["problems"] and result["problems"][0].startswith("line 3:")


def test_a_form_returned_with_errors_keeps_what_was_typed(page: Page) -> None:
    page.call("/sandbox/command", {"user": FIN, "channel": "C0GENERAL", "text": "/feedback"})
    modal = page.state(FIN)["modal"]
    typed = values({
        "feedback_topic": ("feedback_topic_chosen", {"type": "static_select",
                                                     "selected_option": {"value": "service"}}),
        "feedback_text": ("feedback_text_typed", {"type": "plain_text_input",
                                                  "value": "Three paragraphs of my evening"}),
    })
    result = page.call("/sandbox/submit", {"user": FIN, "view_id": modal["id"],
                                           "values": typed})
    assert "feedback_kind" in result["errors"]
    shown = page.state(FIN)["modal"]
    assert shown["id"] == modal["id"] and shown["values"] == typed  # as Slack keeps them


def test_an_update_keeps_what_was_typed_in_the_inputs_it_keeps(page: Page) -> None:
    page.call("/sandbox/command", {"user": FIN, "channel": "C0GENERAL", "text": "/feedback"})
    modal = page.state(FIN)["modal"]
    typed = values({
        "feedback_kind": ("feedback_kind_chosen", {"type": "static_select",
                                                   "selected_option": {"value": "compliment"}}),
        "feedback_text": ("feedback_text_typed", {"type": "plain_text_input",
                                                  "value": "Typed before choosing"}),
        "no_longer_there": ("gone", {"type": "plain_text_input", "value": "x"}),
    })
    page.call("/sandbox/action", {"user": FIN, "view_id": modal["id"], "values": typed,
                                  "action": {"action_id": "feedback_kind_chosen",
                                             "block_id": "feedback_kind",
                                             "type": "static_select",
                                             "selected_option": {"value": "compliment"}}})
    shown = page.state(FIN)["modal"]
    assert "testimony" in json.dumps(shown["view"])  # the bot redrew the form
    assert shown["values"]["feedback_text"] == typed["feedback_text"]
    assert "no_longer_there" not in shown["values"]


def test_an_unknown_command_is_answered_as_slack_answers_it(page: Page) -> None:
    answer = page.call("/sandbox/command", {"user": FIN, "channel": "C0GENERAL",
                                            "text": "/xyz hello"})
    assert answer == {"ok": False, "error": "not_a_command"}
    [said] = page.messages(FIN, "C0GENERAL")[-1:]
    assert said["user"] == "USLACKBOT" and said["ephemeral"]
    assert said["text"].startswith("/xyz is not a valid command.")
    assert page.state(FIN)["names"]["USLACKBOT"] == "Slackbot"
    assert page.messages(ADA, "C0GENERAL") == []  # only Fin sees it


def test_a_restart_keeps_history_and_a_fresh_database_starts_it_afresh(
    page: Page, tmp_path: Path
) -> None:
    page.call("/sandbox/command", {"user": FIN, "channel": "C0GENERAL",
                                   "text": "/coprod help"})
    page.call("/sandbox/text", {"phone": "+447700900104", "body": "HELP"})
    page.call("/sandbox/skip", {"hours": 24})
    page.deliver()
    before = page.state(FIN)
    assert before["messages"] and (tmp_path / "coprod-sandbox-history.json").exists()
    assert "delete coprod-sandbox.db" in before["reset"]

    again = Sandbox(load_settings(env_file=None), free_port())
    again.seed()
    after = again.state(FIN)
    assert after["messages"] == before["messages"]
    assert after["texts"] == before["texts"]
    assert again.clock.offset.total_seconds() >= 24 * 3600  # the skipped day too
    again.runtime.engine.dispose()

    page.box.runtime.engine.dispose()
    (tmp_path / "coprod-sandbox.db").unlink()
    fresh = Sandbox(load_settings(env_file=None), free_port())
    fresh.seed()
    assert fresh.state(FIN)["messages"] == [] and fresh.state(FIN)["texts"] == []
    assert fresh.clock.offset.total_seconds() == 0
    assert not (tmp_path / "coprod-sandbox-history.json").exists()
    fresh.runtime.engine.dispose()


# -- files, as Slack takes them: an upload URL, the bytes, then sharing -----------------------
def raw(url: str, data: bytes | None = None) -> tuple[int, bytes, dict[str, str]]:
    """A plain request (no JSON), as the SDK posts an upload and a browser follows a link."""
    request = urllib.request.Request(url, data=data, method="POST" if data is not None
                                     else "GET")
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    """The click on a button, as the page sends it."""
    for block in blocks:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("action_id") == action_id:
                return {"action_id": action_id, "block_id": block.get("block_id"),
                        "type": "button", "value": element.get("value", "")}
    raise AssertionError(f"no {action_id} button in {json.dumps(blocks)[:300]}")


def report_incident(page: Page, words: str) -> None:
    """Bram, a facilitator, reports a serious safeguarding concern; the alert is delivered."""
    page.call("/sandbox/command", {"user": BRAM, "channel": "C0GENERAL", "text": "/incident"})
    form = page.state(BRAM)["modal"]
    field = "incident_field"
    answer = values({
        "incident_danger": ("incident_danger_chosen", {"type": "radio_buttons",
                                                       "selected_option": {"value": "no"}}),
        "incident_kind": (field, {"type": "static_select",
                                  "selected_option": {"value": "safeguarding"}}),
        "incident_severity": (field, {"type": "radio_buttons",
                                      "selected_option": {"value": "serious"}}),
        "incident_what": (field, {"type": "plain_text_input", "value": words}),
    })
    assert page.call("/sandbox/submit", {"user": BRAM, "view_id": form["id"],
                                         "values": answer})["errors"] == {}
    page.deliver()


def open_record(page: Page) -> dict[str, Any]:
    """Esme, the safeguarding lead, opens the record from the alert in her DM."""
    [alert] = [m for m in page.messages(ESME, "D0ESME004") if "Open the record" in
               json.dumps(m["blocks"])][-1:]
    page.call("/sandbox/action", {"user": ESME, "channel": alert["channel"], "ts": alert["ts"],
                                  "action": button(alert["blocks"], "incident_open_record")})
    record: dict[str, Any] = page.state(ESME)["modal"]
    assert record["view"]["title"]["text"].startswith("Incident #")
    return record


def test_export_for_a_referral_shares_the_chronology_as_files_in_the_leads_dm(
    page: Page, tmp_path: Path
) -> None:
    report_incident(page, "A made-up worry about money at home")
    record = open_record(page)
    assert page.call("/sandbox/action", {
        "user": ESME, "view_id": record["id"], "values": {},
        "action": button(record["view"]["blocks"], "incident_export_chronology")})["ok"]

    shared = [m for m in page.messages(ESME, "D0ESME004") if m["files"]]
    assert len(shared) == 1, "the Markdown and the PDF come in one message, as in Slack"
    [message] = shared
    assert message["user"] == "U0COPROD" and "for a referral" in message["text"]
    names = [f["name"] for f in message["files"]]
    assert names == ["incident-1-chronology.md", "incident-1-chronology.pdf"]
    markdown, pdf = message["files"]
    assert markdown["title"] == "Incident #1 chronology (Markdown)" and markdown["size"] > 0

    status, body, headers = raw(f"{page.url}/files/{markdown['id']}/{markdown['name']}"
                                f"?user={ESME}")
    assert status == 200 and b"A made-up worry about money at home" in body
    assert len(body) == markdown["size"]
    assert "attachment" in headers["Content-Disposition"]
    assert raw(f"{page.url}/files/{pdf['id']}/{pdf['name']}?user={ESME}")[1].startswith(b"%PDF")
    # Shared in Esme's DM: nobody else can fetch it, as in Slack.
    assert raw(f"{page.url}/files/{markdown['id']}/{markdown['name']}?user={BRAM}")[0] == 404
    assert all(not m["files"] for m in page.messages(BRAM))

    page.box.runtime.engine.dispose()
    again = Sandbox(load_settings(env_file=None), free_port())  # a restart keeps the file
    kept = again.standin.workspace.uploads.download(markdown["id"], ESME)
    assert kept is not None and kept.content == body
    again.runtime.engine.dispose()


def test_the_stand_in_answers_file_uploads_in_slacks_shapes(page: Page) -> None:
    assert page.call("/api/files.getUploadURLExternal", {"filename": "notes.md"}) == {
        "ok": False, "error": "invalid_arguments"}  # no length
    asked = page.call("/api/files.getUploadURLExternal", {"filename": "notes.md",
                                                          "length": "5"})
    assert asked["ok"] and asked["file_id"].startswith("F")
    assert asked["upload_url"] == f"{page.url}/upload/{asked['file_id']}"  # the sandbox's own
    files = json.dumps([{"id": asked["file_id"], "title": "Notes"}])
    assert page.call("/api/files.completeUploadExternal", {
        "files": files, "channel_id": "C0GENERAL"})["error"] == "file_not_found"  # no bytes yet
    assert raw(f"{page.url}/upload/F00000000", b"hello")[0] == 404  # never given out
    assert raw(asked["upload_url"], b"hello")[:2] == (200, b"OK - 5")
    assert page.call("/api/files.completeUploadExternal", {
        "files": files, "channel_id": "C0NOWHERE"})["error"] == "channel_not_found"
    done = page.call("/api/files.completeUploadExternal", {
        "files": files, "channel_id": "C0GENERAL", "initial_comment": "For the forum"})
    assert done["ok"] and [(f["id"], f["title"]) for f in done["files"]] == [
        (asked["file_id"], "Notes")]
    [message] = [m for m in page.messages(FIN, "C0GENERAL") if m["files"]]
    assert message["text"] == "For the forum" and message["files"][0]["name"] == "notes.md"
    link = f"{page.url}/files/{asked['file_id']}/notes.md?user={FIN}"
    assert raw(link)[:2] == (200, b"hello")  # a public channel: anyone in it
    assert page.call("/api/files.completeUploadExternal", {
        "files": files, "channel_id": "C0GENERAL"})["error"] == "file_not_found"  # once only


def test_a_form_pushed_over_the_record_is_closed_and_the_record_redrawn(page: Page) -> None:
    """Slack tells the app each view's root_view_id, which the bot redraws the record
    through; without it every note left one more copy of the record in the stack, until
    Slack's limit of three refused the next form."""
    report_incident(page, "A made-up worry, noted three times")
    record = open_record(page)
    for n in range(3):
        page.call("/sandbox/action", {
            "user": ESME, "view_id": record["id"], "values": {},
            "action": button(record["view"]["blocks"], "incident_add_note")})
        form = page.state(ESME)["modal"]
        assert form["view"]["title"]["text"].startswith("Note on"), n
        note = values({"incident_note": ("incident_field", {
            "type": "plain_text_input", "value": f"Made-up note {n}"})})
        assert page.call("/sandbox/submit", {"user": ESME, "view_id": form["id"],
                                             "values": note})["errors"] == {}
        shown = page.state(ESME)["modal"]
        assert shown["id"] == record["id"], "the record beneath, not a copy on top"
        assert f"Made-up note {n}" in json.dumps(shown["view"])
        record = shown
    assert len(page.box.standin.workspace.modals[ESME]) == 1


def test_the_page_says_how_to_run_the_exports_on_the_sandboxs_data(page: Page,
                                                                   tmp_path: Path) -> None:
    words = page.state(FIN)["cli"]
    assert f"DATABASE_URL=sqlite:///{tmp_path / 'coprod-sandbox.db'}" in words
    assert f'COPROD_DATA_KEY="$(cat {tmp_path / "coprod-sandbox.key"})"' in words
    assert "--until" not in words  # the sandbox is on today
    page.call("/sandbox/skip", {"hours": 48})
    ahead = page.box.clock().astimezone(page.box.settings.timezone).date()
    assert f"add --until {ahead.isoformat()}" in page.state(FIN)["cli"]


def profile_answer(contact: str, reading: str, agreed: bool = False) -> dict[str, Any]:
    """The profile form's values, as the page sends them (what it showed chosen, too)."""
    answer = values({
        "profile_contact": ("profile_field", {"type": "radio_buttons",
                                              "selected_option": {"value": contact}}),
        "profile_reading": ("profile_field", {"type": "radio_buttons",
                                              "selected_option": {"value": reading}}),
        "profile_quiet_from": ("profile_field", {"type": "static_select",
                                                 "selected_option": {"value": "none"}})})
    if agreed:
        answer |= values({"profile_agreed": ("profile_field", {
            "type": "checkboxes", "selected_options": [{"value": "agreed"}]})})
    return answer


def test_switching_to_easy_read_changes_the_next_message_in_slack_and_by_text(
    page: Page
) -> None:
    # Fin switches himself; the answer is already in easy read.
    page.call("/sandbox/command", {"user": FIN, "channel": "C0GENERAL",
                                   "text": "/coprod profile"})
    form = page.state(FIN)["modal"]
    assert form["view"]["title"]["text"] == "How we reach you"
    saved = page.call("/sandbox/submit", {"user": FIN, "view_id": form["id"],
                                          "values": profile_answer("slack", "easy_read")})
    assert saved["errors"] == {}
    assert "They are in easy read." in json.dumps(page.state(FIN)["modal"]["view"])

    # Ada sets Dev (texts only) to easy read, as Dev agreed.
    page.call("/sandbox/command", {"user": ADA, "channel": "C0GENERAL",
                                   "text": "/coprod profile Dev Patel"})
    form = page.state(ADA)["modal"]
    assert page.call("/sandbox/submit", {"user": ADA, "view_id": form["id"],
                                         "values": profile_answer("sms", "easy_read", agreed=True)}
                     )["errors"] == {}
    # Texts wait for the daytime: go on to the next noon, when they may go.
    local = page.box.clock().astimezone(page.box.settings.timezone)
    noon = local.replace(hour=12, minute=0, second=0, microsecond=0)
    noon += timedelta(days=1) if noon <= local else timedelta(0)
    page.call("/sandbox/skip", {"hours": (noon - local).total_seconds() / 3600})
    page.deliver()
    dev = [t["body"] for t in page.state(ADA)["texts"] if t["phone"] == "+447700900104"]
    assert any("Ada Brightwater changed how we send you messages." in t for t in dev)

    # Three days on, the forum's week-ahead reminder reaches both in easy read; Bram, who
    # chose nothing, gets the standard one.
    page.call("/sandbox/skip", {"hours": 72})
    page.box.runtime.services.reminders.send_due()
    page.deliver()
    [fin] = [m for m in page.messages(FIN, "D0FINR006") if "forum" in json.dumps(m)][-1:]
    assert "Can you come? Tap Going or Can't make it." in json.dumps(fin["blocks"])
    [bram] = [m for m in page.messages(BRAM, "D0BRAM002") if "Agenda so far" in
              json.dumps(m)][-1:]
    assert "Tap Going" not in json.dumps(bram["blocks"])
    dev = [t["body"] for t in page.state(ADA)["texts"] if t["phone"] == "+447700900104"]
    assert "Can you come? Reply YES or NO." in dev[-1]
