"""Reading a view's state as Slack reports it: `values[block_id][action_id]` per input."""

from __future__ import annotations

from typing import Any


def values_of(view: dict[str, Any]) -> dict[str, Any]:
    return view.get("state", {}).get("values", {})


def field(state: dict[str, Any], block: str) -> dict[str, Any]:
    """The one element's state in an input block (each of ours holds a single element)."""
    return next(iter(state.get(block, {}).values()), {})


def selected(state: dict[str, Any], block: str) -> str | None:
    """The chosen option of a select or radio group, or None."""
    option = field(state, block).get("selected_option")
    return option.get("value") if option else None


def ticked(state: dict[str, Any], block: str) -> set[str]:
    """The values of the ticked checkboxes or chosen multi-select options."""
    return {o.get("value") for o in field(state, block).get("selected_options") or []}
