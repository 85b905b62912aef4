"""Reading the members CSV: phones, dates, roles and every bad row by line."""

from __future__ import annotations

from datetime import date

import pytest

from bot.rules.directory import CsvShapeError, parse_date, parse_phone, read_member_rows
from bot.rules.roles import NotAllowed, Role, parse_roles, require_role

HEADER = "name,slack_user_id,phone,roles,contact,sms_consent,trained_until\n"


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 (0)7700 900123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"),
        ("020 7946 0018", "+442079460018"),
        ("+1 202-555-0143", "+12025550143"),
        ("07911 123456", "+447911123456"),
    ],
)
def test_phone_numbers_in_any_form_become_e164(text: str, e164: str) -> None:
    assert parse_phone(text) == e164


@pytest.mark.parametrize("text", ["12345", "call me", "0770090012", "+44 7700 9001234567"])
def test_unreadable_phone_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="phone number"):
        parse_phone(text)


@pytest.mark.parametrize(("text", "day"), [("2027-03-31", date(2027, 3, 31)),
                                           ("31/03/2027", date(2027, 3, 31))])
def test_dates_iso_or_uk(text: str, day: date) -> None:
    assert parse_date(text) == day


def test_roles_always_include_member_and_report_unknown_words() -> None:
    roles, unknown = parse_roles("Coordinator; trained ;hr officer;wizard")
    assert roles == {Role.MEMBER, Role.COORDINATOR, Role.TRAINED, Role.HR_OFFICER}
    assert unknown == ["wizard"]


def test_require_role_refuses_kindly() -> None:
    require_role({Role.COORDINATOR}, Role.COORDINATOR)
    with pytest.raises(NotAllowed, match=r"Only a coordinator can do that\."):
        require_role({Role.MEMBER, Role.FACILITATOR}, Role.COORDINATOR)


def test_every_bad_row_is_named_by_line_and_good_rows_are_kept() -> None:
    text = HEADER + (
        "Ada Brightwater,U0COORD01,07700 900101,coordinator,both,yes,\n"   # 2 good
        ",U0EMPTY02,,member,slack,no,\n"                                     # 3 no name
        "Bram Okonkwo,U0FACIL02,,facilitator;wizard,slack,no,\n"             # 4 bad role
        "Cleo Marsh,,07700 900103,member,sms,maybe,\n"                       # 5 bad consent
        "Dev Patel,,07700 900104,member,slack,no,\n"                         # 6 slack, no id
        "Esme Hart,U0SAFEG05,,trained,slack,no,someday\n"                    # 7 bad date
        "Fin Rowe,U0COORD01,,member,slack,no,\n"                             # 8 duplicate id
        "Gus Lane,not-an-id,,member,slack,no,\n"                             # 9 bad id
        "Hal Moss,,12345,member,sms,yes,\n"                                  # 10 bad phone
        "Ida North,U0MEMBR10,,member,pigeon,no,\n"                           # 11 bad contact
        "\n"
        "Jo Vale,u0membr11,,member,,,31/12/2027\n"                           # 13 good
    )
    rows, problems = read_member_rows(text)
    assert [r.line for r in rows] == [2, 13]
    assert rows[1].slack_user_id == "U0MEMBR11" and rows[1].contact == "slack"
    assert rows[1].trained_until == date(2027, 12, 31) and rows[1].sms_consent is False
    assert [(p.line, p.reason) for p in problems] == [
        (3, "the name is empty"),
        (4, "unknown role(s) wizard; roles are: member, facilitator, trained, coordinator, "
            "safeguarding_lead, hr_officer, trustee"),
        (5, "sms_consent 'maybe' should be yes or no"),
        (6, "contact is slack but there is no slack_user_id"),
        (7, "trained_until 'someday' is not a date like 2027-03-31 or 31/03/2027"),
        (8, "the Slack id is already on line 2"),
        (9, "'NOT-AN-ID' does not look like a Slack user id (U0123ABCD)"),
        (10, "the phone number '12345' is not a valid number"),
        (11, "contact 'pigeon' should be slack, sms or both"),
    ]


def test_quoted_cells_with_commas_and_a_byte_order_mark() -> None:
    rows, problems = read_member_rows(
        "\ufeff" + HEADER + '"Marsh, Cleo",U0TRAIN03,,"facilitator;trained",slack,no,\n')
    assert problems == []
    assert rows[0].name == "Marsh, Cleo"
    assert rows[0].roles == {Role.MEMBER, Role.FACILITATOR, Role.TRAINED}


def test_a_file_without_the_columns_is_refused_whole() -> None:
    with pytest.raises(CsvShapeError, match="missing the column"):
        read_member_rows("name,phone\nAda,07700 900101\n")
    with pytest.raises(CsvShapeError, match="empty"):
        read_member_rows("")
