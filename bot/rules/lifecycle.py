"""The two shapes every follow-up takes, as pure rules.

A *case* (a feedback case, an incident) moves forward through its statuses and never back:
acknowledging twice, or resolving what is resolved, changes nothing. A *request* (a
confidential meeting about feedback, a debrief after a session, asking to present to the
trustees; next, expenses, declarations, exit conversations) goes requested -> acknowledged ->
arranged or declined, and the person who asked is told at each step.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TypeVar

Status = TypeVar("Status", bound=enum.Enum)


def moves_forward(order: Sequence[Status], current: Status, to: Status) -> bool:
    """Whether going from `current` to `to` is a step forward in `order`."""
    return order.index(to) > order.index(current)


class RequestStatus(enum.StrEnum):
    REQUESTED = "requested"
    ACKNOWLEDGED = "acknowledged"
    ARRANGED = "arranged"
    DECLINED = "declined"


REQUEST_OPEN = (RequestStatus.REQUESTED, RequestStatus.ACKNOWLEDGED)
REQUEST_CLOSED = (RequestStatus.ARRANGED, RequestStatus.DECLINED)


def request_step(current: RequestStatus, to: RequestStatus) -> RequestStatus | None:
    """The request's next status, or None when the step changes nothing: a closed request stays
    closed, acknowledging twice is once, and it may be arranged or declined straight away."""
    if current in REQUEST_CLOSED or current is to:
        return None
    if to is RequestStatus.REQUESTED:
        return None
    return to
