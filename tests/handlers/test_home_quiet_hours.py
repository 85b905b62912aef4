"""App Home's quiet hours say what holds a person's messages: their own, if they chose some,
and for texts the organisation's too (found in the sandbox trial: Home said "Quiet hours:
none" while someone's texts were held for the organisation's quiet hours)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.rules.communication import ProfileChoice, Reading
from bot.rules.texting import quiet_hours_release
from bot.wiring import Runtime
from handlers.ids import BlockId
from tests.conftest import SlackDriver

ADA = "U0COORD01"  # Slack and texts, agreed to texts, a phone; no quiet hours of her own
CLEO = "U0TRAIN03"  # Slack only (a phone, no agreement to texts)


def how_we_reach(slack: SlackDriver, user: str) -> str:
    slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    home = slack.fake.calls_to("views.publish")[-1].params["view"]
    block = next(b for b in home["blocks"] if b.get("block_id") == BlockId.PR_HOME)
    return str(block["text"]["text"])


def test_home_says_the_organisations_quiet_hours_hold_texts_when_there_are_none_of_your_own(
    slack: SlackDriver, members: Runtime
) -> None:
    words = how_we_reach(slack, ADA)
    assert "Quiet hours: none" not in words
    assert ("Quiet hours: 21:00 to 09:00, 10:00 at weekends (the organisation's, for texts; "
            "urgent safety messages still come)") in words
    # What Home says is what the dispatcher does: a text at 22:00 on a Tuesday waits until
    # 09:00, one on a Saturday morning until 10:00.
    tz = members.settings.timezone
    tuesday_night = datetime(2026, 3, 3, 22, 0, tzinfo=tz)
    assert quiet_hours_release(tuesday_night, tz) == tuesday_night.replace(
        hour=9) + timedelta(days=1)
    saturday = datetime(2026, 3, 7, 9, 30, tzinfo=tz)
    assert quiet_hours_release(saturday, tz) == saturday.replace(hour=10, minute=0)


def test_home_says_your_own_quiet_hours_and_that_texts_wait_for_the_organisations_too(
    slack: SlackDriver, members: Runtime
) -> None:
    members.services.profiles.set_mine(ADA, ProfileChoice("both", Reading.STANDARD,
                                                          quiet_from=time(22),
                                                          quiet_until=time(7)))
    words = how_we_reach(slack, ADA)
    assert ("Quiet hours: 22:00 to 07:00 (your own; urgent safety messages still come)"
            in words)
    assert ("Texts also wait for the organisation's quiet hours: 21:00 to 09:00, 10:00 at "
            "weekends") in words


def test_home_says_none_when_nothing_holds_your_messages(
    slack: SlackDriver, members: Runtime
) -> None:
    """Slack messages are held only for someone's own quiet hours: with none, and no texts,
    nothing waits."""
    assert "Quiet hours: none" in how_we_reach(slack, CLEO)


def test_easy_read_home_says_when_texts_are_not_sent(
    slack: SlackDriver, members: Runtime
) -> None:
    members.services.profiles.set_mine(ADA, ProfileChoice("both", Reading.EASY_READ))
    words = how_we_reach(slack, ADA)
    assert "You have no quiet hours." not in words
    assert "We do not send texts from 9pm to 9am." in words
    assert "At weekends we wait until 10am." in words
    assert "We still send urgent safety messages." in words


def test_easy_read_home_with_quiet_hours_of_your_own_says_both(
    slack: SlackDriver, members: Runtime
) -> None:
    members.services.profiles.set_mine(ADA, ProfileChoice("both", Reading.EASY_READ,
                                                          quiet_from=time(22),
                                                          quiet_until=time(7)))
    lines = how_we_reach(slack, ADA).splitlines()
    start = lines.index("We do not send them from 10pm to 7am.")
    assert lines[start:] == ["We do not send them from 10pm to 7am.",
                             "We do not send texts from 9pm to 9am.",
                             "At weekends we wait until 10am.",
                             "We still send urgent safety messages."]
