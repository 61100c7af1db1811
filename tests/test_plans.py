"""Plans in the database: processes/plans/*.yaml through `tdkt init`, the plan files' validation, moving
a milestone, the REST API (CRUD, authorization, hostile input) and `tdkt plan …`."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.config import PROJECT_ROOT
from engine.errors import InvalidInput
from engine.models import AuditEvent, Plan
from engine.org import add_person, person_by_username
from engine.plans import repository
from webui import create_app

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PLANS_DIR = PROJECT_ROOT / "processes" / "plans"
DAU_TIENG = "58/KH-PGDĐT"
SEED_ROWS = "\n".join([
    "TT\tNội dung\tThời gian hoàn thành\tĐơn vị thực hiện",
    "1.\tTriển khai công tác thi đua, khen thưởng\tTrước ngày 11/11/2023\tCác đơn vị trực thuộc Phòng GDĐT",
    "2.\tHội đồng đánh giá sáng kiến ngành GDĐT làm việc\tTừ 15/3 đến 29/3/2024\tPhòng GDĐT",
    "3.\tNộp hồ sơ đề nghị khen thưởng cấp tỉnh\tNgày 15/8/2024\tPhòng GDĐT",
])


def at(day: int, month: int, year: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=VN)


def plan_id(db, number: str = DAU_TIENG) -> int:
    with db.transaction() as session:
        return session.scalar(select(Plan.id).where(Plan.number == number))


@pytest.fixture
def client(product):
    with product.transaction() as session:
        add_person(session, "ngoai", "Người Ngoài", "th_b", [])  # signed in, holds no role anywhere
    app = create_app({"DATABASE_URL": product.url, "TESTING": True, "CLOCK_MODE": "real"})
    return app.test_client()


# --- plan files through tdkt init ----------------------------------------------------------------

def test_init_loads_the_five_seed_plans(product):
    with product.transaction() as session:
        plans = {p.number: p for p in repository.list_plans(session)}
        assert {n: len(p.milestones) for n, p in plans.items()} == {
            DAU_TIENG: 17, "85/KH-PGD&ĐT": 21, "…/KH-SGDĐT": 5, "49/KH-GDDT": 3, "…/KH-PGD&ĐT": 5}
        assert plans["85/KH-PGD&ĐT"].issuing_unit.code == "phong_hd"
        assert plans["…/KH-SGDĐT"].issuing_unit.code == "so_hn"
        assert plans[DAU_TIENG].issuing_unit is None  # phong_dt is not a demo unit
        dau_tieng = plans[DAU_TIENG]
        assert (dau_tieng.school_year, dau_tieng.issue_date.isoformat(), dau_tieng.source_name) == \
            ("2023-2024", "2023-11-03", "dau_tieng_2023_2024.yaml")
        first, second = dau_tieng.milestones[:2]
        assert (first.key, first.window_start, first.due_at, first.unit_kind) == \
            ("trien_khai_dang_ky_thi_dua", None, at(11, 11, 2023), "truong")
        assert second.process_key == "xet_thi_dua_nam_hoc" and second.source_text == "Trước ngày 11/11/2023"
        assert first.due_at.tzinfo is not None and first.due_at.utcoffset().total_seconds() == 0
        last = dau_tieng.milestones[-1]
        assert (last.key, last.due_at, last.unit_kind) == ("nop_ho_so_khen_thuong_cap_tinh", at(16, 8, 2024), "phong")
        assert repository.milestone_due(session, dau_tieng.id, "hop_xet_thi_dua_lan_1") == at(1, 6, 2024)
        ha_dong = repository.get_milestone(session, plans["85/KH-PGD&ĐT"].id, "bao_cao_hoi_dong_kh_skkn")
        assert (ha_dong.window_start, ha_dong.due_at) == (at(1, 5, 2019), at(10, 5, 2019))


def test_init_again_changes_nothing_and_keeps_moved_deadlines(product):
    from engine.bootstrap import init
    from engine.config import load_settings

    pid = plan_id(product)
    with product.transaction() as session:
        repository.move_milestone(session, pid, "hop_xet_thi_dua_lan_1", at(7, 6, 2024))
    report = init(product, load_settings())
    assert {load.outcome for load in report.plans} == {"unchanged"} and len(report.plans) == 5
    with product.transaction() as session:
        assert repository.milestone_due(session, pid, "hop_xet_thi_dua_lan_1") == at(7, 6, 2024)


def test_a_changed_plan_file_updates_the_plan_in_place(product, tmp_path):
    shutil.copy(PLANS_DIR / "dau_tieng_2023_2024.yaml", tmp_path / "dau_tieng.yaml")
    text = (tmp_path / "dau_tieng.yaml").read_text(encoding="utf-8")
    text = text.replace('due: "2024-06-01T00:00:00+07:00"', 'due: "2024-06-08T00:00:00+07:00"', 1)
    cut = text.index("  - key: nop_ho_so_khen_thuong_cap_tinh")
    (tmp_path / "dau_tieng.yaml").write_text(text[:cut], encoding="utf-8")
    pid = plan_id(product)
    [load] = repository.load_plans(product, tmp_path)
    assert (load.outcome, load.plan_id) == ("updated", pid)
    with product.transaction() as session:
        plan = repository.get_plan(session, pid)
        assert len(plan.milestones) == 16 and plan.source_name == "dau_tieng.yaml"
        assert repository.milestone_due(session, pid, "hop_xet_thi_dua_lan_1") == at(8, 6, 2024)
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions[-3:] == ["plan.milestone_moved", "plan.milestone_removed", "plan.updated"]
    assert [load.outcome for load in repository.load_plans(product, tmp_path)] == ["unchanged"]


BAD_FILES = [
    ("numbr: 1/KH\n", "numbr", "unknown field 'numbr'"),
    ("number: 1/KH\ntitle: T\nschool_year: 2023-2025\n", "school_year", "not a school year"),
    ("number: 1/KH\ntitle: T\nschool_year: 2023-2024\nissue_date: 31/02/2024\n", "issue_date", "not a date"),
    ("number: 1/KH\ntitle: T\nschool_year: 2023-2024\nmilestones:\n  - {title: A, due: 2024-13-01}\n",
     "milestones[0].due", "not a valid date"),
    ("number: 1/KH\ntitle: T\nschool_year: 2023-2024\nmilestones:\n  - {title: A}\n", "milestones[0].due",
     "is required"),
    ("number: 1/KH\ntitle: T\nschool_year: 2023-2024\nmilestones:\n  - {title: A, due: 2024-05-01, hạn: x}\n",
     "milestones[0].hạn", "unknown field"),
    ("number: 1/KH\ntitle: T\nschool_year: 2023-2024\nmilestones:\n  - {key: a, title: A, due: 2024-05-01}\n"
     "  - {key: a, title: B, due: 2024-05-02}\n", "milestones[1].key", "duplicate key 'a'"),
    ("number: 1/KH\ntitle: T\nschool_year: 2023-2024\nmilestones:\n  - {key: Nộp, title: A, due: 2024-05-01}\n",
     "milestones[0].key", "must start with a lower-case letter"),
    ("number: 1/KH\ntitle: T\nschool_year: 2023-2024\nmilestones:\n"
     "  - {title: A, start: 2024-05-02, due: 2024-05-01}\n", "milestones[0].start", "before the due"),
    ("number: 1/KH\ntitle: T\nschool_year: 2023-2024\nmilestones: {title: A}\n", "milestones", "must be a list"),
    ("- just\n- a list\n", "plan", "expected a mapping"),
]


@pytest.mark.parametrize(("content", "field", "message"), BAD_FILES)
def test_bad_plan_files_name_the_file_and_field(db, tmp_path, content, field, message):
    (tmp_path / "sai.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        repository.load_plans(db, tmp_path)
    assert (caught.value.file, caught.value.field) == ("sai.yaml", field)
    assert caught.value.message.startswith(f"sai.yaml: {field}: ") and message in caught.value.message


def test_yaml_errors_and_duplicate_numbers(db, tmp_path):
    (tmp_path / "a.yaml").write_text("number: 1/KH\ntitle: T\nnumber: 2/KH\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        repository.load_plans(db, tmp_path)
    assert (caught.value.file, caught.value.line) == ("a.yaml", 3) and "duplicate key 'number'" in caught.value.message
    (tmp_path / "a.yaml").write_text("number: [1/KH\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        repository.load_plans(db, tmp_path)
    assert caught.value.file == "a.yaml" and caught.value.line
    good = "number: 1/KH\ntitle: T\nschool_year: 2023-2024\nmilestones:\n  - {title: Nộp hồ sơ, due: 10/11/2023}\n"
    (tmp_path / "a.yaml").write_text(good, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(good, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        repository.load_plans(db, tmp_path)
    assert caught.value.file == "b.yaml" and "also the number of a.yaml" in caught.value.message
    (tmp_path / "b.yaml").unlink()
    [load] = repository.load_plans(db, tmp_path)
    with db.transaction() as session:
        [milestone] = repository.get_plan(session, load.plan_id).milestones
        assert (milestone.key, milestone.due_at) == ("nop_ho_so", at(11, 11, 2023))  # a bare date: end of that day


# --- moving a milestone --------------------------------------------------------------------------

def test_move_milestone_updates_data_and_audits(product):
    pid = plan_id(product)
    with product.transaction() as session:
        actor = person_by_username(session, "thietke")
        milestone, old_due = repository.move_milestone(session, pid, "ky_ket_giao_uoc_thi_dua", at(8, 12, 2023),
                                                       actor=actor)
        assert (old_due, milestone.window_start, milestone.due_at) == \
            (at(1, 12, 2023), at(1, 11, 2023), at(8, 12, 2023))
        milestone, _ = repository.move_milestone(session, pid, "ky_ket_giao_uoc_thi_dua", at(9, 12, 2023), None)
        assert milestone.window_start is None
        with pytest.raises(InvalidInput) as caught:
            repository.move_milestone(session, pid, "hop_xet_thi_dua_lan_1", at(1, 5, 2024))
        assert caught.value.field == "start"
        with pytest.raises(InvalidInput):
            repository.move_milestone(session, pid, "hop_xet_thi_dua_lan_1", datetime(2024, 6, 8))
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "plan.milestone_moved")
                                .order_by(AuditEvent.id)).first()
        assert event.actor_id == actor.id and event.details == {
            "plan_id": pid, "plan": DAU_TIENG, "key": "ky_ket_giao_uoc_thi_dua",
            "old_due": "2023-12-01T00:00:00+07:00", "due": "2023-12-08T00:00:00+07:00",
            "old_start": "2023-11-01T00:00:00+07:00", "start": "2023-11-01T00:00:00+07:00"}
    with product.transaction() as session:
        assert repository.milestone_due(session, pid, "ky_ket_giao_uoc_thi_dua") == at(9, 12, 2023)


# --- REST API ------------------------------------------------------------------------------------

def test_list_and_show_plans(client, token):
    headers = token("gv_a1")  # any signed-in person may read plans
    listing = client.get("/api/v1/plans", headers=headers).json
    assert len(listing) == 5 and listing[0]["number"] == DAU_TIENG and listing[0]["milestone_count"] == 17
    assert [p["number"] for p in client.get("/api/v1/plans?school_year=2018-2019", headers=headers).json] == \
        ["85/KH-PGD&ĐT"]
    shown = client.get(f"/api/v1/plans/{listing[0]['id']}", headers=headers).json
    assert (shown["issue_date"], shown["issue_date_text"]) == ("2023-11-03", "03/11/2023")
    first = shown["milestones"][0]
    assert {k: first[k] for k in ("key", "start", "due", "start_text", "due_text", "kind")} == {
        "key": "trien_khai_dang_ky_thi_dua", "start": None, "due": "2023-11-11T00:00:00+07:00",
        "start_text": None, "due_text": "10/11/2023", "kind": "truong"}
    window = shown["milestones"][8]
    assert (window["start"], window["start_text"], window["due_text"]) == \
        ("2024-05-20T00:00:00+07:00", "20/05/2024", "31/05/2024")
    assert client.get("/api/v1/plans/9999", headers=headers).status_code == 404
    assert client.get("/api/v1/plans").status_code == 401


NEW_PLAN = {"number": "12/KH-PGDĐT", "title": "Kế hoạch thử", "school_year": "2024-2025", "issuing_unit": "phong_hd",
            "issue_date": "05/09/2024", "milestones": [
                {"key": "dang_ky", "title": "Đăng ký thi đua", "due": "2024-10-15"},
                {"title": "Họp xét thi đua", "start": "20/05/2025", "due": "31/05/2025", "kind": "truong",
                 "process": "dang_ky_thi_dua"}]}


def test_designers_create_plans_and_others_cannot(client, token):
    for username in ("gv_a1", "ld_phong", "ngoai"):
        refused = client.post("/api/v1/plans", json=NEW_PLAN, headers=token(username))
        assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    created = client.post("/api/v1/plans", json=NEW_PLAN, headers=token("thietke"))
    assert created.status_code == 201, created.json
    body = created.json
    assert (body["issuing_unit"], body["issue_date"], body["source_name"]) == ("phong_hd", "2024-09-05", "api")
    assert [(m["key"], m["start"], m["due"], m["due_text"]) for m in body["milestones"]] == [
        ("dang_ky", None, "2024-10-16T00:00:00+07:00", "15/10/2024"),
        ("hop_xet_thi_dua", "2025-05-20T00:00:00+07:00", "2025-06-01T00:00:00+07:00", "31/05/2025")]
    again = client.post("/api/v1/plans", json=NEW_PLAN, headers=token("admin"))
    assert again.status_code == 409 and again.json["error"]["field"] == "number"


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"school_year": "2024"}, 422, "school_year"),
    ({"issuing_unit": "khong_co"}, 422, "issuing_unit"),
    ({"title": 5}, 422, "title"),
    ({"milestones": [{"title": "A", "due": "2024-02-30"}]}, 422, "milestones[0].due"),
    ({"milestones": [{"title": "A", "due": "2024-10-01T25:00"}]}, 422, "milestones[0].due"),
    ({"milestones": [{"title": "A", "due": 20241001}]}, 422, "milestones[0].due"),
    ({"milestones": [{"title": "A", "due": "2024-10-01", "extra": 1}]}, 422, "milestones[0].extra"),
    ({"milestones": "none"}, 422, "milestones"),
    ({"owner": "me"}, 422, "owner"),
])
def test_create_rejects_bad_documents_with_the_field(client, token, change, status, field):
    response = client.post("/api/v1/plans", json={**NEW_PLAN, **change}, headers=token("thietke"))
    assert response.status_code == status and response.json["error"]["field"] == field, response.json


def test_hostile_bodies_are_4xx_never_500(client, token):
    headers = token("thietke")
    for data in (b"not json", b"[1, 2]", b"", b"\xff\xfe", b'"text"'):
        response = client.post("/api/v1/plans", data=data, headers={**headers, "Content-Type": "application/json"})
        assert response.status_code in (400, 422) and "error" in response.json
    huge = client.post("/api/v1/plans", data=b"{" + b" " * (1024 * 1024 + 10) + b"}",
                       headers={**headers, "Content-Type": "application/json"})
    assert huge.status_code == 413
    many = {**NEW_PLAN, "milestones": [{"title": f"M {i}", "due": "2024-10-01"} for i in range(501)]}
    assert client.post("/api/v1/plans", json=many, headers=headers).status_code == 422


def test_move_a_milestone_through_the_api(client, token, product):
    pid = plan_id(product)
    url = f"/api/v1/plans/{pid}/milestones/nop_ho_so_dang_ky_thi_dua"
    assert client.patch(url, json={"due": "2023-11-20"}, headers=token("gv_a1")).status_code == 403
    assert client.patch(url, json={"due": "2023-11-20"}, headers=token("ngoai")).status_code == 403
    moved = client.patch(url, json={"due": "20/11/2023"}, headers=token("thietke"))
    assert moved.status_code == 200, moved.json
    assert (moved.json["due"], moved.json["due_text"], moved.json["old_due"]) == \
        ("2023-11-21T00:00:00+07:00", "20/11/2023", "2023-11-11T00:00:00+07:00")
    timed = client.patch(url, json={"due": "2023-11-21T17:00:00+07:00", "start": "2023-11-01"},
                         headers=token("thietke")).json
    assert (timed["start"], timed["due"], timed["due_text"]) == \
        ("2023-11-01T00:00:00+07:00", "2023-11-21T17:00:00+07:00", "21/11/2023 17:00")
    cleared = client.patch(url, json={"due": "2023-11-22", "start": None}, headers=token("thietke")).json
    assert cleared["start"] is None
    with product.transaction() as session:
        assert repository.milestone_due(session, pid, "nop_ho_so_dang_ky_thi_dua") == at(23, 11, 2023)


@pytest.mark.parametrize(("url", "body", "status", "field"), [
    ("/api/v1/plans/9999/milestones/x", {"due": "2024-01-01"}, 404, "plan"),
    ("{plan}/khong_co", {"due": "2024-01-01"}, 404, "key"),
    ("{plan}/hop_xet_thi_dua_lan_1", {"due": "2024-13-45"}, 422, "due"),
    ("{plan}/hop_xet_thi_dua_lan_1", {"due": "sáng mai"}, 422, "due"),
    ("{plan}/hop_xet_thi_dua_lan_1", {"due": "2024-05-01"}, 422, "start"),
    ("{plan}/hop_xet_thi_dua_lan_1", {"due": "2024-06-10", "start": "2024-07-01"}, 422, "start"),
    ("{plan}/hop_xet_thi_dua_lan_1", {"due": 20240610}, 400, "due"),
    ("{plan}/hop_xet_thi_dua_lan_1", {"start": "2024-05-01"}, 400, "due"),
    ("{plan}/hop_xet_thi_dua_lan_1", {"due": "2024-06-10", "start": 5}, 400, "start"),
])
def test_move_rejects_bad_input(client, token, product, url, body, status, field):
    url = url.replace("{plan}", f"/api/v1/plans/{plan_id(product)}/milestones")
    response = client.patch(url, json=body, headers=token("thietke"))
    assert response.status_code == status and response.json["error"].get("field") == field, response.json
    assert client.patch(url, data=b"{oops", headers=token("thietke")).status_code in (400, 404)


def test_import_preview_and_report(client, token):
    text = SEED_ROWS + "\nDòng không có ngày\n4.\tBáo cáo\tTrước ngày 31/2/2024\tPhòng GDĐT"
    response = client.post("/api/v1/plans/import", json={"school_year": "2023-2024", "text": text},
                           headers=token("gv_a1"))
    assert response.status_code == 200, response.json
    body = response.json
    assert [(m["line"], m["key"], m["start"], m["due"], m["kind"]) for m in body["milestones"]] == [
        (2, "trien_khai_cong_tac_thi_dua", None, "2023-11-11T00:00:00+07:00", "truong"),
        (3, "hoi_dong_danh_gia_sang_kien", "2024-03-15T00:00:00+07:00", "2024-03-30T00:00:00+07:00", "phong"),
        (4, "nop_ho_so_de_nghi_khen", None, "2024-08-16T00:00:00+07:00", "phong")]
    assert body["milestones"][2]["due_text"] == "15/08/2024" and body["milestones"][2]["source"] == "Ngày 15/8/2024"
    assert body["unreadable"] == [
        {"line": 5, "text": "Dòng không có ngày", "reason": "no date or period found"},
        {"line": 6, "text": "4.\tBáo cáo\tTrước ngày 31/2/2024\tPhòng GDĐT", "reason": "31/2/2024 is not a real date"}]


def test_import_and_save(client, token, product):
    body = {"school_year": "2023-2024", "text": SEED_ROWS, "number": "77/KH-PGDĐT", "title": "Nhập từ bảng",
            "issuing_unit": "phong_hd", "issue_date": "2023-11-03"}
    assert client.post("/api/v1/plans/import?save=1", json=body, headers=token("gv_a1")).status_code == 403
    assert client.post("/api/v1/plans/import?save=1", json=body, headers=token("ngoai")).status_code == 403
    saved = client.post("/api/v1/plans/import?save=1", json=body, headers=token("thietke"))
    assert saved.status_code == 201, saved.json
    plan = saved.json["plan"]
    assert (plan["number"], plan["issuing_unit"], plan["source_name"], len(plan["milestones"])) == \
        ("77/KH-PGDĐT", "phong_hd", "import", 3)
    assert plan["milestones"][0]["source"] == "Trước ngày 11/11/2023"
    shown = client.get(f"/api/v1/plans/{plan['id']}", headers=token("gv_a1")).json
    assert [m["key"] for m in shown["milestones"]] == [m["key"] for m in saved.json["milestones"]]
    assert client.post("/api/v1/plans/import?save=1", json=body, headers=token("thietke")).status_code == 409
    unreadable = client.post("/api/v1/plans/import?save=1", json={**body, "number": "78/KH", "text": body["text"]
                                                                   + "\nkhông có ngày"}, headers=token("thietke"))
    assert unreadable.status_code == 422
    error = unreadable.json["error"]
    assert (error["field"], error["line"], error["details"]) == \
        ("text", 5, [{"line": 5, "text": "không có ngày", "reason": "no date or period found"}])
    missing = client.post("/api/v1/plans/import?save=1", json={**body, "number": None}, headers=token("thietke"))
    assert missing.status_code == 400 and missing.json["error"]["field"] == "number"
    with product.transaction() as session:
        assert repository.plan_by_number(session, "78/KH") is None


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"school_year": "2023-2024", "text": "x" * (200 * 1024 + 1)}, 413, "text"),
    ({"school_year": "2023-2024", "text": "Nộp hồ sơ trước ngày 10/11 " * 8000}, 413, "text"),
    ({"school_year": "2023", "text": "Báo cáo trước ngày 10/5"}, 422, "school_year"),
    ({"school_year": "2023-2024", "text": ["a"]}, 400, "text"),
    ({"school_year": 2023, "text": "a"}, 400, "school_year"),
    ({"text": "a"}, 400, "school_year"),
])
def test_import_rejects_hostile_input(client, token, body, status, field):
    response = client.post("/api/v1/plans/import", json=body, headers=token("gv_a1"))
    assert response.status_code == status and response.json["error"].get("field") == field, response.json


def test_import_rejects_huge_bodies_before_reading_them(client, token):
    blob = b'{"school_year": "2023-2024", "text": "' + b"a" * (1300 * 1024) + b'"}'
    response = client.post("/api/v1/plans/import", data=blob,
                           headers={**token("gv_a1"), "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json["error"]["code"] == "payload_too_large"
    assert client.post("/api/v1/plans/import", data=b"not json",
                       headers={**token("gv_a1"), "Content-Type": "application/json"}).status_code == 400


def test_openapi_documents_the_plan_routes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths["/plans"]) == {"get", "post"}
    assert set(paths["/plans/{id}"]) == {"get"}
    assert set(paths["/plans/{id}/milestones/{key}"]) == {"patch"}
    assert set(paths["/plans/import"]) == {"post"}


# --- tdkt plan -----------------------------------------------------------------------------------

def test_cli_import_prints_a_table_and_reports_unreadable_lines(tdkt, tmp_path):
    good = tmp_path / "khung.txt"
    good.write_text(SEED_ROWS, encoding="utf-8")
    result = tdkt("plan", "import", str(good), "--school-year", "2023-2024")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["KEY", "START", "DUE", "(last", "day)", "KIND", "TITLE"]
    assert lines[2].split()[:4] == ["hoi_dong_danh_gia_sang_kien", "15/03/2024", "29/03/2024", "phong"]
    assert lines[3].split()[:4] == ["nop_ho_so_de_nghi_khen", "-", "15/08/2024", "phong"]
    bad = tmp_path / "sai.txt"
    bad.write_text(SEED_ROWS + "\n\nkhông có ngày\n", encoding="utf-8")
    result = tdkt("plan", "import", str(bad), "--school-year", "2023-2024", "--save", "--number", "9/KH",
                  "--title", "T", ok=False)
    assert f"{bad}:6: no date or period found" in result.stderr and "not saved" in result.stderr
    result = tdkt("plan", "import", str(good), "--school-year", "2023-2024", "--save", "--number", "9/KH",
                  "--title", "Thử", "--unit", "phong_hd", "--as", "thietke")
    plan_number = result.stdout.strip().splitlines()[-1]
    assert plan_number.startswith("plan ") and "created: 9/KH (3 milestones)" in plan_number
    assert "2023-2025" in tdkt("plan", "import", str(good), "--school-year", "2023-2025", ok=False).stderr
    assert "--save needs" in tdkt("plan", "import", str(good), "--school-year", "2023-2024", "--save",
                                  ok=False).stderr


def test_cli_list_show_and_move(tdkt, product):
    listing = tdkt("plan", "list").stdout.splitlines()
    assert len(listing) == 5 and listing[0].split("\t")[1:3] == [DAU_TIENG, "2023-2024"]
    pid = listing[0].split("\t")[0]
    shown = tdkt("plan", "show", pid).stdout
    assert "58/KH-PGDĐT" in shown and "03/11/2023" in shown
    assert "hop_xet_thi_dua_lan_1" in shown and "20/05/2024" in shown and "31/05/2024" in shown
    moved = tdkt("plan", "move", pid, "hop_xet_thi_dua_lan_1", "07/06/2024", "--as", "thietke").stdout
    assert "due 07/06/2024 (was 31/05/2024)" in moved
    tdkt("plan", "move", pid, "hop_xet_thi_dua_lan_1", "2024-06-10T17:00:00+07:00", "--start", "none")
    with product.transaction() as session:
        milestone = repository.get_milestone(session, int(pid), "hop_xet_thi_dua_lan_1")
        assert (milestone.window_start, milestone.due_at) == (None, at(10, 6, 2024, 17))
        assert milestone.due_at == datetime(2024, 6, 10, 10, tzinfo=UTC)
    assert "not a valid date" in tdkt("plan", "move", pid, "hop_xet_thi_dua_lan_1", "10/13/2024", ok=False).stderr
    assert "no milestone 'x'" in tdkt("plan", "move", pid, "x", "10/06/2024", ok=False).stderr
    assert "no plan 999" in tdkt("plan", "show", "999", ok=False).stderr


def test_plan_files_stay_in_step_with_the_importer():
    """Each seed plan file lists what its seed's timeline reads as (keys and titles were edited by hand)."""
    specs = {p.name: repository.read_plan_file(p)[0] for p in sorted(PLANS_DIR.glob("*.yaml"))}
    assert set(specs) == {"dau_tieng_2023_2024.yaml", "ha_dong_2019.yaml", "ha_noi_2020.yaml",
                          "hoc_mon_2021_2025.yaml", "uong_bi_2016_2017.yaml"}
    from tests.test_timeline import DAU_TIENG_2023_2024, HA_DONG_2019
    assert [(m.start, m.due, m.kind) for m in specs["dau_tieng_2023_2024.yaml"].milestones] == \
        [tuple(rest) for _, *rest in DAU_TIENG_2023_2024]
    assert [(m.start, m.due, m.kind) for m in specs["ha_dong_2019.yaml"].milestones] == \
        [tuple(rest) for _, _, *rest in HA_DONG_2019]
    assert Path(PLANS_DIR / "dau_tieng_2023_2024.yaml").read_text(encoding="utf-8").count("process:") == 4
