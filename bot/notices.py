"""Notices: what happened, recorded as data in the outbox and turned into words at delivery.

A service records a notice ("incident 12 alert, level 1", "session 7 card") in the same
transaction as the change it reports. The dispatcher hands it to the renderers beside the Slack
code, which read the current state and build Block Kit, the text fallback and any SMS words for
that recipient. A notice holds ids and small values only: never people's words, never names,
so an outbox row says nothing that erasure or retention would have to search for.

This module is also the one place outbox keys are built.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

NOTICE_FIELD = "notice"


class NoticeGone(LookupError):
    """What the notice was about no longer exists (erased, purged or deleted): nothing to send."""


class Notice(BaseModel):
    """One kind of thing worth telling someone. Subclasses set `kind` and their fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ClassVar[str] = ""
    # The fields that say what the notice shows: every copy of it shares them, so "redraw every
    # copy" finds the copies by them. The other fields (a level, an offset) tell copies apart.
    identity: ClassVar[tuple[str, ...] | None] = None
    # A safeguarding escalation: breaks quiet hours and the daily text cap.
    urgent: ClassVar[bool] = False
    # An answer to a text someone sent us: goes by text whatever their usual preference.
    answers_a_text: ClassVar[bool] = False

    _kinds: ClassVar[dict[str, type[Notice]]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.kind:
            if cls.kind in Notice._kinds and Notice._kinds[cls.kind] is not cls:
                raise TypeError(f"two notices share the kind {cls.kind!r}")
            Notice._kinds[cls.kind] = cls

    # -- as stored ----------------------------------------------------------------------------
    def to_payload(self) -> dict[str, Any]:
        return {NOTICE_FIELD: self.kind, **self.model_dump(mode="json")}

    @property
    def family(self) -> str:
        """The key prefix every copy of this notice shares."""
        return self._key_parts()[0]

    def key(self, place: str) -> str:
        """The idempotency key of this notice at one place (see `dm`, `channel`, `text`)."""
        family, rest = self._key_parts()
        return f"{family}{rest + '|' if rest else ''}{place}"

    def _key_parts(self) -> tuple[str, str]:
        """The family (the identity fields) and the rest, from one reading of the fields."""
        names = self.identity if self.identity is not None else tuple(type(self).model_fields)
        values = self.model_dump(mode="json")
        family = f"{self.kind}:{':'.join(str(values[n]) for n in names)}|"
        return family, ":".join(str(v) for n, v in values.items() if n not in names)


def read_notice(payload: dict[str, Any]) -> Notice | None:
    """The notice a stored payload holds; None for a payload stored ready-made (rows queued
    before notices were data, and tests that post plain words)."""
    kind = payload.get(NOTICE_FIELD)
    if kind is None:
        return None
    found = Notice._kinds.get(str(kind))
    if found is None:
        raise NoticeGone(f"unknown notice kind {kind!r}")
    return found.model_validate({k: v for k, v in payload.items() if k != NOTICE_FIELD})


# -- places and keys ---------------------------------------------------------------------------
def dm(slack_user_id: str) -> str:
    return f"dm:{slack_user_id}"


def channel(channel_id: str) -> str:
    return f"channel:{channel_id}"


def text(member_id: int) -> str:
    return f"sms:{member_id}"


def place_of(key: str) -> tuple[str, str]:
    """Where the message with this key went: ("dm", a Slack id), ("channel", a channel id) or
    ("sms", a member id). The place is always a key's last part (see `Notice.key`)."""
    kind, _, where = key.rsplit("|", 1)[-1].partition(":")
    return kind, where


def update_key(original_key: str, version: int | str) -> str:
    """The key of one redraw of a posted message: one per change it shows."""
    return f"{original_key}#{version}"


UPDATE_TARGET_PREFIX = "outbox:"


def update_target(original_key: str) -> str:
    """What an update row targets: the message posted under `original_key`, wherever it went."""
    return UPDATE_TARGET_PREFIX + original_key


def updated_key(target: str) -> str | None:
    """The key of the message an update targets, or None when it targets a Slack ref."""
    return target.removeprefix(UPDATE_TARGET_PREFIX) if target.startswith(
        UPDATE_TARGET_PREFIX) else None
