"""The designer studio is reachable by process designers only, and shown in their menu."""

from __future__ import annotations

import pytest

from tests.test_web_pages import as_user, text
from webui import create_app


@pytest.fixture
def app(product):
    return create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real"})


@pytest.mark.parametrize("username", ["thietke", "admin"])
def test_designers_reach_the_studio_from_the_menu(app, username):
    client = as_user(app, username)
    assert 'href="/studio/"' in text(client.get("/inbox"))
    page = client.get("/studio/")
    assert page.status_code == 200
    assert "Thiết kế quy trình" in text(page)


@pytest.mark.parametrize("username", ["gv_a1", "ht_a", "ld_phong", "cv_phong"])
def test_others_get_403_and_no_menu_entry(app, username):
    client = as_user(app, username)
    assert 'href="/studio/"' not in text(client.get("/inbox"))
    page = client.get("/studio/")
    assert page.status_code == 403
    assert "chỉ dành cho cán bộ thiết kế quy trình" in text(page)


def test_signed_out_visitors_are_sent_to_sign_in(app):
    response = app.test_client().get("/studio/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
