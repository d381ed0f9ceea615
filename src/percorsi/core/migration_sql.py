"""Raw SQL that only PostgreSQL runs (triggers, extensions, special indexes), for migrations.

Through a plain cursor without parameters: the SQL may hold a literal '%' (RAISE's format)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def execute_on_postgresql(schema_editor: Any, sql: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def postgresql_only(create: str, drop: str) -> migrations.RunPython:
    """A reversible migration operation running `create` forwards and `drop` backwards, on PostgreSQL only."""
    return migrations.RunPython(
        lambda apps, schema_editor: execute_on_postgresql(schema_editor, create),
        lambda apps, schema_editor: execute_on_postgresql(schema_editor, drop),
        elidable=False,
    )
