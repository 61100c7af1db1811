"""Route-level authorization: every web page and action route (all of `app.url_map` outside /api/, which
has its own tests) × officer, manager, designer, an officer of another unit and a signed-out visitor.

The rows live in tests/authz_rows/ (see its docstring for how to add yours). A route without a row
fails `test_every_route_has_a_row`, naming the route and telling what to add.
"""

from __future__ import annotations

import pytest

from tests.authz_rows import ROLE_ORDER, USERS, Row, all_rows, scene
from tests.helpers import person_id
from webui import create_app
from webui.security import CSRF_SESSION_KEY

ROWS = all_rows()
TOKEN = "route-table-csrf-token"
HOW_TO_ADD = ("add a Row(method, rule, url, officer=…, manager=…, designer=…, outsider=…) for it to ROWS in "
              "a module of tests/authz_rows/ (see tests/authz_rows/__init__.py)")


def routes(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules() if not rule.rule.startswith("/api/")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


@pytest.fixture
def app(product, tmp_path):
    return create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real",
                       "ATTACHMENTS_DIR": str(tmp_path / "attachments")})


def test_every_route_has_a_row(app):
    keys = [row.key for row in ROWS]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    missing = sorted(routes(app) - set(keys))
    stale = sorted(set(keys) - routes(app))
    problems = [f"route {method} {rule} has no row in the authorization table: {HOW_TO_ADD}"
                for method, rule in missing]
    problems += [f"row {method} {rule} names no route of the application (renamed or removed?)"
                 for method, rule in stale]
    problems += [f"route {method} {rule} has more than one row" for method, rule in duplicated]
    assert not problems, "\n".join(problems)


def _client(app, product, role: str):
    """A client signed in as the role's person (the session the sign-in form makes: the form itself and
    its password checks are tested in test_web_pages.py; hashing five passwords per row would be slow)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session[CSRF_SESSION_KEY] = TOKEN
        if USERS[role]:
            session["person_id"] = person_id(product, USERS[role])
    return client, TOKEN


@pytest.mark.parametrize("row", ROWS, ids=[f"{row.method} {row.rule}" for row in ROWS])
def test_route_answers_each_role_as_expected(app, product, tmp_path, row: Row):
    built = scene.build(product, tmp_path / "attachments")
    url = row.concrete_url(built)
    problems = []
    for role in ROLE_ORDER:
        client, token = _client(app, product, role)
        headers = {"HX-Request": "true"} if row.htmx else {}
        if row.method == "GET":
            response = client.get(url, headers=headers)
        else:
            data = {"csrf_token": token, **row.form(built), **(row.files() if row.files else {})}
            response = client.open(url, method=row.method, headers=headers, data=data,
                                   content_type="multipart/form-data" if row.files else None)
        if response.status_code != row.expected(role):
            problems.append(f"{row.method} {url} as {role} ({USERS[role] or 'signed out'}): "
                            f"{response.status_code}, expected {row.expected(role)}")
    assert not problems, "\n".join(problems)
