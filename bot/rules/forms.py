"""What every form's check gives back when something needs fixing."""

from __future__ import annotations


class NeedsChanges(ValueError):
    """The form needs changes: `errors` maps each field to a kind sentence. Handlers show each
    beside its field (response_action "errors"); the CLI prints them and exits non-zero."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))  # field names only: never what was typed
        self.errors = errors


def is_whole_number(text: str) -> bool:
    """Digits 0-9 only: str.isdigit() also says yes to "²" and "①", which int() refuses."""
    return text.isascii() and text.isdigit()
