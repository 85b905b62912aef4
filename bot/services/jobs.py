"""Scheduled jobs take their items one by one: each in a savepoint of its own, so one item that
fails (a bad row, a bug) is rolled back and logged by its id, and the others still go."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session


class HasId(Protocol):
    @property
    def id(self) -> int: ...


Item = TypeVar("Item", bound=HasId)


def one_by_one(session: Session, items: Iterable[Item], work: Callable[[Item], int],
               logger: logging.Logger, failed: str) -> int:
    """Runs `work` on each item in a savepoint; an item that fails is rolled back and logged by
    id (`failed` reads "session %d could not ..."), without its error's words, which may hold
    people's. Returns the sum of what `work` returned."""
    done = 0
    for item in items:
        item_id = item.id
        try:
            with session.begin_nested():
                done += work(item)
        except Exception as error:
            logger.exception(failed + " (%s)", item_id, type(error).__name__)
    return done
