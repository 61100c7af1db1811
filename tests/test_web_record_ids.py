"""A record id longer than the database's keys (a mistyped or hostile address) names nothing: 404 for an
id in the address, the field's own refusal for one in a query or form — never a 500 from the database."""

from __future__ import annotations

import pytest

from tests.authz_rows.scene import PROCESS
from tests.browser.support import csrf_from
from tests.test_web_pages import as_user, text
from webui import create_app
from webui.ids import MAX_ID, id_or_none

BIG = "99999999999999999999"  # beyond 64 bits too


@pytest.fixture
def app(product):
    return create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real"})


def test_id_or_none_keeps_ids_the_database_can_hold():
    assert id_or_none("42") == 42 and id_or_none(f" {MAX_ID} ") == MAX_ID
    assert id_or_none(str(MAX_ID + 1)) is None and id_or_none(BIG) is None
    assert id_or_none("-3") is None and id_or_none("3a") is None and id_or_none("") is None and id_or_none(None) is None


@pytest.mark.parametrize(("username", "url"), [
    ("gv_a1", f"/cases/{BIG}"),
    ("gv_a1", f"/cases/{MAX_ID + 1}/documents/bien_ban.docx"),
    ("gv_a1", f"/tasks/{BIG}"),
    ("gv_a1", f"/plans/{BIG}"),
    ("thietke", f"/studio/plans/{BIG}"),
    ("thietke", f"/studio/processes/{PROCESS}/versions/{BIG}/file"),
])
def test_an_id_beyond_the_keys_in_the_address_is_not_found(app, username, url):
    response = as_user(app, username).get(url)
    assert response.status_code == 404, url


def test_an_id_beyond_the_keys_in_a_query_or_form_is_refused_by_its_field(app):
    officer = as_user(app, "gv_a1")
    unit_list = officer.get(f"/units/th_a/documents/danh_sach_trich_ngang.xlsx?plan={BIG}")
    assert unit_list.status_code == 400 and "?plan=3" in text(unit_list)
    manager = as_user(app, "ht_a")
    heatmap = manager.get(f"/dashboard/heatmap?plan={BIG}", headers={"HX-Request": "true"})
    assert heatmap.status_code == 200  # as if no plan were chosen
    assert manager.get(f"/dashboard/export/heatmap.xlsx?plan={BIG}").status_code == 404
    token = csrf_from(text(manager.get("/dashboard")))
    acted = manager.post("/dashboard/actions", data={"csrf_token": token, "list": "overdue", "action": "remind",
                                                     "ids": BIG})
    assert acted.status_code == 302  # nothing chosen: back to the list with a message
    designer = as_user(app, "thietke")
    token = csrf_from(text(designer.get("/studio/preview")))
    preview = designer.post("/studio/preview", data={"csrf_token": token, "process": PROCESS, "plan": BIG})
    assert preview.status_code == 400 and "plan: choose a plan" in text(preview)
