"""How long Coprod keeps each kind of record, in days, and why (the README says the same)."""

from __future__ import annotations

from bot.rules.forms import is_whole_number

DEFAULT_RETENTION: dict[str, int] = {
    # Resolved feedback: three years, the period charities commonly keep complaints records
    # for, long enough to see patterns across a trustees' term.
    "feedback": 3 * 365,
    # Resolved incidents: six years, following UK practice for adult safeguarding records
    # (and the six-year limitation period for most claims).
    "incidents": 6 * 365,
    # The audit log must outlive what it audits.
    "audit": 6 * 365,
    # Sessions, meetings, RSVPs and agenda items: two years, for annual reports and the AGM.
    "activity": 2 * 365,
    # Debrief requests: one year; they exist to make sure support was arranged.
    "debriefs": 365,
    # Texts members sent us: one year.
    "texts": 365,
    # Delivered or failed notifications and the reminder log: 90 days, enough to look into a
    # delivery problem; numbers that texted us without being members: 90 days too.
    "deliveries": 90,
}


def parse_retention(text: str) -> dict[str, int]:
    """"feedback=1095,incidents=2190" over the defaults; raises ValueError with a reason."""
    periods = dict(DEFAULT_RETENTION)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, days = part.partition("=")
        name = name.strip().lower()
        if name not in DEFAULT_RETENTION:
            raise ValueError(f"{name!r} is not one of {', '.join(DEFAULT_RETENTION)}")
        if not is_whole_number(days.strip()) or int(days) < 1:
            raise ValueError(f"{name} needs a whole number of days")
        periods[name] = int(days)
    return periods
