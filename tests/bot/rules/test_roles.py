"""Role names as people read them."""

from __future__ import annotations

import pytest

from bot.rules.roles import ROLE_WORDS, Role, role_label


@pytest.mark.parametrize(
    ("role", "label"),
    [
        (Role.HR_OFFICER, "HR officer"),
        (Role.TRAINED, "Trained facilitator (DBS-checked)"),
        (Role.SAFEGUARDING_LEAD, "Safeguarding lead"),
        (Role.MEMBER, "Member"),
    ],
)
def test_a_label_capitalises_the_first_letter_only(role: Role, label: str) -> None:
    assert role_label(role) == label


def test_every_role_has_words_with_no_underscores() -> None:
    assert set(ROLE_WORDS) == set(Role)
    assert not any("_" in words for words in ROLE_WORDS.values())
