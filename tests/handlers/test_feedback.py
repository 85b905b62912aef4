"""/feedback driven as Slack drives it: signed commands, block actions and view submissions."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.app import create_app
from bot.config import Settings
from bot.rules.feedback import STANDARD_ERRORS
from bot.rules.feedback_words import FeedbackStatus
from bot.wiring import Runtime, build_runtime
from handlers.ids import ActionId, BlockId, OptionValue
from storage.models import FeedbackCase, OutboxMessage
from tests.conftest import FakeClock, SlackDriver
from tests.fakes.slack import FakeSlack

COORDINATOR = "U0COORD01"
HR_OFFICER = "U0HROFF07"
TRUSTEE = "U0TRUST08"
FACILITATOR = "U0FACIL02"
MEMBER = "U0MEMBR06"


def answers(kind: str = "suggestion", topic: str = "service",
            text: str = "Could we have tea at the Tuesday group?",
            identity: str | None = OptionValue.NAMED, **extra: Any) -> dict[str, Any]:
    chosen: dict[str, Any] = {BlockId.FB_KIND: kind, BlockId.FB_TOPIC: topic,
                              BlockId.FB_TEXT: text}
    if identity is not None:
        chosen[BlockId.FB_IDENTITY] = identity
    chosen.update(extra)
    return chosen


def open_form(slack: SlackDriver, user_id: str = FACILITATOR, text: str = "") -> dict[str, Any]:
    response = slack.command("/feedback", text, user_id=user_id)
    assert response.status == 200
    return slack.opened_view()


def form_with(slack: SlackDriver, user_id: str, **chosen: Any) -> dict[str, Any]:
    """The form as it looks after the choices that change it (each one redraws it)."""
    view = open_form(slack, user_id)
    picked: dict[str, Any] = {}
    for block_id, value in chosen.items():
        picked[block_id] = value
        slack.choose(view, picked, block_id, user_id=user_id)
        update = slack.fake.calls_to("views.update")[-1].params
        redrawn = json.loads(update["view"]) if isinstance(update["view"], str) else update["view"]
        view = {**redrawn, "id": view["id"]}  # the same modal, redrawn in place
    return view


def submit(slack: SlackDriver, user_id: str = FACILITATOR, **kwargs: Any) -> dict[str, Any]:
    chosen = answers(**kwargs)
    redraw = {k: chosen[k] for k in (BlockId.FB_KIND, BlockId.FB_TOPIC, BlockId.FB_IDENTITY)
              if k in chosen}
    view = form_with(slack, user_id, **redraw)
    response = slack.submit(view, chosen, user_id=user_id)
    assert response.status == 200
    return json.loads(response.body) if response.body else {}


def deliver(runtime: Runtime, clock: FakeClock) -> None:
    """Lets the next delivery round (anonymous cases wait for it) go out."""
    clock.advance(minutes=16)
    runtime.dispatcher().deliver_due()


def dms_to(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("chat.postMessage") if c.params["channel"] == user]


def code_from(confirmation: dict[str, Any]) -> str:
    text = confirmation["view"]["blocks"][0]["text"]["text"]
    return text.split("Your case code is *")[1].split("*")[0]


# -- the form --------------------------------------------------------------------------------
def test_feedback_opens_the_form_at_once_with_the_words_typed(slack: SlackDriver) -> None:
    view = open_form(slack, text="The new room is lovely")
    call = slack.fake.calls_to("views.open")[0]
    assert call.params["trigger_id"] == "13345224609.738474920.8088930838d88f008e0"
    text_block = next(b for b in view["blocks"] if b.get("block_id") == BlockId.FB_TEXT)
    assert text_block["element"]["initial_value"] == "The new room is lovely"
    assert text_block["element"]["max_length"] == 3000
    shown = {b.get("block_id") for b in view["blocks"]}
    assert BlockId.FB_NAMED_OPTIONS not in shown and BlockId.FB_TESTIMONY not in shown
    assert "999" in json.dumps(view)
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24


def test_choices_reveal_only_the_questions_that_apply(slack: SlackDriver) -> None:
    view = form_with(slack, FACILITATOR, **{BlockId.FB_KIND: "compliment",
                                            BlockId.FB_IDENTITY: OptionValue.NAMED})
    shown = {b.get("block_id") for b in view["blocks"]}
    assert {BlockId.FB_TESTIMONY, BlockId.FB_NAMED_OPTIONS} <= shown
    testimony = next(b for b in view["blocks"] if b.get("block_id") == BlockId.FB_TESTIMONY)
    assert "initial_options" not in testimony["element"]  # off unless they tick it
    update = slack.fake.calls_to("views.update")[-1].params
    assert update["view_id"] == "V0FORM" and update["hash"] == "1.abc"

    anonymous = form_with(slack, FACILITATOR, **{BlockId.FB_TOPIC: "team_member",
                                                 BlockId.FB_IDENTITY: OptionValue.ANONYMOUS})
    shown = {b.get("block_id") for b in anonymous["blocks"]}
    assert BlockId.FB_ABOUT in shown and BlockId.FB_NAMED_OPTIONS not in shown


@pytest.mark.parametrize(
    ("chosen", "block", "words"),
    [
        ({"text": ""}, BlockId.FB_TEXT, "can't be empty"),
        ({"text": "   \n\t "}, BlockId.FB_TEXT, "can't be empty"),
        ({"text": "x" * 3001}, BlockId.FB_TEXT, "1 characters over the 3000 limit"),
        ({"identity": None}, BlockId.FB_IDENTITY, "anonymously or with your name"),
    ],
)
def test_bad_input_gets_field_errors_and_nothing_is_stored(
    slack: SlackDriver, members: Runtime, chosen: dict[str, Any], block: str, words: str
) -> None:
    view = open_form(slack)
    response = slack.submit(view, answers(**chosen), user_id=FACILITATOR)
    payload = json.loads(response.body)
    assert payload["response_action"] == "errors"
    assert list(payload["errors"]) == [block]
    assert words in payload["errors"][block]
    with members.sessions() as session:
        assert session.query(FeedbackCase).count() == 0


def test_a_meeting_asked_for_anonymously_is_explained_kindly(
    slack: SlackDriver, members: Runtime
) -> None:
    # The form hides the meeting box when anonymous; a form changed between the two is checked.
    named_form = form_with(slack, FACILITATOR, **{BlockId.FB_IDENTITY: OptionValue.NAMED})
    chosen = answers(identity=OptionValue.ANONYMOUS,
                     **{BlockId.FB_NAMED_OPTIONS: [OptionValue.WANTS_MEETING]})
    payload = json.loads(slack.submit(named_form, chosen, user_id=FACILITATOR).body)
    assert payload["response_action"] == "errors"
    message = payload["errors"][BlockId.FB_IDENTITY]
    assert "needs your name" in message and "case code will still let you read" in message


# -- routing ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "topic", "about", "expected"),
    [
        ("compliment", "session", None, {COORDINATOR}),
        ("suggestion", "service", None, {COORDINATOR}),
        ("complaint", "other", None, {COORDINATOR}),
        ("concern", "session", None, {COORDINATOR}),
        ("complaint", "team_member", "U0TRAIN03", {HR_OFFICER}),
        ("concern", "team_member", None, {HR_OFFICER}),
        ("between_people", "session", "U0TRAIN03", {HR_OFFICER}),  # a team member involved
        ("between_people", "session", MEMBER, {COORDINATOR}),       # two participants
        ("complaint", "team_member", HR_OFFICER, {TRUSTEE}),        # never to themselves
        ("between_people", "service", COORDINATOR, {HR_OFFICER}),
    ],
)
def test_each_kind_and_topic_reaches_the_right_people(
    slack: SlackDriver, members: Runtime, clock: FakeClock, kind: str, topic: str,
    about: str | None, expected: set[str]
) -> None:
    extra = {BlockId.FB_ABOUT: about} if about else {}
    submit(slack, kind=kind, topic=topic, **extra)
    deliver(members, clock)
    notified = {c.params["channel"] for c in slack.fake.calls_to("chat.postMessage")}
    assert notified == expected
    if about:
        assert about not in notified


@pytest.mark.parametrize("identity", [OptionValue.ANONYMOUS, OptionValue.NAMED])
def test_feedback_about_yourself_is_asked_about_and_keeps_nothing(
    slack: SlackDriver, members: Runtime, engine: Engine, identity: str
) -> None:
    # Anonymous, it would otherwise keep their own id as the person it is about.
    answer = submit(slack, kind="between_people", topic="session", identity=identity,
                    **{BlockId.FB_ABOUT: FACILITATOR})
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {BlockId.FB_ABOUT: STANDARD_ERRORS.about_yourself}
    with members.sessions() as session:
        assert session.query(FeedbackCase).count() == 0
        assert session.query(OutboxMessage).count() == 0


def test_coordinators_channel_gets_their_cases_but_not_ones_about_a_coordinator(
    settings: Settings, members: Runtime, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    with_channel = settings.model_copy(update={"coprod_coordinators_channel": "C0COORDS"})
    runtime = build_runtime(with_channel, engine=members.engine, clock=clock, sms=members.sms)
    slack = SlackDriver(create_app(with_channel, runtime.services, client=runtime.client),
                        fake_slack)
    submit(slack, kind="suggestion", topic="service")
    submit(slack, kind="between_people", topic="session", **{BlockId.FB_ABOUT: COORDINATOR})
    deliver(members, clock)
    channels = [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")]
    assert sorted(channels) == ["C0COORDS", HR_OFFICER]


def test_user_text_is_escaped_in_the_notice(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    submit(slack, text="<!channel> see <http://evil.example|this> & that")
    deliver(members, clock)
    [notice] = dms_to(slack.fake, COORDINATOR)
    shown = json.dumps(notice["blocks"])
    assert "&lt;!channel&gt; see &lt;http://evil.example|this&gt; &amp; that" in shown
    assert "<!channel>" not in shown and "<http://evil" not in shown
    assert "<!channel>" not in notice["text"]


# -- anonymity -------------------------------------------------------------------------------
def everything_stored(runtime: Runtime) -> str:
    """Every row of every table, as text: what a database file would give away."""
    from storage.models import Base

    dump = []
    with runtime.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            dump += [repr(tuple(row)) for row in connection.execute(table.select())]
    return "\n".join(dump)


def test_an_anonymous_case_leaves_no_trace_of_the_person(
    slack: SlackDriver, members: Runtime, clock: FakeClock, caplog: pytest.LogCaptureFixture,
    database_url: str
) -> None:
    person = "U0NEWCOMR"  # not in the directory: nothing may be made for them either
    caplog.set_level("DEBUG")
    before = len(members.services.members.list_members())
    confirmation = submit(slack, user_id=person, kind="complaint", topic="session",
                          identity=OptionValue.ANONYMOUS, text="The group ran late again")
    code = code_from(confirmation)
    slack.command("/feedback", f"reply {code} and it was cold", user_id=person)
    slack.command("/feedback", f"status {code}", user_id=person)
    deliver(members, clock)
    assert dms_to(slack.fake, COORDINATOR), "the coordinators did get it"

    assert person not in everything_stored(members)
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        for suffix in ("", "-wal"):
            try:
                raw = open(path + suffix, "rb").read()  # noqa: SIM115
            except FileNotFoundError:
                continue
            assert person.encode() not in raw
    with members.sessions() as session:
        for row in session.query(OutboxMessage):
            assert person not in json.dumps([row.idempotency_key, row.target, row.payload])
    assert person not in "\n".join(r.getMessage() for r in caplog.records)
    for call in slack.fake.calls + slack.fake.responses:
        assert person not in json.dumps(call.params)
    assert len(members.services.members.list_members()) == before


def test_anonymous_cases_wait_for_the_next_round(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    clock.now = clock.now.replace(minute=7, second=31)
    submit(slack, identity=OptionValue.ANONYMOUS)
    members.dispatcher().deliver_due()
    assert dms_to(slack.fake, COORDINATOR) == []  # not the same second
    clock.now = clock.now.replace(minute=15, second=0)
    members.dispatcher().deliver_due()
    assert len(dms_to(slack.fake, COORDINATOR)) == 1
    with members.sessions() as session:
        case = session.query(FeedbackCase).one()
        assert (case.created_at.minute, case.created_at.second) == (15, 0)
        # Nothing stored carries the second it was typed.
        for row in session.query(OutboxMessage):
            assert (row.created_at.minute, row.created_at.second) == (15, 0)


# -- case codes ------------------------------------------------------------------------------
def test_the_code_reads_replies_and_adds_words_and_a_wrong_code_reveals_nothing(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    code = code_from(submit(slack, identity=OptionValue.ANONYMOUS))
    deliver(members, clock)
    [notice] = dms_to(slack.fake, COORDINATOR)

    slack.click(notice, ActionId.FB_REPLY, user_id=COORDINATOR)
    reply_form = slack.opened_view()
    done = slack.submit(reply_form, {BlockId.FB_REPLY_TEXT: "Thank you - we'll sort the tea."},
                        user_id=COORDINATOR)
    assert json.loads(done.body)["response_action"] == "update"

    status = slack.text_of(slack.command("/feedback", f"status {code.lower()}",
                                         user_id="U0SOMEONE"))
    assert "Thank you - we'll sort the tea." in status
    assert "Being looked at" in status

    added = slack.text_of(slack.command("/feedback", f"reply {code} It was on Tuesday.",
                                        user_id="U0SOMEONE"))
    assert "added to case" in added
    deliver(members, clock)
    more = dms_to(slack.fake, COORDINATOR)[-1]
    assert "It was on Tuesday." in json.dumps(more["blocks"])

    wrong = slack.text_of(slack.command("/feedback", "status ABCD-EFGH-JKLM", user_id="U0X"))
    other_wrong = slack.text_of(slack.command("/feedback", "reply ZZZZ-ZZZZ-ZZZZ hi",
                                              user_id="U0X"))
    assert wrong == other_wrong
    assert "doesn't match a case" in wrong and "#" not in wrong


def test_guessing_codes_is_slowed_down(slack: SlackDriver, members: Runtime,
                                       clock: FakeClock) -> None:
    code = code_from(submit(slack, identity=OptionValue.ANONYMOUS))
    for guess in range(5):
        text = slack.text_of(slack.command("/feedback", f"status AAAA-BBBB-CC{guess:02d}",
                                           user_id="U0GUESSER"))
        assert "doesn't match" in text
    blocked = slack.text_of(slack.command("/feedback", f"status {code}", user_id="U0GUESSER"))
    assert "wait 15 minutes" in blocked and "#" not in blocked
    clock.advance(minutes=16)
    assert "Your feedback, case #" in slack.text_of(
        slack.command("/feedback", f"status {code}", user_id="U0GUESSER"))


def test_the_limit_on_guessing_holds_across_web_processes(
    slack: SlackDriver, members: Runtime, settings: Settings, engine: Engine, clock: FakeClock,
    fake_slack: FakeSlack
) -> None:
    """Two web processes on one database: three wrong codes at one and two at the other are
    five, and the sixth try is refused at either. Nothing names who guessed."""
    from sqlalchemy import text as sql

    other = SlackDriver(create_app(settings, build_runtime(settings, engine=engine,
                                                           clock=clock).services,
                                   client=members.client), fake_slack)
    code = code_from(submit(slack, identity=OptionValue.ANONYMOUS))
    for guess, web in enumerate([slack, other, slack, other, slack]):
        assert "doesn't match" in web.text_of(web.command(
            "/feedback", f"status AAAA-BBBB-CC{guess:02d}", user_id="U0GUESSER"))
    for web in (slack, other):
        blocked = web.text_of(web.command("/feedback", f"status {code}", user_id="U0GUESSER"))
        assert "wait 15 minutes" in blocked
    with members.sessions() as session:
        stored = " ".join(str(row) for row in session.execute(
            sql("SELECT * FROM case_code_misses")))
    assert "U0GUESSER" not in stored and stored  # kept, but only as a keyed digest
    clock.advance(minutes=16)
    assert "Your feedback, case #" in other.text_of(
        other.command("/feedback", f"status {code}", user_id="U0GUESSER"))


# -- named cases -----------------------------------------------------------------------------
def test_a_named_person_hears_of_acknowledgement_replies_and_resolution(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    submit(slack, **{BlockId.FB_NAMED_OPTIONS: [OptionValue.WANTS_ACKNOWLEDGEMENT]})
    deliver(members, clock)
    [notice] = dms_to(slack.fake, COORDINATOR)
    assert f"<@{FACILITATOR}>" in json.dumps(notice["blocks"])

    clicked = slack.click(notice, ActionId.FB_ACKNOWLEDGE, user_id=COORDINATOR)
    assert clicked.status == 200
    redrawn = slack.fake.responses[-1].params
    assert redrawn["replace_original"] is True
    assert "Being looked at" in json.dumps(redrawn["blocks"])
    assert ActionId.FB_ACKNOWLEDGE not in json.dumps(redrawn["blocks"])

    slack.click(notice, ActionId.FB_REPLY, user_id=COORDINATOR)
    slack.submit(slack.opened_view(), {BlockId.FB_REPLY_TEXT: "Tea is on from next week."},
                 user_id=COORDINATOR)
    slack.click(notice, ActionId.FB_RESOLVE, user_id=COORDINATOR)
    deliver(members, clock)

    to_person = [json.dumps(m) for m in dms_to(slack.fake, FACILITATOR)]
    assert len(to_person) == 3
    assert "has been received" in to_person[0]
    assert "Tea is on from next week." in to_person[1]
    assert "marked as resolved" in to_person[2]
    # The coordinator's own copy was updated in place through the outbox too.
    assert slack.fake.calls_to("chat.update")

    with members.sessions() as session:
        case = session.query(FeedbackCase).one()
        assert case.status is FeedbackStatus.RESOLVED
        assert [(e.change, e.actor_slack_id) for e in case.events] == [
            ("acknowledged", COORDINATOR), ("resolved", COORDINATOR)]
        assert case.events[0].at == clock.now - timedelta(minutes=16)


def test_someone_it_was_not_sent_to_cannot_act_on_it(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    submit(slack)
    deliver(members, clock)
    [notice] = dms_to(slack.fake, COORDINATOR)
    slack.click(notice, ActionId.FB_RESOLVE, user_id=MEMBER)
    refusal = slack.fake.responses[-1].params
    assert refusal["replace_original"] is False
    assert "only they can act on it" in json.dumps(refusal["blocks"])
    with members.sessions() as session:
        assert session.query(FeedbackCase).one().status is FeedbackStatus.NEW


def meeting_task(slack: SlackDriver, members: Runtime, clock: FakeClock) -> dict[str, Any]:
    """Named feedback asking for a confidential meeting: the coordinator's task for it."""
    submit(slack, **{BlockId.FB_NAMED_OPTIONS: [OptionValue.WANTS_MEETING]})
    deliver(members, clock)
    return next(m for m in dms_to(slack.fake, COORDINATOR)
                if "confidential meeting" in json.dumps(m["blocks"]))


def test_a_meeting_request_becomes_a_task_with_acknowledge_and_arranged(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    task = meeting_task(slack, members, clock)
    slack.click(task, ActionId.FB_MEETING_ACKNOWLEDGE, user_id=COORDINATOR)
    slack.click(task, ActionId.FB_MEETING_ARRANGED, user_id=COORDINATOR)
    deliver(members, clock)
    to_person = [json.dumps(m) for m in dms_to(slack.fake, FACILITATOR)]
    assert any("will be in touch" in m for m in to_person)
    assert any("has been arranged" in m for m in to_person)


def test_a_meeting_that_cannot_be_arranged_is_declined_kindly_and_stays_closed(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    task = meeting_task(slack, members, clock)
    slack.click(task, ActionId.FB_MEETING_DECLINE, user_id=COORDINATOR)
    redrawn = slack.fake.responses[-1].params
    assert redrawn["replace_original"] is True
    shown = json.dumps(redrawn["blocks"])
    assert "not possible this time" in shown and ActionId.FB_MEETING_ARRANGED not in shown
    slack.click(task, ActionId.FB_MEETING_ARRANGED, user_id=COORDINATOR)  # an old copy
    deliver(members, clock)
    to_person = [json.dumps(m) for m in dms_to(slack.fake, FACILITATOR)]
    assert len(to_person) == 1 and "can't arrange a meeting" in to_person[0]
    # Every copy of the task and of the case notice was redrawn through the outbox.
    updated = [json.dumps(c.params) for c in slack.fake.calls_to("chat.update")]
    assert any("not possible this time" in u and "Feedback #" in u for u in updated)
    with members.sessions() as session:
        case = session.query(FeedbackCase).one()
        assert case.meeting.value == "declined"
        assert [e.change for e in case.events] == ["meeting_declined"]


def test_app_home_shows_an_anonymous_case_only_from_its_round(
    slack: SlackDriver, members: Runtime, clock: FakeClock
) -> None:
    submit(slack, identity=OptionValue.ANONYMOUS, text="About the kettle")

    def home() -> str:
        slack.event({"type": "app_home_opened", "user": COORDINATOR, "channel": "D0HOME",
                     "tab": "home", "event_ts": "1700000000.3"})
        return json.dumps(slack.fake.calls_to("views.publish")[-1].params["view"])

    assert "About the kettle" not in home()
    clock.advance(minutes=16)
    assert "About the kettle" in home()


def test_a_testimony_is_only_marked_when_the_box_was_ticked(
    slack: SlackDriver, members: Runtime
) -> None:
    submit(slack, kind="compliment", topic="session",
           **{BlockId.FB_TESTIMONY: [OptionValue.TESTIMONY]})
    submit(slack, kind="compliment", topic="session")
    with members.sessions() as session:
        consents = [c.testimony_consent for c in session.query(FeedbackCase).order_by(
            FeedbackCase.id)]
    assert consents == [True, False]


# -- App Home --------------------------------------------------------------------------------
def test_app_home_shows_each_person_only_what_was_routed_to_them(
    slack: SlackDriver, members: Runtime
) -> None:
    submit(slack, text="About the session room")
    submit(slack, kind="complaint", topic="team_member", text="About a volunteer")

    def home_of(user: str) -> str:
        slack.event({"type": "app_home_opened", "user": user, "channel": "D0HOME",
                     "tab": "home", "event_ts": "1700000000.3"})
        call = slack.fake.calls_to("views.publish")[-1].params
        assert call["user_id"] == user
        return json.dumps(call["view"])

    coordinator = home_of(COORDINATOR)
    assert "About the session room" in coordinator and "About a volunteer" not in coordinator
    hr = home_of(HR_OFFICER)
    assert "About a volunteer" in hr and "About the session room" not in hr
    member = home_of(MEMBER)
    assert "Open feedback" not in member
    assert "About the session room" not in member and "About a volunteer" not in member
    assert "/feedback" in member and "999" in member


def test_reading_by_case_code_is_audited_without_the_reader(
    slack: SlackDriver, members: Runtime
) -> None:
    from storage.models import AuditEntry

    code = code_from(submit(slack, identity=OptionValue.ANONYMOUS))
    slack.command("/feedback", f"status {code}", user_id="U0READER1")
    with members.sessions() as session:
        [entry] = session.query(AuditEntry).all()
        assert (entry.actor_slack_id, entry.action) == (None, "read by case code")


# -- words that don't fit, and subcommands without their code ---------------------------------
def test_words_longer_than_the_box_are_named_above_it_and_can_follow_by_code(
    slack: SlackDriver, members: Runtime
) -> None:
    typed = " ".join(f"line{i:04d}" for i in range(450))  # 4,049 characters
    view = open_form(slack, text=typed)
    order = [b.get("block_id") for b in view["blocks"]]
    box = view["blocks"][order.index(BlockId.FB_TEXT)]
    kept = box["element"]["initial_value"]
    assert len(kept) <= 3000 and typed.startswith(kept) and typed[len(kept)] == " "
    rest = typed[len(kept):].strip()
    note = view["blocks"][order.index(BlockId.FB_TEXT) - 1]  # the line just above the box
    words = note["elements"][0]["text"]
    assert note["type"] == "context"
    assert f"the last {len(rest):,} characters are not in it" in words
    assert rest.split()[0] in words and "/feedback reply CODE" in words and "shorten" in words

    # Choosing a kind redraws the form: the line stays.
    slack.choose(view, {BlockId.FB_KIND: "suggestion"}, BlockId.FB_KIND, user_id=FACILITATOR)
    update = slack.fake.calls_to("views.update")[-1].params
    redrawn = json.loads(update["view"]) if isinstance(update["view"], str) else update["view"]
    again = [b.get("block_id") for b in redrawn["blocks"]]
    assert redrawn["blocks"][again.index(BlockId.FB_TEXT) - 1] == note

    confirmation = json.loads(slack.submit(view, answers(text=kept), user_id=FACILITATOR).body)
    code = code_from(confirmation)
    added = slack.text_of(slack.command("/feedback", f"reply {code} {rest}",
                                        user_id=FACILITATOR))
    assert "Your words were added" in added
    with members.sessions() as session:
        case = session.query(FeedbackCase).one()
        assert [m.body for m in case.messages] == [rest]


def test_words_that_fit_carry_no_note(slack: SlackDriver) -> None:
    view = open_form(slack, text="x" * 3000)
    assert not any(b["type"] == "context" and "longer than this box" in json.dumps(b)
                   for b in view["blocks"])
    assert "private_metadata" not in view


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("status", "add the case code you were given, for example: `/feedback status ABCD-"),
        ("STATUS", "add the case code you were given"),
        ("reply", "put its case code and then your words, for example: `/feedback reply ABCD-"),
        ("reply ABCD-EFGH-JKLM", "Please put your words after the code, for example: "
                                 "`/feedback reply ABCD-EFGH-JKLM thank you"),
    ],
)
def test_status_or_reply_without_what_they_need_explain_themselves(
    slack: SlackDriver, typed: str, expected: str
) -> None:
    response = slack.command("/feedback", typed, user_id=FACILITATOR)
    assert expected in slack.text_of(response)
    assert not slack.fake.calls_to("views.open"), "no form opens with the word typed in it"
