"""Policies and induction as rules: checking a policy before it is published, its key, what a
facilitator still needs before taking a place, and the words that tell them kindly."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.rules.forms import NeedsChanges
from bot.rules.involvement import InductionStep

KEY_LENGTH = 60
TITLE_LENGTH = 150
LINK_LENGTH = 500
SUMMARY_LENGTH = 2000
TEXT_BODY = 240  # what a text may spend on the policy, leaving room for the organisation's name

# "Before your first session as a facilitator, we ask everyone to <do these>."
INDUCTION_DOING: dict[InductionStep, str] = {
    InductionStep.BOUNDARIES_TRAINING: "do the professional boundaries training",
    InductionStep.SAFEGUARDING_TRAINING: "do the safeguarding training",
    InductionStep.SHADOWED_A_SESSION: "shadow a session alongside an experienced facilitator",
}


class PolicyField(enum.StrEnum):
    VERSION_OF = "version_of"
    TITLE = "title"
    LINK = "link"
    SUMMARY = "summary"


class InvalidPolicy(NeedsChanges):
    """A policy that can't be published yet: what to fix, by field."""


@dataclass(frozen=True)
class PolicyDraft:
    """What a coordinator typed. `version_of`: the key of the policy this is a new version
    of, or None for a new policy."""

    title: str
    link: str = ""
    summary: str = ""
    needed_by_facilitators: bool = False
    version_of: str | None = None


def _one_line(text: str) -> str:
    return " ".join(_no_nul(text).split())


def _no_nul(text: str) -> str:
    """Without NUL characters, which PostgreSQL refuses in text (only a forged form has any)."""
    return text.replace("\x00", "")


def check_policy(draft: PolicyDraft, known_keys: Iterable[str]) -> PolicyDraft:
    """The draft made tidy, or InvalidPolicy saying what to change. A new version may leave
    its title empty: it keeps the one it had (filled in by the caller)."""
    errors: dict[str, str] = {}
    title, link, summary = (_one_line(draft.title), _no_nul(draft.link).strip(),
                            _no_nul(draft.summary).strip())
    if draft.version_of is not None and draft.version_of not in set(known_keys):
        errors[PolicyField.VERSION_OF] = "That policy isn't there any more: please choose again."
    if not title and draft.version_of is None:
        errors[PolicyField.TITLE] = "Please give the policy a name."
    elif len(title) > TITLE_LENGTH:
        errors[PolicyField.TITLE] = f"Please keep the name to {TITLE_LENGTH} characters."
    if link and (not link.startswith(("https://", "http://")) or " " in link
                 or "|" in link or len(link) > LINK_LENGTH):
        errors[PolicyField.LINK] = "Please give a web link starting with https://."
    if len(summary) > SUMMARY_LENGTH:
        errors[PolicyField.SUMMARY] = f"Please keep this to {SUMMARY_LENGTH} characters."
    if not link and not summary:
        errors[PolicyField.LINK] = "Please give a link to the policy, or its words below."
    if errors:
        raise InvalidPolicy(errors)
    return PolicyDraft(title, link, summary, draft.needed_by_facilitators, draft.version_of)


def policy_key(title: str, taken: Iterable[str]) -> str:
    """A short key picked from the title ("ground-rules"), kept by every later version; a key
    already taken by another policy gets a number ("ground-rules-2")."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    base = "-".join(words)[:KEY_LENGTH - 4].strip("-") or "policy"
    used = set(taken)
    key, n = base, 1
    while key in used:
        n += 1
        key = f"{base}-{n}"
    return key


def our_title(title: str) -> str:
    """A title as it reads after "our": "our ground rules", but "our SENDHELP policy"."""
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def policy_text(title: str, link: str, version: int) -> str:
    """The words of a text asking someone to read a policy: never more than its title and
    its link; without a link, where to get it."""
    newer = "the new version of " if version > 1 else ""
    name = our_title(title)
    if link:
        spare = TEXT_BODY - len(link) - len(newer) - 40
        name = name if len(name) <= spare else name[:max(spare, 20)].rsplit(" ", 1)[0]
        return f"Reply YES to say you've read {newer}our {name}: {link}"
    return (f"Reply YES to say you've read {newer}our {name[:120]}. If you haven't got a copy, "
            "text back and we'll send you one.")


# -- induction --------------------------------------------------------------------------------
@dataclass(frozen=True)
class InductionNeeded:
    """What a facilitator still needs before taking a place: induction steps not recorded,
    policies (their latest versions) not agreed, and who can help (coordinators' names)."""

    steps: tuple[InductionStep, ...]
    policies: tuple[str, ...]
    helpers: tuple[str, ...] = ()


def still_needed(needed: Sequence[InductionStep], done: Iterable[InductionStep],
                 policies: Sequence[tuple[int, str]], agreed: Iterable[int],
                 helpers: Sequence[str] = ()) -> InductionNeeded | None:
    """What is missing of the induction (steps asked of facilitators, and the policies they
    must agree to, as (policy id, title)); None when nothing is."""
    done_steps, agreed_ids = set(done), set(agreed)
    steps = tuple(step for step in needed if step not in done_steps)
    titles = tuple(title for policy_id, title in policies if policy_id not in agreed_ids)
    if not steps and not titles:
        return None
    return InductionNeeded(steps, titles, tuple(helpers))


def _and(parts: Sequence[str], joiner: str = "and") -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {joiner} {parts[-1]}"


def induction_words(needed: InductionNeeded) -> str:
    """Kindly, exactly what is missing and who to ask: "Before your first session as a
    facilitator, we ask everyone to do the professional boundaries training and agree to our
    boundaries policy. Ada Brightwater can help you with both." Plain words (escape them for
    Slack)."""
    doing = [INDUCTION_DOING[step] for step in needed.steps]
    if needed.policies:
        doing.append("agree to " + _and([f"our {our_title(t)}" for t in needed.policies]))
    things = len(needed.steps) + len(needed.policies)
    with_what = "with it" if things == 1 else "with both" if things == 2 else "with all of it"
    who = _and(list(needed.helpers), "or") if needed.helpers else "A coordinator"
    words = (f"Before your first session as a facilitator, we ask everyone to {_and(doing)}. "
             f"{who} can help you {with_what}.")
    if needed.policies:
        words += " You can read and agree to our policies any time with /involve policies."
    return words
