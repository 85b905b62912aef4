"""Small pieces every builder uses: escaping people's words and the standard block shapes."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]


def escape_mrkdwn(text: str) -> str:
    """Slack reads &, < and > as control characters: escaped, `<!channel>` stays just text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(markdown: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": markdown[:3000]}}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150], "emoji": True}}


def context(markdown: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": markdown[:3000]}]}


def divider() -> Block:
    return {"type": "divider"}


def crisis_footer(crisis_line: str) -> Block:
    """Crisis signposting, one step away on every message a person reads."""
    return context(f"In danger now? Call *999*. Need to talk? {escape_mrkdwn(crisis_line)}")
