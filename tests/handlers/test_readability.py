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
from typing import Any

import pytest

from bot.notices import Notice
from bot.rules.communication import CUES, EASY_READ, STANDARD, Style, has_emoji, without_cues
from bot.rules.sms_text import compose_text, to_gsm7
from bot.wiring import Runtime
from handlers.blocks.text import crisis_footer
from handlers.notices import RENDERERS, NoticeRenderer, draw_notice
from storage.models import OutboxChannel
from tests.conftest import FakeClock, SlackDriver
from tests.fakes.slack import FakeSlack
from tests.samples import BELOW_TARGET, SampleKey, SampleWorld, every_sample
from tests.samples.reading import (
    EASY_READ_LONGEST_SENTENCE,
    EASY_READ_TARGET,
    STANDARD_TARGET,
    TABLE,
    WORD,
    Score,
    plain_lines,
    score,
    texts_in,
    visible_lines,
)

SAMPLES = every_sample()
KINDS = sorted(RENDERERS, key=lambda kind: kind.kind)
KEYS = sorted(SAMPLES, key=lambda key: key.name)


@pytest.fixture
def world(members: Runtime, slack: SlackDriver, fake_slack: FakeSlack,
          clock: FakeClock) -> SampleWorld:
    return SampleWorld(members, slack, fake_slack, clock)


def test_every_notice_kind_has_a_sample() -> None:
    sampled = {key.kind for key in SAMPLES}
    missing = sorted(kind.kind for kind in KINDS if kind not in sampled)
    assert missing == [], f"add a sample to tests/samples for: {missing}"


def _meets(kind: type[Notice], column: str, found: Score) -> list[str]:
    """A column's problems: reading ease under its target, and for easy read a sentence
    over its length, unless the kind says why it can't (tests/samples BELOW_TARGET)."""
    if (kind.kind, column) in BELOW_TARGET or found.words == 0:
        return []  # said why; or only someone's own words, nothing of ours to score
    target = EASY_READ_TARGET if "easy" in column else STANDARD_TARGET
    problems = [] if found.ease >= target else [
        f"{column}: reading ease {found.ease} is under {target}"]
    if "easy" in column and found.longest_sentence > EASY_READ_LONGEST_SENTENCE:
        problems.append(f"{column}: a sentence of {found.longest_sentence} words")
    return problems


@pytest.mark.parametrize("key", KEYS, ids=lambda key: key.name)
def test_every_notice_reads_plainly_in_each_style(key: SampleKey, world: SampleWorld) -> None:
    notice = SAMPLES[key](world)
    assert isinstance(notice, key.kind)
    services = world.services
    footer = crisis_footer(services.settings.coprod_crisis_line)
    typed = world.typed_words
    standard = draw_notice(notice, services, STANDARD)
    easy = draw_notice(notice, services, EASY_READ)

    scores = {"Slack": score(visible_lines(standard, footer, typed)),
              "Slack, easy read": score(visible_lines(easy, footer, typed))}
    if standard.get("sms"):
        assert easy.get("sms"), "a notice that goes by text has easy-read words for it too"
        # Scored as the phone shows it, cut to two parts; the organisation's name it starts
        # with is a name, like a person's, and left out of the score.
        org = services.settings.coprod_org_name
        sent = {"text": compose_text(org, standard["sms"]),
                "text, easy read": compose_text(org, easy["sms"])}
        for column, words in sent.items():
            scores[column] = score(plain_lines(words.removeprefix(f"{to_gsm7(org)}: "), typed))
        # Easy read ends on what to do next: it must survive the cut whole.
        last = to_gsm7(easy["sms"].split("\n")[-1])
        assert sent["text, easy read"].endswith(last), sent["text, easy read"]
    TABLE[key.name] = scores

    problems = [problem for column, found in scores.items()
                for problem in _meets(key.kind, column, found)]
    assert problems == [], problems

    # Easy read is its own wording, not the standard one again.
    assert visible_lines(easy, footer) != visible_lines(standard, footer)
    if easy.get("sms") and plain_lines(easy["sms"], typed):
        assert easy["sms"] != standard["sms"]  # unless it is only someone's own words
    # What to do next comes last: any buttons are the message's last block.
    kinds = [block["type"] for block in easy.get("blocks") or []]
    if "actions" in kinds:
        assert kinds[-1] == "actions" and kinds.count("actions") == 1, kinds


@pytest.mark.parametrize("key", KEYS, ids=lambda key: key.name)
def test_every_notification_says_its_news_in_words(key: SampleKey, world: SampleWorld) -> None:
    """The top-level text is what a phone's notification and a screen reader say on their
    own: words first, no picture, and enough words to make sense alone. Every picture of
    ours stands beside words that say the same, and is left out for a screen reader."""
    notice = SAMPLES[key](world)
    render = NoticeRenderer(world.services)
    for style in (STANDARD, EASY_READ):
        drawn = render(notice.to_payload(), OutboxChannel.SLACK_DM, style)
        text = drawn["text"]
        assert not has_emoji(text), text
        assert text.lstrip("*_")[:1].isalnum(), text
        assert len(plain_lines(text)[0].split()) >= 3, text
        for line in _block_lines(drawn):
            if without_cues(line) != line:
                assert WORD.search(without_cues(line)), f"a picture alone: {line}"
    for style in (Style(screen_reader=True), Style(easy_read=True, screen_reader=True)):
        drawn = render(notice.to_payload(), OutboxChannel.SLACK_DM, style)
        as_sent = json.dumps({"text": drawn["text"], "blocks": drawn["blocks"]},
                             ensure_ascii=False)
        assert not any(cue in as_sent for cue in CUES), "a picture is left for a screen reader"


def _block_lines(drawn: dict[str, Any]) -> list[str]:
    return [line for text in texts_in(drawn.get("blocks") or []) for line in text.split("\n")]
