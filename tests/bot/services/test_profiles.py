"""The profiles service on a real database: who may set whose, the consent it records, what is
audited, and finding the member a coordinator named."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from bot.rules.communication import ProfileChoice, ProfileField, Reading
from bot.rules.roles import NotAllowed
from bot.services import cases
from bot.services.privacy import NotInDirectory
from bot.services.profiles import InvalidProfile, ProfileChanged
from bot.wiring import Runtime
from storage.models import AuditEntry, Member, OutboxMessage

ADA, FIN, STRANGER = "U0COORD01", "U0MEMBR06", "U0STRANGR"
EASY = ProfileChoice(contact="sms", reading=Reading.EASY_READ)


def dev_id(runtime: Runtime) -> int:
    return next(m.id for m in runtime.services.members.list_members() if m.name == "Dev Patel")


def test_mine_says_how_we_reach_me_and_refuses_a_stranger(members: Runtime) -> None:
    ada = members.services.profiles.mine(ADA)
    assert (ada.name, ada.contact.value, ada.reading, ada.has_phone, ada.text_consent) == (
        "Ada Brightwater", "both", Reading.STANDARD, True, True)
    with pytest.raises(NotInDirectory):
        members.services.profiles.mine(STRANGER)
    with pytest.raises(NotInDirectory):
        members.services.profiles.set_mine(STRANGER, EASY)


def test_a_coordinator_needs_the_agreement_and_the_change_is_audited_without_the_choices(
    members: Runtime
) -> None:
    profiles = members.services.profiles
    with pytest.raises(InvalidProfile) as invalid:
        profiles.set_for(ADA, dev_id(members), EASY, agreed=False)
    assert set(invalid.value.errors) == {ProfileField.AGREED}

    quiet = ProfileChoice("sms", Reading.EASY_READ, quiet_from=time(21), quiet_until=time(8))
    changed = profiles.set_for(ADA, dev_id(members), quiet, agreed=True)
    assert changed.changed and changed.told == 1 and changed.profile.quiet is not None
    # The same choices again: nothing changed, nobody is messaged twice.
    again = profiles.set_for(ADA, dev_id(members), quiet, agreed=True)
    assert not again.changed and again.told == 0
    with members.sessions() as session:
        entries = [(e.actor_slack_id, e.action, e.subject) for e in session.scalars(
            select(AuditEntry).order_by(AuditEntry.id))]
        notices = [p for p in session.scalars(select(OutboxMessage.payload))
                   if p.get("notice") == ProfileChanged.kind]
    subject = f"member:{dev_id(members)}"
    assert entries == [(ADA, "changed profile", subject)] * 2
    assert len(notices) == 1 and set(notices[0]) == {"notice", "member_id", "by_member_id",
                                                     "changed_at"}


def test_someone_who_is_not_a_coordinator_is_refused_and_the_refusal_audited(
    members: Runtime
) -> None:
    profiles = members.services.profiles
    for attempt in (lambda: profiles.set_for(FIN, dev_id(members), EASY, agreed=True),
                    lambda: profiles.for_them(FIN, dev_id(members)),
                    lambda: profiles.choices_for(FIN)):
        with pytest.raises(NotAllowed):
            attempt()
    with members.sessions() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["refused change profile", "refused read profile"]
    assert profiles.mine("U0MEMBR06").reading is Reading.STANDARD


@pytest.mark.parametrize(("words", "found"), [
    ("<@U0FACIL02>", "Bram Okonkwo"),
    ("<@U0FACIL02|bram>", "Bram Okonkwo"),
    ("Dev Patel", "Dev Patel"),
    ("dev  patel", "Dev Patel"),
    ("@Dev", "Dev Patel"),
    # /coprod has should_escape false: Slack sends a mention as the words typed.
    ("@Fin Rowe", "Fin Rowe"),
    ("@fin", "Fin Rowe"),
    ("  @Fin   Rowe ", "Fin Rowe"),
    ("@fin.rowe", None),  # a Slack handle that is not their name in the member list
    ("@Rowe", None),
    ("cleo", "Cleo Marsh"),
    ("<@U0NOBODY9>", None),
    ("someone", None),
    ("Patel", None),  # a surname alone is not taken: first names and whole names only
])
def test_the_member_a_coordinator_names(members: Runtime, words: str,
                                        found: str | None) -> None:
    names = {m.id: m.name for m in members.services.members.list_members()}
    named = members.services.profiles.find_member(ADA, words)
    assert (names[named.member_id] if named.member_id is not None else None) == found
    assert not named.several


def test_two_members_with_the_same_first_name_are_chosen_from_the_list(
    members: Runtime
) -> None:
    members.services.members.import_csv("name,slack_user_id,phone,roles,contact,sms_consent\n"
                                        "Dev Morgan,U0DEVM009,,member,slack,no\n")
    several = members.services.profiles.find_member(ADA, "Dev")
    assert several.member_id is None and several.several
    assert members.services.profiles.find_member(ADA, "Dev Morgan").member_id is not None


def test_the_list_to_choose_from_says_when_it_is_cut_short(members: Runtime) -> None:
    profiles = members.services.profiles
    assert not profiles.choices_for(ADA).more
    rows = "".join(f"Zed Member {n:03d},U0ZED{n:04d},,member,slack,no\n" for n in range(92))
    members.services.members.import_csv("name,slack_user_id,phone,roles,contact,sms_consent\n"
                                        + rows)  # 100 in all: the list still holds everyone
    assert not profiles.choices_for(ADA).more
    members.services.members.import_csv("name,slack_user_id,phone,roles,contact,sms_consent\n"
                                        "Zoe Last,U0ZOELAST,,member,slack,no\n")
    choices = profiles.choices_for(ADA)
    assert len(choices.people) == 100 and choices.more


def test_the_audit_log_is_said_to_cover_profiles_as_it_does(members: Runtime) -> None:
    profiles = members.services.profiles
    profiles.for_them(ADA, dev_id(members))
    profiles.set_for(ADA, dev_id(members), EASY, agreed=True)
    with members.sessions() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["read profile", "changed profile"]
    # What the audit area says it keeps (the README's privacy section) says so, choices not.
    kept = cases.PERSONAL_DATA.kept
    assert "read or changed someone's communication profile (never what was chosen)" in kept
    assert "case or incident" in kept


def test_saving_a_profile_never_restarts_texts_someone_stopped(
    members: Runtime, console_sms: object
) -> None:
    from bot.delivery.sms import ConsoleSmsProvider

    assert isinstance(console_sms, ConsoleSmsProvider)
    profiles = members.services.profiles
    members.services.texting.receive("+447700900104", "STOP")  # Dev, texts only
    members.services.members.import_csv(  # Fin, on Slack, agreed to texts...
        "name,slack_user_id,phone,roles,contact,sms_consent\n"
        "Fin Rowe,U0MEMBR06,07700 900106,member,slack,yes\n")
    members.services.privacy.set_text_consent(FIN, False)  # ...and then withdrew it
    sent_before = len(console_sms.sent)

    # Dev's reading style changes; the way of reaching him, shown on the form, is kept.
    profiles.set_for(ADA, dev_id(members), ProfileChoice("sms", Reading.EASY_READ), agreed=True)
    # Nobody but Fin can agree to texts again: a coordinator choosing them is refused.
    fin = members.services.members.find_by_slack_id(FIN)
    assert fin is not None
    with pytest.raises(InvalidProfile) as invalid:
        profiles.set_for(ADA, fin.id, ProfileChoice("both", Reading.STANDARD), agreed=True)
    assert set(invalid.value.errors) == {ProfileField.CONTACT}
    members.dispatcher().deliver_due()

    with members.sessions() as session:
        consents = {m.name: [c.given for c in m.consents]
                    for m in session.scalars(select(Member))}
    assert consents["Dev Patel"] == [True, False]  # the import's yes, then his STOP
    assert consents["Fin Rowe"] == [True, False]
    assert [t.to for t in console_sms.sent[sent_before:]] == []  # no text after a STOP
    # Fin choosing texts himself is a new choice, and his to make.
    profiles.set_mine(FIN, ProfileChoice("both", Reading.STANDARD))
    assert members.services.profiles.mine(FIN).text_consent
