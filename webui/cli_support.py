"""What every `tdkt` command shares: the configured database and error reporting to stderr.

Kept apart from webui.cli so command modules in webui.commands can import it without a cycle.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from engine import calendar, clock
from engine.config import load_settings
from engine.db import Database, get_database
from engine.definitions.problems import DefinitionError
from engine.errors import EngineError


def open_database() -> Database:
    settings = load_settings()
    db = get_database(settings.database_url)
    clock.configure(settings.clock_mode, db)
    calendar.use_database(db)
    return db


def reports_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DefinitionError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(1)
        except EngineError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(1)
    return wrapper
