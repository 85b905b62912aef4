"""Reading the member directory's CSV: each row becomes a clean record or a reason, by line."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.rules.communication import QuietHours, Reading, parse_quiet_hours, parse_reading
from bot.rules.involvement import InductionStep
from bot.rules.roles import Role, parse_roles

REQUIRED_COLUMNS = ("name", "slack_user_id", "phone", "roles", "contact", "sms_consent")
OPTIONAL_COLUMNS = ("trained_until", "induction", "reading", "screen_reader", "quiet_hours")
CONTACTS = ("slack", "sms", "both")
if TYPE_CHECKING:
    import phonenumbers

SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
DEFAULT_REGION = "GB"
YES = ("yes", "y", "true")
YES_OR_NO = (*YES, "no", "n", "false")


@dataclass(frozen=True)
class ProfileCells:
    """The communication profile columns of one row. A column the file doesn't have is None
    (quiet hours: `quiet_hours_given` False), so what is stored stays."""

    reading: Reading | None = None
    screen_reader: bool | None = None
    quiet_hours: QuietHours | None = None
    quiet_hours_given: bool = False


@dataclass(frozen=True)
class MemberRow:
    line: int
    name: str
    slack_user_id: str | None
    phone: str | None
    roles: frozenset[Role]
    contact: str
    sms_consent: bool
    trained_until: date | None
    # Induction steps done (recorded as done by the import; never taken away by it).
    induction: frozenset[InductionStep] = frozenset()
    profile: ProfileCells = ProfileCells()


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class CsvShapeError(ValueError):
    """The file as a whole cannot be read (no header, or required columns missing)."""


def parse_phone(text: str) -> str:
    """Any UK or international form to E.164; raises ValueError with a reason a person reads."""
    import phonenumbers  # its metadata is loaded with the first number read, not at start-up

    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise ValueError(f"the phone number {text!r} could not be read") from None
    if not (phonenumbers.is_valid_number(number) or _full_length_uk(number)):
        raise ValueError(f"the phone number {text!r} is not a valid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _full_length_uk(number: phonenumbers.PhoneNumber) -> bool:
    """phonenumbers rejects Ofcom's ranges kept for drama and tests (07700 900xxx): they are
    the right numbers for made-up people, and a full-length UK number is worth keeping."""
    import phonenumbers

    national = phonenumbers.national_significant_number(number)
    return number.country_code == 44 and len(national) == 10 and national[0] in "1237"


def parse_date(text: str) -> date:
    """ISO dates, or the UK's day/month/year that a spreadsheet is likely to hold."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"trained_until {text!r} is not a date like 2027-03-31 or 31/03/2027")


def read_member_rows(text: str) -> tuple[list[MemberRow], list[RowProblem]]:
    """Every good row and every bad row's reason; a file-level problem raises CsvShapeError."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None:
        raise CsvShapeError("the file is empty: it needs a header line")
    columns = [c.strip().lower() for c in reader.fieldnames]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CsvShapeError(f"the header is missing the column(s): {', '.join(missing)}")
    reader.fieldnames = columns

    rows: list[MemberRow] = []
    problems: list[RowProblem] = []
    seen_slack: dict[str, int] = {}
    seen_phone: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        cells = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(cells.values()):
            continue
        try:
            row = _read_row(line, cells)
        except ValueError as error:
            problems.append(RowProblem(line, str(error)))
            continue
        if row.slack_user_id and row.slack_user_id in seen_slack:
            problems.append(RowProblem(
                line, f"the Slack id is already on line {seen_slack[row.slack_user_id]}"))
            continue
        if row.phone and row.phone in seen_phone:
            problems.append(RowProblem(
                line, f"the phone number is already on line {seen_phone[row.phone]}"))
            continue
        if row.slack_user_id:
            seen_slack[row.slack_user_id] = line
        if row.phone:
            seen_phone[row.phone] = line
        rows.append(row)
    return rows, problems


def _read_row(line: int, cells: dict[str, str]) -> MemberRow:
    name = " ".join(cells.get("name", "").split())
    if not name:
        raise ValueError("the name is empty")
    if len(name) > 200:
        raise ValueError("the name is longer than 200 characters")

    slack_user_id = cells.get("slack_user_id", "").upper() or None
    if slack_user_id and not SLACK_USER_ID.match(slack_user_id):
        raise ValueError(f"{slack_user_id!r} does not look like a Slack user id (U0123ABCD)")
    phone = parse_phone(cells["phone"]) if cells.get("phone") else None

    roles, unknown = parse_roles(cells.get("roles", ""))
    if unknown:
        known = ", ".join(r.value for r in Role)
        raise ValueError(f"unknown role(s) {', '.join(unknown)}; roles are: {known}")

    contact = cells.get("contact", "").lower() or ("slack" if slack_user_id else "sms")
    if contact not in CONTACTS:
        raise ValueError(f"contact {contact!r} should be slack, sms or both")
    if contact in ("slack", "both") and not slack_user_id:
        raise ValueError(f"contact is {contact} but there is no slack_user_id")
    if contact in ("sms", "both") and not phone:
        raise ValueError(f"contact is {contact} but there is no phone number")

    consent_word = cells.get("sms_consent", "").lower() or "no"
    if consent_word not in YES_OR_NO:
        raise ValueError(f"sms_consent {consent_word!r} should be yes or no")

    trained_text = cells.get("trained_until", "")
    trained_until = parse_date(trained_text) if trained_text else None
    induction = parse_induction(cells.get("induction", ""))

    return MemberRow(
        line=line,
        name=name,
        slack_user_id=slack_user_id,
        phone=phone,
        roles=roles,
        contact=contact,
        sms_consent=consent_word in YES,
        trained_until=trained_until,
        induction=induction,
        profile=_profile_cells(cells),
    )


def _profile_cells(cells: dict[str, str]) -> ProfileCells:
    """The profile choices a row makes. An empty cell, like a column the file doesn't have,
    changes nothing: a member's own choices are not reset by a file that says nothing of
    them (a new member starts standard, with no screen reader and no quiet hours). To clear
    quiet hours, the cell says "none"."""
    reading_cell = cells.get("reading", "")
    reading = parse_reading(reading_cell) if reading_cell else None
    screen_reader: bool | None = None
    if cells.get("screen_reader"):
        word = cells["screen_reader"].lower()
        if word not in YES_OR_NO:
            raise ValueError(f"screen_reader {cells['screen_reader']!r} should be yes or no")
        screen_reader = word in YES
    given = bool(cells.get("quiet_hours"))
    return ProfileCells(reading=reading, screen_reader=screen_reader,
                        quiet_hours=parse_quiet_hours(cells["quiet_hours"]) if given else None,
                        quiet_hours_given=given)


def parse_induction(text: str) -> frozenset[InductionStep]:
    """Induction steps from a `;`-separated cell ("boundaries_training;shadowed_a_session")."""
    words = [w.strip().lower().replace(" ", "_") for w in text.split(";") if w.strip()]
    unknown = [w for w in words if w not in set(InductionStep)]
    if unknown:
        known = ", ".join(step.value for step in InductionStep)
        raise ValueError(f"unknown induction step(s) {', '.join(unknown)}; steps are: {known}")
    return frozenset(InductionStep(w) for w in words)
