"""Personal data, declared by each area: what it holds about a person, and how that is exported
(subject access), erased, and purged once past its retention period.

`/coprod mydata`, `coprod members erase` and the nightly retention only walk these declarations,
and a test fails when a table that holds a member id, a Slack user id or a phone number is
covered by none - so a new area cannot forget its people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Person:
    """The member being exported or erased, as they are before anything is removed."""

    member_id: int
    slack_user_id: str | None
    phone: str | None
    name: str


@dataclass(frozen=True)
class Periods:
    """Retention periods (days, by the names in bot/rules/retention.py) at a moment."""

    now: datetime
    days: Mapping[str, int]

    def before(self, kind: str) -> datetime:
        return self.now - timedelta(days=self.days[kind])


Export = Callable[[Session, Person], dict[str, Any]]
Erase = Callable[[Session, Person, datetime], dict[str, int]]
Purge = Callable[[Session, Periods], dict[str, int]]
Links = Callable[[Session, Person], int]


@dataclass(frozen=True)
class PersonalData:
    """One area's declaration. `tables`: every table of the area that holds people's data.
    `kept`: what erasure leaves on purpose, and why (said in the README's privacy section)."""

    area: str
    tables: tuple[str, ...]
    export: Export | None = None
    erase: Erase | None = None
    purge: Purge | None = None
    safeguarding_links: Links | None = None
    kept: str = ""


def rows_changed(session: Session, statement: Executable) -> int:
    """Runs a bulk UPDATE or DELETE and says how many rows it touched."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def declared_tables(declarations: Sequence[PersonalData]) -> set[str]:
    return {table for d in declarations for table in d.tables}
