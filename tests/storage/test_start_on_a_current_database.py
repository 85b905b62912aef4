"""A process starting on a database already up to date doesn't load Alembic or any migration:
the newest revision is read from the migration files as text, and the database is asked once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, text

from storage.migrate import alembic_config, is_up_to_date, newest_revision


def test_the_newest_revision_read_as_text_is_alembics_head(engine: Engine) -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert newest_revision() == script.get_current_head()
    assert is_up_to_date(engine)  # the test database, migrated once for the session


def test_an_older_database_is_not_up_to_date(tmp_path: Path) -> None:
    from storage.db import make_engine
    from storage.migrate import downgrade, upgrade

    older = make_engine(f"sqlite:///{tmp_path / 'older.db'}")
    assert not is_up_to_date(older)  # nothing there yet
    upgrade(older)
    assert is_up_to_date(older)
    downgrade(older, "0018")
    assert not is_up_to_date(older)
    upgrade(older)
    with older.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == (
            newest_revision())
    older.dispose()


def test_starting_on_a_current_database_loads_no_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'current.db'}"
    start = ("import sys; from storage.db import make_engine; from storage.migrate import "
             f"upgrade; upgrade(make_engine({url!r})); print('alembic' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", start], capture_output=True, text=True,
                           check=True)
    again = subprocess.run([sys.executable, "-c", start], capture_output=True, text=True,
                           check=True)
    assert (first.stdout.strip(), again.stdout.strip()) == ("True", "False")
