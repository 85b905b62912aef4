"""Whatever people type - a name, a session's title or place, feedback, a report, an agenda item,
a text - reaches Slack as plain words: `<!channel>` pings nobody, `<@U…>` mentions nobody, and a
disguised link stays text, in the blocks and in the `text` that notifications and screen
readers read. Every notice is drawn with hostile words in every typed field, and every call the
app made to Slack is searched."""

from __future__ import annotations

import json
from datetime import time, timedelta

from bot.rules.feedback import FeedbackForm
from bot.rules.feedback_words import FeedbackKind, FeedbackTopic
from bot.rules.incidents import IncidentForm, IncidentKind, Severity
from bot.rules.meetings import MeetingDraft, MeetingKind
from bot.rules.sessions import SessionDraft, SessionKind
from bot.wiring import Runtime
from tests.conftest import FakeClock, SlackDriver

HOSTILE = "<!channel> <@U0EVIL99> <https://evil.example|click here> & <b>"
RAW = ("<!channel>", "<@U0EVIL99>", "<https://evil.example", "<b>")
KIM = "U0KIMNAS1"
COORDINATOR, LEAD = "U0COORD01", "U0SAFEG05"


def every_call(slack: SlackDriver) -> str:
    calls = [c.params for c in slack.fake.calls]
    return json.dumps(calls) + json.dumps([r.params for r in slack.fake.responses])


def test_typed_words_never_become_mentions_or_links_anywhere(
    members: Runtime, clock: FakeClock, slack: SlackDriver
) -> None:
    services = members.services
    services.members.import_csv(
        "name,slack_user_id,phone,roles,contact,sms_consent,induction\n"
        f'"Kim {HOSTILE}",{KIM},07700 900177,facilitator,both,yes,boundaries_training\n')
    kim = next(m.id for m in services.members.list_members() if m.slack_user_id == KIM)
    day = (clock.now + timedelta(hours=30)).date()

    # Meetings: an invitation to everyone, an agenda item, and the week-before reminder that
    # carries the agenda so far.
    [meeting] = services.meetings.create(None, MeetingDraft(
        title=f"Forum {HOSTILE}", kind=MeetingKind.FORUM, day=day + timedelta(days=6),
        start_time=time(18, 0), end_time=time(20, 0), place=f"Hall {HOSTILE}",
        channel="C0HOSTILE"))
    services.meetings.add_agenda_item(KIM, meeting.id, f"Item {HOSTILE}", anonymous=False)
    clock.advance(hours=9)  # the reminder a week before falls due
    services.reminders.send_due()
    # Sessions: the card, a late release, the call for cover and the coordinators' alert.
    [group] = services.sessions.create(None, SessionDraft(
        title=f"Group {HOSTILE}", kind=SessionKind.PEER_GROUP, day=day, start_time=time(18, 0),
        end_time=time(20, 0), place=f"Room {HOSTILE}", channel="C0HOSTILE"))
    services.rota.claim(group.id, KIM)
    services.rota.release(group.id, KIM, confirmed=True)
    services.rota.send_coverage_alerts()
    # Feedback, a team reply; an incident naming Kim; a text Kim sent us.
    case = services.feedback.submit(FeedbackForm(
        FeedbackKind.COMPLAINT, FeedbackTopic.SERVICE, f"Words {HOSTILE}", anonymous=False),
        KIM)
    services.feedback.reply_from_team(case.case_id, COORDINATOR, f"Reply {HOSTILE}")
    services.incidents.report(IncidentForm(
        IncidentKind.BOUNDARY, Severity.SERIOUS, f"Report {HOSTILE}", danger=False,
        involved_member_ids=(kim,)), "U0MEMBR06")
    services.texting.receive("+447700900177", f"Text {HOSTILE}")
    members.dispatcher().deliver_due()
    # What people see when they look: lists and App Home.
    for user in (KIM, COORDINATOR, LEAD):
        slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    answers = [slack.command("/sessions", "", user_id=KIM).body,
               slack.command("/meetings", "", user_id=COORDINATOR).body]
    slack.settle()

    seen = every_call(slack) + json.dumps(answers)
    for words in ("Kim", "Group", "Room", "Forum", "Hall", "Item", "Words", "Reply", "Report",
                  "Text"):
        assert words in seen, words
    for raw in RAW:
        assert raw not in seen, raw
    assert "&lt;!channel&gt;" in seen  # shown, as words


def test_a_long_escaped_title_never_breaks_slacks_limit_on_a_confirm_dialog(
    members: Runtime, clock: FakeClock, slack: SlackDriver
) -> None:
    # Each "&" becomes "&amp;" once escaped: 30 of them in a 150-character title would take
    # the Cancel dialog's words past the 300 Slack allows, and Slack would refuse the list.
    title = ("Tea & " * 25)[:150].strip()
    members.services.meetings.create(COORDINATOR, MeetingDraft(
        title=title, kind=MeetingKind.COMMUNITY, day=(clock.now + timedelta(days=9)).date(),
        start_time=time(18, 0), end_time=time(20, 0), place="Hope Centre hall"))
    listed = slack.payload(slack.command("/meetings", "", user_id=COORDINATOR))
    [asked] = [element["confirm"] for block in listed["blocks"]
               for element in block.get("elements", []) if "confirm" in element]
    words = asked["text"]["text"]
    assert len(words) <= 300
    assert words.startswith("*Tea &amp; Tea &amp;")  # the name, escaped, cut short
    assert words.endswith("…") and "&am…" not in words and "&…" not in words
