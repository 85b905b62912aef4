"""What the benchmarks share: a percentile, and a fresh database for each run."""

from __future__ import annotations

from pathlib import Path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def fresh_database(url: str, folder: str, name: str) -> str:
    if not url:
        return f"sqlite:///{Path(folder) / name}.db"
    from sqlalchemy import text

    from storage.db import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url
