"""Every table that holds something about a person is declared by an area, for export, erasure
and retention: a new table with a member id, a Slack user id or a phone number fails here until
its area says what happens to it."""

from __future__ import annotations

import re

from bot.services import PERSONAL_DATA
from bot.services.personal_data import declared_tables
from storage.models import Base

# Columns that point at a person: a member, a Slack user (who did or was sent something), a
# phone number, or where a notice was sent.
PERSON_COLUMN = re.compile(r"^(member_id|slack_user_id|phone|target)$|_slack_id$|_by$")


def tables_holding_people() -> set[str]:
    return {table.name for table in Base.metadata.tables.values()
            if any(PERSON_COLUMN.search(column.name) for column in table.columns)}


def test_every_table_holding_a_person_is_declared_by_an_area() -> None:
    holding = tables_holding_people()
    assert {"members", "outbox", "incidents", "feedback_cases", "meeting_rsvps"} <= holding
    undeclared = holding - declared_tables(PERSONAL_DATA)
    assert not undeclared, f"no area declares what happens to the people in {undeclared}"


def test_declarations_name_real_tables_once_each() -> None:
    named = [table for d in PERSONAL_DATA for table in d.tables]
    assert set(named) <= set(Base.metadata.tables)
    assert len(named) == len(set(named))
    assert len({d.area for d in PERSONAL_DATA}) == len(PERSONAL_DATA)


def test_the_member_record_is_erased_last() -> None:
    # Every other area finds the person through it.
    assert PERSONAL_DATA[-1].area == "members"


def test_every_area_with_people_in_it_says_what_erasure_does() -> None:
    # Either it erases, or it says what it keeps and why (shown in the README).
    silent = [d.area for d in PERSONAL_DATA if d.tables and d.erase is None and not d.kept]
    assert silent == []
