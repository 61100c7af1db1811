"""Flask application factory: REST API under /api/v1 and the web pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from engine import clock
from engine.config import load_settings
from engine.db import Database, get_database

MAX_REQUEST_BYTES = 6 * 1024 * 1024


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    settings = load_settings()
    app = Flask(__name__)
    app.config.update(
        DATABASE_URL=settings.database_url,
        CLOCK_MODE=settings.clock_mode,
        SECRET_KEY=settings.secret_key or "dev-only-secret-change-me",
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        JSON_SORT_KEYS=False,
    )
    app.config.update(overrides or {})
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    db = get_database(app.config["DATABASE_URL"])
    app.extensions["tdkt_db"] = db
    clock.configure(app.config["CLOCK_MODE"], db)
    logging.getLogger("spiff").setLevel(logging.WARNING)

    from webui.api import api
    from webui.pages import pages

    app.register_blueprint(api)
    app.register_blueprint(pages)
    return app


def app_db(app: Flask) -> Database:
    return app.extensions["tdkt_db"]
