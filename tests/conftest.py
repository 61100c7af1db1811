"""Test databases: a fresh SQLite file per test (copied from a migrated template), or, when
TDKT_DATABASE_URL points at PostgreSQL, that database migrated once and truncated per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from engine import calendar, clock
from engine.bootstrap import load_roles
from engine.config import PROJECT_ROOT
from engine.db import Database, forget_database
from engine.migrate import upgrade
from engine.models import Base
from engine.serialization import SPEC_CACHE

PG_URL = os.environ.get("TDKT_DATABASE_URL", "")
USE_PG = PG_URL.startswith("postgresql")


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    if USE_PG:
        db = Database(PG_URL)
        upgrade(db)
        db.dispose()
        return None
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def db(_template: Path | None, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database of the kind under test."""
    SPEC_CACHE.clear()
    if USE_PG:
        database = Database(PG_URL)
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with database.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        assert _template is not None
        path = tmp_path / "test.sqlite3"
        shutil.copy(_template, path)
        database = Database(f"sqlite:///{path}")
    try:
        yield database
    finally:
        clock.configure("real")
        calendar.use_database(None)
        SPEC_CACHE.clear()
        database.dispose()
        forget_database(database.url)


@pytest.fixture
def org(db: Database) -> Database:
    """The demo role catalogue, units and people (no processes)."""
    from engine.demo import seed_organisation

    load_roles(db, PROJECT_ROOT / "processes" / "roles.yaml")
    seed_organisation(db)
    return db


@pytest.fixture
def product(org: Database) -> Database:
    """`org` plus the forms and processes shipped in forms/ and processes/."""
    from engine.bootstrap import init
    from engine.config import load_settings

    init(org, load_settings())
    return org


@pytest.fixture
def council(product: Database) -> Database:
    """`product` plus the council of seven at a test school (tests/council_scene.py)."""
    from tests.council_scene import build_council

    build_council(product)
    return product


@pytest.fixture
def client(product):
    """A Flask test client of the app on the test database (REST API and pages)."""
    from webui import create_app

    return create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real"}).test_client()


@pytest.fixture
def token(product):
    """token(username) -> the Authorization header of a fresh bearer token for that user."""
    from engine.accounts import issue_token
    from engine.org import person_by_username

    def make(username: str) -> dict[str, str]:
        with product.transaction() as session:
            return {"Authorization": f"Bearer {issue_token(session, person_by_username(session, username))}"}
    return make


@pytest.fixture
def tdkt(product, monkeypatch):
    """tdkt(*args, ok=True) runs the CLI in-process against the test database and checks the exit code."""
    from click.testing import CliRunner

    from webui.cli import main

    monkeypatch.setenv("TDKT_DATABASE_URL", product.url)
    runner = CliRunner()

    def run(*args: str, ok: bool = True):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert (result.exit_code == 0) == ok, (args, result.output, result.stderr)
        return result
    return run
