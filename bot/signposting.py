"""The signposting list: local services and crisis lines, from a YAML file an organisation
can replace with its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).with_name("signposting.yaml")


class SignpostingError(ValueError):
    """The file can't be read as a list of services; the message says what is wrong."""


@dataclass(frozen=True)
class Signpost:
    name: str
    contact: str
    when: str
    # The council's adult safeguarding team: shown to safeguarding leads at the s42 step,
    # not in the lists members see.
    adult_safeguarding: bool = False


def for_members(signposts: list[Signpost]) -> tuple[Signpost, ...]:
    return tuple(s for s in signposts if not s.adult_safeguarding)


def adult_safeguarding_contacts(signposts: list[Signpost]) -> tuple[Signpost, ...]:
    return tuple(s for s in signposts if s.adult_safeguarding)


def load_signposts(path: Path | None = None) -> list[Signpost]:
    source = path or DEFAULT_FILE
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SignpostingError(f"{source} could not be read ({type(error).__name__})") from None
    if not isinstance(data, list) or not data:
        raise SignpostingError(f"{source} should be a list of services")
    signposts = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not item.get("name") or not item.get("contact"):
            raise SignpostingError(f"entry {number} in {source} needs a name and a contact")
        signposts.append(Signpost(str(item["name"]), str(item["contact"]),
                                  str(item.get("when", "")),
                                  item.get("adult_safeguarding") is True))
    return signposts
