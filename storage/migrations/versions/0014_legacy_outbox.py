"""legacy outbox rows: copies still redrawn or deduplicated join their notice's family; the
words of every other delivered row go

Rows queued before notices were data hold a ready-made Slack or SMS payload (people's names and
words) under a hand-built key ("session:7:card", "incident:12:alert:L0:U0LEAD"). The code now
finds the copies of a notice by its key's family and draws them from ids, so:

- posted copies that are still redrawn (session cards, incident alerts, feedback case notices
  and meeting tasks, debrief tasks, requests to present) get the key the notice code builds for
  the same copy, and their notice as the payload (ids only), and record the members the notice
  names (outbox_concerns), as the notice code does, so erasure redraws them;
- copies that go once (coverage alerts and calls for cover, check-ins, erasure requests) get
  the new key, so a notice already sent is not sent a second time;
- redraws (slack_update rows) that target a renamed copy target its new key;
- every other legacy row that was sent or failed keeps only {"text": ""}: it was delivered
  already, nothing needs its words, and erasure (which goes by reference) must not have to
  search them. A pending legacy row is left as it is: the dispatcher sends a ready-made payload
  as it stands (a renamed one keeps its payload unless it is redrawn).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, NamedTuple

import sqlalchemy as sa
from alembic import op

# The key ring only (configured by the process that runs the migration: `coprod serve` and
# `coprod db upgrade` configure it from COPROD_DATA_KEY first). Never the models or the notice
# classes: this migration must keep meaning what it means today as they change.
from storage import crypto

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# The tables as this migration sees them (payload: a Fernet token, or legacy plain JSON).
outbox = sa.table(
    "outbox",
    sa.column("id", sa.Integer()),
    sa.column("idempotency_key", sa.String()),
    sa.column("channel", sa.String()),
    sa.column("target", sa.String()),
    sa.column("payload", sa.Text()),
    sa.column("status", sa.String()),
)
outbox_concerns = sa.table(
    "outbox_concerns", sa.column("outbox_id", sa.Integer()), sa.column("member_id", sa.Integer()))
members = sa.table(
    "members", sa.column("id", sa.Integer()), sa.column("slack_user_id", sa.String()))
incident_people = sa.table(
    "incident_people", sa.column("incident_id", sa.Integer()), sa.column("member_id", sa.Integer()))
feedback_cases = sa.table(
    "feedback_cases", sa.column("id", sa.Integer()), sa.column("about_slack_id", sa.String()),
    sa.column("submitter_slack_id", sa.String()), sa.column("anonymous", sa.Boolean()))
debrief_requests = sa.table(
    "debrief_requests", sa.column("id", sa.Integer()), sa.column("member_id", sa.Integer()))
present_requests = sa.table(
    "present_requests", sa.column("id", sa.Integer()), sa.column("member_id", sa.Integer()))

DM, CHANNEL, UPDATE, SMS = "slack_dm", "slack_channel", "slack_update", "sms"
PENDING = "pending"
UPDATE_TARGET_PREFIX = "outbox:"
DELIVERED = {"text": ""}


def _key(kind: str, identity: tuple[object, ...], rest: tuple[object, ...], place: str) -> str:
    """The key bot/notices.py `Notice.key(place)` builds, as of this revision: the family
    ("{kind}:{identity values joined by ':'}|"), then the other fields' values joined by ':'
    and a '|' when there are any, then the place ("dm:{slack user id}", "channel:{channel id}"
    or "sms:{member id}"). Every such key has a '|'; no key built before it did."""
    rest_part = ":".join(str(v) for v in rest)
    return f"{kind}:{':'.join(str(v) for v in identity)}|{rest_part + '|' if rest_part else ''}{place}"


# NamedTuples, not dataclasses: Alembic loads this file as a module that is not in sys.modules.
class Renamed(NamedTuple):
    key: str
    # The notice as data, for a copy that is redrawn (None: the payload is kept, or emptied
    # once delivered).
    notice: dict[str, Any] | None = None
    # Who the notice names, as the notice code records it (`about=`): (table, id) to look up.
    names: tuple[str, int] | None = None
    recipient_member: int | None = None


class Rule(NamedTuple):
    pattern: re.Pattern[str]
    channel: str
    rename: Callable[[re.Match[str], str], Renamed]


def _rule(pattern: str, channel: str, rename: Callable[[re.Match[str], str], Renamed]) -> Rule:
    return Rule(re.compile(pattern), channel, rename)


# The old keys (git show 34bfd32:bot/services/...) whose copies are redrawn or go once, and the
# key each copy has now. `t` is the row's target: the Slack user or channel it was posted to.
RULES = (
    # SessionCard(session_id): in the session's channel.
    _rule(r"session:(\d+):card", CHANNEL, lambda m, t: Renamed(
        _key("session.card", (m[1],), (), f"channel:{t}"),
        {"notice": "session.card", "session_id": int(m[1])})),
    # IncidentAlert(incident_id, level), identity incident_id: to each responder.
    _rule(r"incident:(\d+):alert:L(\d+):([^:]+)", DM, lambda m, t: Renamed(
        _key("incident.alert", (m[1],), (m[2],), f"dm:{t}"),
        {"notice": "incident.alert", "incident_id": int(m[1]), "level": int(m[2])},
        ("incident", int(m[1])))),
    # CaseNotice(case_id): in the coordinators' channel, or to each recipient.
    _rule(r"feedback:(\d+):notice:channel", CHANNEL, lambda m, t: Renamed(
        _key("feedback.case", (m[1],), (), f"channel:{t}"),
        {"notice": "feedback.case", "case_id": int(m[1])}, ("case", int(m[1])))),
    _rule(r"feedback:(\d+):notice:([^:]+)", DM, lambda m, t: Renamed(
        _key("feedback.case", (m[1],), (), f"dm:{t}"),
        {"notice": "feedback.case", "case_id": int(m[1])}, ("case", int(m[1])))),
    # MeetingTask(case_id): to each recipient of the case.
    _rule(r"feedback:(\d+):meeting:([^:]+)", DM, lambda m, t: Renamed(
        _key("feedback.meeting-task", (m[1],), (), f"dm:{t}"),
        {"notice": "feedback.meeting-task", "case_id": int(m[1])}, ("case", int(m[1])))),
    # DebriefRequested(request_id): to each coordinator (the old key ended in their member id).
    _rule(r"debrief:(\d+):ask:(\d+)", DM, lambda m, t: Renamed(
        _key("session.debrief-request", (m[1],), (), f"dm:{t}"),
        {"notice": "session.debrief-request", "request_id": int(m[1])},
        ("debrief", int(m[1])), recipient_member=int(m[2]))),
    # PresentRequested(request_id): to each coordinator.
    _rule(r"present:(\d+):to:(\d+)", DM, lambda m, t: Renamed(
        _key("meeting.present-request", (m[1],), (), f"dm:{t}"),
        {"notice": "meeting.present-request", "request_id": int(m[1])},
        ("present", int(m[1])))),
    # CoverageAlert(session_id, label), no identity: all its fields are its family. The old
    # keys went through notify_member: "...:dm:{member id}" (target: their Slack id) and
    # "...:sms:{member id}"; the call for cover went to the session's channel.
    _rule(r"session:(\d+):alert:([^:]+):dm:(\d+)", DM, lambda m, t: Renamed(
        _key("session.coverage-alert", (m[1], m[2]), (), f"dm:{t}"))),
    _rule(r"session:(\d+):alert:([^:]+):sms:(\d+)", SMS, lambda m, t: Renamed(
        _key("session.coverage-alert", (m[1], m[2]), (), f"sms:{m[3]}"))),
    _rule(r"session:(\d+):alert:([^:]+):channel", CHANNEL, lambda m, t: Renamed(
        _key("session.call-for-cover", (m[1], m[2]), (), f"channel:{t}"))),
    # CheckIn(session_id, member_id), no identity.
    _rule(r"session:(\d+):check-in:(\d+)", DM, lambda m, t: Renamed(
        _key("session.check-in", (m[1], m[2]), (), f"dm:{t}"))),
    # ErasureRequested(member_id, day), no identity: at most once a day (the day as ISO).
    _rule(r"erasure:(\d+):(\d+):(\d{4})(\d{2})(\d{2})", DM, lambda m, t: Renamed(
        _key("privacy.erasure-requested", (m[1], f"{m[3]}-{m[4]}-{m[5]}"), (), f"dm:{t}"))),
)


def _renamed(key: str, channel: str, target: str) -> Renamed | None:
    for rule in RULES:
        found = rule.pattern.fullmatch(key)
        if found is not None and channel == rule.channel:
            return rule.rename(found, target)
    return None


# -- the payload column -------------------------------------------------------------------------
UNREADABLE = object()


def _read(value: str | None) -> Any:
    """The stored payload, or UNREADABLE when no configured key opens it (or none is
    configured): such a row is judged by its key alone, which needs none of its words."""
    if value is None:
        return None
    try:
        return json.loads(crypto.decrypt(value))
    except (crypto.DataKeyError, ValueError):
        return UNREADABLE


def _write(payload: dict[str, Any]) -> str:
    """Encrypted when the process has a key ring. Without one, the plain JSON the reader
    accepts as written before encryption: these payloads hold ids, or nothing, never words;
    `coprod keys rotate` encrypts them later."""
    text = json.dumps(payload)
    try:
        return crypto.encrypt(text)
    except crypto.DataKeyError:
        return text


def _is_legacy(payload: Any) -> bool:
    if payload is UNREADABLE:
        return True  # its key has no '|': built before notices were data
    return isinstance(payload, dict) and "notice" not in payload


# -- who a redrawn notice names -------------------------------------------------------------------
def _named(bind: sa.Connection, names: tuple[str, int] | None) -> set[int]:
    """The members the notice code lists as `about=` for this notice (see bot/services)."""
    if names is None:
        return set()
    what, ident = names
    if what == "incident":
        return set(bind.scalars(sa.select(incident_people.c.member_id)
                                .where(incident_people.c.incident_id == ident)))
    if what in ("debrief", "present"):
        table = debrief_requests if what == "debrief" else present_requests
        return set(bind.scalars(sa.select(table.c.member_id).where(table.c.id == ident)))
    case = bind.execute(sa.select(feedback_cases).where(feedback_cases.c.id == ident)).first()
    if case is None:
        return set()
    # The person a case is about, and who raised it when they gave their name.
    slack_ids = [s for s in (case.about_slack_id,
                             None if case.anonymous else case.submitter_slack_id) if s]
    return set(bind.scalars(sa.select(members.c.id)
                            .where(members.c.slack_user_id.in_(slack_ids)))) if slack_ids else set()


def upgrade() -> None:
    bind = op.get_bind()
    taken = set(bind.scalars(sa.select(outbox.c.idempotency_key)))
    rows = bind.execute(
        sa.select(outbox.c.id, outbox.c.idempotency_key, outbox.c.channel, outbox.c.target,
                  outbox.c.payload, outbox.c.status)
        .where(~outbox.c.idempotency_key.contains("|"))
        .order_by(outbox.c.id)).all()
    retarget: dict[str, str] = {}
    for row in rows:
        payload = _read(row.payload)
        if not _is_legacy(payload):
            continue
        renamed = _renamed(row.idempotency_key, row.channel, row.target)
        if renamed is not None and renamed.key in taken:
            renamed = None  # the copy has a row under its new key already: keep this one apart
        values: dict[str, Any] = {}
        if renamed is not None:
            # (A pending row whose last attempt never came back is renamed too: the dispatcher's
            # "was it posted?" check looks for the new key's mark, so if that attempt did land
            # it may be posted again. Not renaming it would let the new code queue it again.)
            taken.add(renamed.key)
            values["idempotency_key"] = renamed.key
            retarget[UPDATE_TARGET_PREFIX + row.idempotency_key] = (
                UPDATE_TARGET_PREFIX + renamed.key)
        if renamed is not None and renamed.notice is not None:
            values["payload"] = _write(renamed.notice)
            about = _named(bind, renamed.names)
            if renamed.recipient_member is not None:
                about.add(renamed.recipient_member)
            if about:
                bind.execute(sa.insert(outbox_concerns),
                             [{"outbox_id": row.id, "member_id": m} for m in sorted(about)])
        elif row.status != PENDING:
            # Sent or failed: delivered already, or never will be. (Pending: sent as it is.)
            values["payload"] = _write(DELIVERED)
        if values:
            bind.execute(sa.update(outbox).where(outbox.c.id == row.id).values(**values))
    # Update rows keep their own keys: the notice code's are "{copy's key}#{version}", which
    # none of these can collide with.
    for old, new in retarget.items():
        bind.execute(sa.update(outbox).where(outbox.c.channel == UPDATE)
                     .where(outbox.c.target == old).values(target=new))


def downgrade() -> None:
    # Nothing to undo that the old code needs: it ignores keys it did not build, and the words
    # emptied here were delivered already. (After a downgrade the old code does not see the
    # renamed coverage alerts and check-ins, so one due again could go a second time, and it
    # cannot update a card or alert whose row was renamed; it never could draw a notice.)
    pass
