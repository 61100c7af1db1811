"""Flask application factory: REST API under /api/v1 and the officers' web pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from engine import calendar, clock
from engine.attachments import attachments_root
from engine.config import Settings, load_settings
from engine.db import get_database

MAX_REQUEST_BYTES = 12 * 1024 * 1024  # a task form with one 10 MB attachment (engine.attachments) and its fields


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    from webui.security import session_config

    settings = load_settings()
    app = Flask(__name__)
    app.config.update(
        DATABASE_URL=settings.database_url,
        CLOCK_MODE=settings.clock_mode,
        SECRET_KEY=settings.secret_key or _instance_secret_key(settings),
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        ATTACHMENTS_DIR=str(attachments_root(settings)),
        JSON_SORT_KEYS=False,
        **session_config(),
    )
    app.config.update(overrides or {})
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    db = get_database(app.config["DATABASE_URL"])
    app.extensions["tdkt_db"] = db
    clock.configure(app.config["CLOCK_MODE"], db)
    calendar.use_database(db)
    logging.getLogger("spiff").setLevel(logging.WARNING)
    _init_web(app)
    return app


def _init_web(app: Flask) -> None:
    from webui import auth, cases, dashboard, dashboard_actions, documents, export, inbox, plans, studio, taskform
    from webui.api import api
    from webui.errors import init_error_pages
    from webui.i18n import init_i18n
    from webui.layout import init_layout
    from webui.officer import officer_blueprints
    from webui.pages import pages
    from webui.security import init_security

    init_i18n(app)
    init_security(app)
    init_layout(app)
    init_error_pages(app)
    app.register_blueprint(api)
    app.register_blueprint(pages)
    for blueprint in (auth.auth, inbox.bp, taskform.bp, cases.bp, dashboard.bp, dashboard_actions.bp, export.bp,
                      plans.bp, studio.load_features(), *officer_blueprints()):
        app.register_blueprint(blueprint)
    app.register_blueprint(documents.bp)


def _instance_secret_key(settings: Settings) -> str:
    """Without TDKT_SECRET_KEY, a random key kept in the instance folder (never a shared default)."""
    import secrets

    path = settings.instance_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()

