"""People's words are encrypted at rest; rotation re-encrypts and retires the old key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, Text, select, type_coerce

from bot.rules.feedback import FeedbackForm
from bot.rules.feedback_words import FeedbackKind, FeedbackTopic
from bot.rules.incidents import IncidentForm, IncidentKind, Severity
from bot.wiring import Runtime
from storage import crypto
from storage.keys import encrypted_columns, rotate_all
from storage.models import Base, FeedbackCase, Incident
from tests.conftest import DATA_KEY

SECRET_FEEDBACK = "Staff member Kim shouted at me in the kitchen"
SECRET_INCIDENT = "Told me about a plan to overdose this weekend"


def fill(runtime: Runtime) -> None:
    runtime.services.feedback.submit(FeedbackForm(
        FeedbackKind.COMPLAINT, FeedbackTopic.SERVICE, SECRET_FEEDBACK, anonymous=True), None)
    runtime.services.incidents.report(IncidentForm(
        IncidentKind.CRISIS, Severity.SERIOUS, SECRET_INCIDENT, danger=False,
        done_already="Sat with them and called the GP"), "U0FACIL02")


def raw_values(engine: Engine) -> list[str]:
    values = []
    with engine.connect() as connection:
        for table_name, column_name in encrypted_columns():
            column = Base.metadata.tables[table_name].c[column_name]
            values += [v for (v,) in connection.execute(select(type_coerce(column, Text)))
                       if v is not None]
    return values


def test_no_free_text_in_the_clear(members: Runtime, database_url: str) -> None:
    fill(members)
    stored = raw_values(members.engine)
    assert stored and all(v.startswith("gAAAAA") for v in stored)
    assert not any(word in v for v in stored
                   for word in ("shouted at me", "overdose", "called the GP"))
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        raw = b"".join(Path(p).read_bytes() for p in (path, path + "-wal") if Path(p).exists())
        for secret in (SECRET_FEEDBACK, SECRET_INCIDENT, "shouted", "overdose"):
            assert secret.encode() not in raw
    with members.sessions() as session:  # and the bot itself reads them back
        assert session.query(FeedbackCase).one().body == SECRET_FEEDBACK
        assert session.query(Incident).one().what_happened == SECRET_INCIDENT


def test_outbox_notices_are_encrypted_too(members: Runtime) -> None:
    fill(members)
    with members.engine.connect() as connection:
        from storage.models import OutboxMessage

        payloads = [v for (v,) in connection.execute(
            select(type_coerce(OutboxMessage.__table__.c.payload, Text)))]
    assert payloads and not any("overdose" in p for p in payloads)


def test_rotation_re_encrypts_and_the_old_key_no_longer_reads(members: Runtime) -> None:
    fill(members)
    new = crypto.new_key()
    crypto.configure(f"{new},{DATA_KEY}")
    try:
        assert rotate_all(members.engine) == len(raw_values(members.engine))
        crypto.configure(DATA_KEY)
        with members.sessions() as session, pytest.raises(crypto.DataKeyError):
            session.query(Incident).one()
        crypto.configure(new)
        with members.sessions() as session:
            assert session.query(Incident).one().what_happened == SECRET_INCIDENT
    finally:
        crypto.configure(DATA_KEY)


def test_without_a_key_nothing_is_stored_or_read() -> None:
    crypto.configure(None)
    try:
        with pytest.raises(crypto.DataKeyError, match="COPROD_DATA_KEY is not set"):
            crypto.encrypt("anything")
    finally:
        crypto.configure(DATA_KEY)
    with pytest.raises(crypto.DataKeyError, match="not a Fernet key"):
        crypto.parse_keys("not-a-key")


def test_legacy_plain_text_is_still_read() -> None:
    assert crypto.decrypt("written before encryption") == "written before encryption"
    assert json.loads(crypto.decrypt('{"text": "old"}')) == {"text": "old"}
