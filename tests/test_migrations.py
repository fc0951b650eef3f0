"""The migrations build exactly the schema the models describe, and downgrade cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import inspection.storage.all_models  # noqa: F401  (registers every table)


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        engine.dispose()


def test_downgrade_to_nothing_and_back(database_url: str) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from inspection.storage.migrate import alembic_config, upgrade

    command.downgrade(alembic_config(database_url), "base")
    engine = create_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(database_url)
        assert {"card", "card_entry", "inspection"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_inspection_record_has_exactly_the_tables_columns() -> None:
    """The plain record the domain works on and the table it is stored in name the same columns."""
    from dataclasses import fields

    from inspection.storage.inspection_models import Inspection
    from inspection.storage.inspections import InspectionRecord

    assert {f.name for f in fields(InspectionRecord)} == {c.name for c in Inspection.__table__.columns}  # type: ignore[attr-defined]
