"""Re-encrypting every stored secret under the first key of COPROD_DATA_KEY (key rotation)."""

from __future__ import annotations

from sqlalchemy import Engine, Text, select, type_coerce, update

from storage import crypto
from storage.crypto import EncryptedJSON, EncryptedText
from storage.models import Base


def encrypted_columns() -> list[tuple[str, str]]:
    return [(table.name, column.name)
            for table in Base.metadata.sorted_tables for column in table.columns
            if isinstance(column.type, EncryptedText | EncryptedJSON)]


def rotate_all(engine: Engine) -> int:
    """Every encrypted value read with any configured key and written with the first one.
    Rows are read raw (as stored), so nothing is decrypted into memory longer than needed."""
    changed = 0
    with engine.begin() as connection:
        for table_name, column_name in encrypted_columns():
            table = Base.metadata.tables[table_name]
            keys = list(table.primary_key.columns)
            raw = type_coerce(table.c[column_name], Text)
            for row in connection.execute(select(*keys, raw.label("value"))).all():
                if row.value is None:
                    continue
                rotated = crypto.rotate(row.value)
                if rotated == row.value:
                    continue
                where = [key == row._mapping[key.name] for key in keys]
                connection.execute(update(table).where(*where)
                                   .values({column_name: type_coerce(rotated, Text)}))
                changed += 1
    return changed
