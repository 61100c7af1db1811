"""Shared by the web page tests and the browser tests: signing in through the real form, a process with
a BPMN drawing (diagram interchange) plus a form that uses every widget or the test's own, and a case of it
behind an app that stores attachments."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from engine.db import Database
from engine.runtime.instances import start_instance
from tests.helpers import add_form, deploy_bytes
from webui import create_app

FIXTURES = Path(__file__).parent / "fixtures"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "demo1234"


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: Any, username: str, password: str = PASSWORD) -> Any:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def deploy_drawn_process(db: Database, schema: dict[str, Any] | None = None) -> str:
    """Deploy `web_minh_chung` (with diagram interchange) and its form, `schema` or by default the fixture
    form using every widget; returns the process key."""
    if schema is None:
        schema = json.loads((FIXTURES / "web_minh_chung.json").read_text(encoding="utf-8"))
        schema.pop("type", None)
    add_form(db, "web_minh_chung", schema)
    deploy_bytes(db, "web_minh_chung.bpmn", (FIXTURES / "web_minh_chung.bpmn").read_bytes())
    return "web_minh_chung"


def attachment_case(db: Database, schema: dict[str, Any], title: str, root: Path) -> tuple[Any, int]:
    """`web_minh_chung` with form `schema`, a case of th_a titled `title`, and the app storing attachments
    under `root`: (app, case id)."""
    case_id = start_instance(db, None, deploy_drawn_process(db, schema), "th_a", title=title).id
    return create_app({"DATABASE_URL": db.url, "TESTING": True, "ATTACHMENTS_DIR": str(root)}), case_id
