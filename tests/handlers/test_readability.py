"""Every message Coprod sends, read as its readers will: each notice kind drawn from a real
sample (tests/samples), in the standard style and in easy read, for Slack and for a text.

- Plain language is measured (textstat's Flesch reading ease; targets in tests/samples/reading.py)
  and the table is printed at the end of the run and kept in the README.
- Easy read is a real variant: different words, short sentences, what to do next last.
- Screen readers: the top-level `text` (what notifications and screen readers say on their own)
  is words, never emoji; with the screen-reader setting no picture is left anywhere.
"""

from __future__ import annotations

import json

import pytest

from bot.notices import Notice
from bot.rules.communication import EASY_READ, STANDARD, Style, has_emoji
from bot.wiring import Runtime
from handlers.blocks.text import crisis_footer
from handlers.notices import RENDERERS, NoticeRenderer, draw_notice
from storage.models import OutboxChannel
from tests.conftest import FakeClock, SlackDriver
from tests.fakes.slack import FakeSlack
from tests.samples import BELOW_TARGET, SampleWorld, every_sample
from tests.samples.reading import (
    EASY_READ_LONGEST_SENTENCE,
    EASY_READ_TARGET,
    STANDARD_TARGET,
    TABLE,
    Score,
    plain_lines,
    score,
    visible_lines,
)

SAMPLES = every_sample()
KINDS = sorted(RENDERERS, key=lambda kind: kind.kind)



@pytest.fixture
def world(members: Runtime, slack: SlackDriver, fake_slack: FakeSlack,
          clock: FakeClock) -> SampleWorld:
    return SampleWorld(members, slack, fake_slack, clock)


def test_every_notice_kind_has_a_sample() -> None:
    missing = sorted(kind.kind for kind in KINDS if kind not in SAMPLES)
    assert missing == [], f"add a sample to tests/samples for: {missing}"


def _meets(kind: type[Notice], column: str, found: Score, target: float) -> list[str]:
    if found.ease >= target or (kind.kind, column) in BELOW_TARGET:
        return []
    return [f"{column}: reading ease {found.ease} is under {target}"]


@pytest.mark.parametrize("kind", [k for k in KINDS if k in SAMPLES], ids=lambda k: k.kind)
def test_every_notice_reads_plainly_in_each_style(kind: type[Notice],
                                                  world: SampleWorld) -> None:
    notice = SAMPLES[kind](world)
    assert isinstance(notice, kind)
    services = world.services
    footer = crisis_footer(services.settings.coprod_crisis_line)
    standard = draw_notice(notice, services, STANDARD)
    easy = draw_notice(notice, services, EASY_READ)

    scores = {"Slack": score(visible_lines(standard, footer)),
              "Slack, easy read": score(visible_lines(easy, footer))}
    if standard.get("sms"):
        assert easy.get("sms"), "a notice that goes by text has easy-read words for it too"
        scores["text"] = score(plain_lines(standard["sms"]))
        scores["text, easy read"] = score(plain_lines(easy["sms"]))
    TABLE[kind.kind] = scores

    problems = _meets(kind, "Slack", scores["Slack"], STANDARD_TARGET)
    problems += _meets(kind, "Slack, easy read", scores["Slack, easy read"], EASY_READ_TARGET)
    if "text" in scores:
        problems += _meets(kind, "text", scores["text"], STANDARD_TARGET)
        problems += _meets(kind, "text, easy read", scores["text, easy read"], EASY_READ_TARGET)
    for column in ("Slack, easy read", "text, easy read"):
        if column in scores and scores[column].longest_sentence > EASY_READ_LONGEST_SENTENCE:
            problems.append(f"{column}: a sentence of {scores[column].longest_sentence} words")
    assert problems == [], problems

    # Easy read is its own wording, not the standard one again.
    assert visible_lines(easy, footer) != visible_lines(standard, footer)
    if easy.get("sms"):
        assert easy["sms"] != standard["sms"]
    # What to do next comes last: any buttons are the message's last block.
    for drawn in (easy,):
        kinds = [block["type"] for block in drawn.get("blocks") or []]
        if "actions" in kinds:
            assert kinds[-1] == "actions" and kinds.count("actions") == 1, kinds


@pytest.mark.parametrize("kind", [k for k in KINDS if k in SAMPLES], ids=lambda k: k.kind)
def test_every_notification_says_its_news_in_words(kind: type[Notice],
                                                   world: SampleWorld) -> None:
    """The top-level text is what a phone's notification and a screen reader say on their
    own: words first, no emoji, and enough of them to make sense alone."""
    notice = SAMPLES[kind](world)
    render = NoticeRenderer(world.services)
    for style in (STANDARD, EASY_READ):
        text = render(notice.to_payload(), OutboxChannel.SLACK_DM, style)["text"]
        assert not has_emoji(text), text
        assert text.lstrip("*_")[:1].isalnum(), text
        assert len(plain_lines(text)[0].split()) >= 3, text
    for style in (Style(screen_reader=True), Style(easy_read=True, screen_reader=True)):
        drawn = render(notice.to_payload(), OutboxChannel.SLACK_DM, style)
        as_sent = json.dumps({"text": drawn["text"], "blocks": drawn["blocks"]},
                             ensure_ascii=False)
        assert not has_emoji(as_sent), "a picture is left for a screen reader"
