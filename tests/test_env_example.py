"""`.env.example` documents every setting, and nothing that is not one."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings


def test_every_setting_is_documented(project_root: Path) -> None:
    lines = (project_root / ".env.example").read_text().splitlines()
    documented = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}
    assert documented == {name.upper() for name in Settings.model_fields}
