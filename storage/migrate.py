"""Applies Alembic migrations from inside Coprod (`coprod db upgrade`, and `serve` on start).

A process starting on a database already up to date (every restart but the one after an
upgrade) finds that out with one query and the migration files read as text, without loading
Alembic and every migration: that is most of a start-up's time otherwise."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
DOWN_REVISION = re.compile(r"^down_revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser treats % as interpolation; a password may contain one.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def newest_revision() -> str | None:
    """The revision no other migration builds on, read from the files as text; None if the
    history has more than one end (then Alembic itself decides)."""
    revisions, built_on = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        words = path.read_text()
        found = REVISION.search(words)
        if found:
            revisions.add(found.group(1))
        below = DOWN_REVISION.search(words)
        if below:
            built_on.add(below.group(1))
    ends = revisions - built_on
    return ends.pop() if len(ends) == 1 else None


def is_up_to_date(engine: Engine) -> bool:
    newest = newest_revision()
    if newest is None:
        return False
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        stored = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return list(stored) == [newest]


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and is_up_to_date(engine):
        return
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
