"""The member directory service on a real database."""

from __future__ import annotations

from datetime import date

import pytest

from bot.rules.roles import NotAllowed, Role
from bot.services.members import require_coordinator
from bot.wiring import Runtime
from storage.models import ContactPreference
from storage.repositories import MemberRepository
from tests.conftest import MEMBERS_CSV, FakeClock

HEADER = "name,slack_user_id,phone,roles,contact,sms_consent,trained_until\n"


def test_import_stores_members_with_e164_phones_roles_and_consent(runtime: Runtime) -> None:
    report = runtime.services.members.import_csv(MEMBERS_CSV)
    assert (report.added, report.updated, report.unchanged, report.problems) == (8, 0, 0, [])
    ada = runtime.services.members.find_by_slack_id("U0COORD01")
    assert ada is not None
    assert ada.phone == "+447700900101"
    assert ada.roles == {Role.MEMBER, Role.COORDINATOR, Role.FACILITATOR, Role.TRAINED}
    assert ada.contact is ContactPreference.BOTH
    assert ada.sms_consent and ada.consent_changed_at == runtime.services.clock()
    assert ada.trained_until == date(2027, 6, 30)
    names = [m.name for m in runtime.services.members.list_members()]
    assert names == sorted(names) and len(names) == 8
    assert runtime.services.members.names_with_role(Role.SAFEGUARDING_LEAD) == ["Esme Hart"]


def test_importing_twice_changes_nothing(runtime: Runtime, clock: FakeClock) -> None:
    runtime.services.members.import_csv(MEMBERS_CSV)
    before = runtime.services.members.list_members()
    clock.advance(days=1)
    report = runtime.services.members.import_csv(MEMBERS_CSV)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 8)
    assert runtime.services.members.list_members() == before


def test_a_changed_row_updates_the_member_matched_by_phone(
    runtime: Runtime, clock: FakeClock
) -> None:
    runtime.services.members.import_csv(MEMBERS_CSV)
    clock.advance(days=2)
    # Dev Patel joins Slack and becomes a facilitator; found by phone, not duplicated.
    report = runtime.services.members.import_csv(
        HEADER + "Dev Patel,U0DEVPA04,+447700900104,member;facilitator,both,no,\n")
    assert (report.added, report.updated) == (0, 1)
    dev = runtime.services.members.find_by_slack_id("U0DEVPA04")
    assert dev is not None and dev.roles == {Role.MEMBER, Role.FACILITATOR}
    assert dev.contact is ContactPreference.BOTH
    assert len(runtime.services.members.list_members()) == 8
    # Consent withdrawn: recorded as a new entry, so the history keeps when it was given.
    assert dev.sms_consent is False and dev.consent_changed_at == clock.now
    with runtime.sessions() as session:
        member = MemberRepository(session).get_by_phone("+447700900104")
        assert member is not None
        assert [(c.given, c.method) for c in member.consents] == [
            (True, "members import"), (False, "members import")]


def test_a_row_matching_two_different_members_is_refused(runtime: Runtime) -> None:
    runtime.services.members.import_csv(MEMBERS_CSV)
    report = runtime.services.members.import_csv(
        HEADER + "Mixed Up,U0COORD01,07700 900104,member,slack,no,\n"
        "Fin Rowe,U0MEMBR06,,member;trustee,slack,no,\n")
    assert [(p.line, p.reason) for p in report.problems] == [
        (2, "the Slack id and the phone number belong to two different members")]
    assert report.updated == 1
    fin = runtime.services.members.find_by_slack_id("U0MEMBR06")
    assert fin is not None and Role.TRUSTEE in fin.roles


def test_one_coordinator_check_reads_the_directory(members: Runtime) -> None:
    with members.sessions() as session:
        assert require_coordinator(session, "U0COORD01").name == "Ada Brightwater"
        for someone in ("U0FACIL02", "U0NOBODY9"):
            with pytest.raises(NotAllowed) as refused:
                require_coordinator(session, someone)
            assert refused.value.needed is Role.COORDINATOR
    assert members.services.members.require("U0SAFEG05", Role.SAFEGUARDING_LEAD).name == \
        "Esme Hart"


def test_only_coordinators_see_who_cannot_be_texted(members: Runtime) -> None:
    texting = members.services.texting
    assert texting.unreachable("U0COORD01") == []  # everyone who wants texts can get them
    with pytest.raises(NotAllowed):
        texting.unreachable("U0FACIL02")


def test_how_many_take_texts_counts_only_a_phone_texts_and_a_latest_yes(
    runtime: Runtime
) -> None:
    members = runtime.services.members
    members.import_csv(HEADER
                       + "Tam Texts,,07700 900201,member,sms,yes,\n"
                       + "Bo Both,U0BOTH001,07700 900202,member,both,yes,\n"
                       + "Sid Slack,U0SLACK01,07700 900203,member,slack,yes,\n"
                       + "Nan No,,07700 900204,member,sms,no,\n"
                       + "Pip Nophone,U0NOPH001,,member,both,no,\n")
    assert members.how_many_take_texts() == 2
    runtime.services.privacy.set_text_consent("U0BOTH001", False)  # Bo's latest word is no
    assert members.how_many_take_texts() == 1
    runtime.services.privacy.set_text_consent("U0BOTH001", True)
    assert members.how_many_take_texts() == 2
