"""A number texted back answers what we texted last: a wellbeing check sent after our "which
one?" question takes the "3", rather than the old question (where a 3 matches nothing)."""

from __future__ import annotations

from bot.rules.involvement import Wellbeing
from tests.conftest import FakeClock
from tests.fakes.slack import FakeSlack
from tests.handlers.test_policies import publish
from tests.handlers.test_wellbeing import (
    HANA,
    Texting,
    answer_of,
    deliver,
    involve,
    posted,
    texting,
)

__all__ = ["texting"]  # the fixture, used by name below


def test_a_check_texted_after_a_which_question_takes_the_number(
    texting: Texting, fake_slack: FakeSlack, clock: FakeClock
) -> None:
    runtime = texting.runtime
    publish(runtime)
    publish(runtime, "Ground rules", facilitators=False)
    deliver(runtime)
    assert "Reply 1" in texting.text_in("YES")  # two open: we ask which

    clock.advance(minutes=5)
    check_id = involve(runtime, "+447700900104")
    runtime.services.wellbeing.send_wellbeing_checks()
    deliver(runtime)

    reply = texting.text_in("3")
    assert "We've asked someone to get in touch with you today" in reply
    assert answer_of(runtime, check_id) is Wellbeing.SUPPORT
    deliver(runtime)
    assert [m["channel"] for m in posted(fake_slack) if m["text"].startswith("Dev Patel")] == [
        HANA]
