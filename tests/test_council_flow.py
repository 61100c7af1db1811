"""The council vote (processes/hop_xet_hoi_dong.bpmn) run through the engine, the API and the pages:
one fixed ballot per member, written votes of absent members, thresholds on all members, quorum,
secret ballot that no page, API response, audit row or stored state can tie to a member."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden, InvalidInput
from engine.models import AuditEvent, BallotBox, HumanTask, Instance
from engine.runtime import tasks
from tests.browser.support import sign_in
from tests.council_scene import (
    CHAIR,
    COUNCIL,
    MEMBERS,
    OUTSIDER,
    SECRETARY,
    UNIT,
    ballot,
    case_data,
    finish_minutes,
    open_meeting,
    pid,
    ready,
    start_meeting,
)
from tests.helpers import bpmn, deploy_bytes, flow
from webui import create_app

Y, N = "tan_thanh", "khong_tan_thanh"
ABSENT_WRITTEN, ABSENT_SILENT = MEMBERS[3], MEMBERS[4]
PRESENT = [u for u in COUNCIL if u not in (ABSENT_WRITTEN, ABSENT_SILENT)]


def vote_present_and_written(db, instance_id: int) -> None:
    """Every present member: yes to cs1 and cs2, yes to tinh1; the written vote of the absent member:
    no to cs1, yes to cs2 and tinh1; the other absent member sent nothing."""
    by_member = {}
    for task in ready(db, instance_id, "bo_phieu"):
        by_member.setdefault(task.assignee_id, []).append(task)
    secretary = pid(db, SECRETARY)
    for username in PRESENT:
        own = by_member[pid(db, username)]
        tasks.complete(db, pid(db, username), own[0].id, ballot({"cs1": Y, "cs2": Y, "tinh1": Y}, "Đồng ý"))
    written, silent = by_member[secretary][1:]  # the secretary's own ballot first, then the absent members'
    tasks.complete(db, secretary, written.id, ballot({"cs1": N, "cs2": Y, "tinh1": Y}))
    tasks.complete(db, secretary, silent.id, {"khong_co_phieu": True})


def test_one_fixed_ballot_per_member_absent_members_to_the_secretary(council):
    case = start_meeting(council)
    [opening] = ready(council, case)
    assert (opening.name, opening.role_code, opening.assignee_fixed) == ("mo_phien_hop", "thu_ky_hoi_dong", False)
    open_meeting(council, case, absent={ABSENT_WRITTEN: True, ABSENT_SILENT: False})
    ballots = ready(council, case, "bo_phieu")
    assert len(ballots) == 7 and all(t.assignee_fixed and not t.is_orphan for t in ballots)
    holders = sorted(t.assignee_id for t in ballots)
    assert holders == sorted([pid(council, u) for u in PRESENT] + [pid(council, SECRETARY)] * 2)


def test_thresholds_on_all_members_with_written_votes(council):
    case = start_meeting(council)
    open_meeting(council, case, absent={ABSENT_WRITTEN: True, ABSENT_SILENT: False})
    vote_present_and_written(council, case)
    [minutes] = ready(council, case)
    assert minutes.name == "lap_bien_ban"
    finish_minutes(council, case)
    data = case_data(council, case)
    results = {r["ma"]: r for r in data["ket_qua_hop_xet"]}
    # CSTĐ cơ sở, 5 yes of 7 members (all five present) = 71.4 % < 80 %: fails
    assert (results["cs1"]["tan_thanh"], results["cs1"]["khong_tan_thanh"], results["cs1"]["dat"]) == (5, 1, False)
    # 6 yes thanks to the written vote = 85.7 % ≥ 80 %: passes
    assert (results["cs2"]["tan_thanh"], results["cs2"]["dat"], results["cs2"]["nguong"]) == (6, True, 0.8)
    assert results["cs2"]["ty_le"] == pytest.approx(6 / 7, abs=1e-4) and results["cs2"]["tong_thanh_vien"] == 7
    # CSTĐ tỉnh, 6 of 7 = 85.7 % < 90 %: fails
    assert (results["tinh1"]["tan_thanh"], results["tinh1"]["nguong"], results["tinh1"]["dat"]) == (6, 0.9, False)
    assert "NĐ 98/2023" in results["cs2"]["can_cu"]
    assert [n["ma"] for n in data["de_nghi_dat"]] == ["cs2"]
    minutes = data["bien_ban"]
    assert minutes["tong_thanh_vien"] == 7 and minutes["so_co_mat"] == 5 and minutes["so_phieu"] == 6
    assert minutes["bieu_quyet_van_ban"] == ["Thành Viên Số 4"] and len(minutes["vang_mat"]) == 2
    assert minutes["du_so_luong"] is True and minutes["bo_phieu_kin"] is True and minutes["ngay_hop"] == "2024-08-12"
    assert minutes["chu_tri"] == "Nguyễn Văn Chủ Tịch" and minutes["thu_ky"] == "Đỗ Thị Thư Ký"
    assert minutes["ket_qua"] == data["ket_qua_hop_xet"]  # the minutes carry exactly the tally
    assert minutes["gop_y"] == ["Đồng ý"] * 5


def test_provincial_title_needs_ninety_percent(council):
    nominations = [{"ma": "t1", "ho_ten": "Phạm Thị Hoa", "danh_hieu": "chien_si_thi_dua_tinh"},
                   {"ma": "t2", "ho_ten": "Lý Văn Tùng", "danh_hieu": "chien_si_thi_dua_tinh"}]
    case = start_meeting(council, nominations=nominations)
    open_meeting(council, case, absent={}, day="2025-09-05")
    for i, task in enumerate(ready(council, case, "bo_phieu")):
        tasks.complete(council, task.assignee_id, task.id, ballot({"t1": Y, "t2": N if i == 0 else Y}))
    finish_minutes(council, case)
    results = {r["ma"]: r for r in case_data(council, case)["ket_qua_hop_xet"]}
    assert (results["t1"]["tan_thanh"], results["t1"]["dat"]) == (7, True)
    assert (results["t2"]["tan_thanh"], results["t2"]["dat"]) == (6, False)  # 85.7 % < 90 %
    assert "NĐ 152/2025" in results["t1"]["can_cu"]


def test_meeting_without_quorum_votes_nothing(council):
    case = start_meeting(council)
    open_meeting(council, case, absent={u: True for u in MEMBERS[:3]})  # 4 of 7 present < 2/3
    assert ready(council, case, "bo_phieu") == []
    [minutes] = ready(council, case)
    assert minutes.name == "lap_bien_ban"
    finish_minutes(council, case)
    data = case_data(council, case)
    assert data["bien_ban"]["du_so_luong"] is False and data["de_nghi_dat"] == []
    assert all(not r["dat"] and r["tan_thanh"] == 0 for r in data["ket_qua_hop_xet"])


def test_nobody_votes_for_another_or_twice(council):
    case = start_meeting(council)
    open_meeting(council, case, absent={})
    mine = {t.assignee_id: t for t in ready(council, case, "bo_phieu")}
    first, second = pid(council, MEMBERS[0]), pid(council, MEMBERS[1])
    with pytest.raises(Forbidden):
        tasks.complete(council, first, mine[second].id, ballot({"cs1": Y, "cs2": Y, "tinh1": Y}))
    for refused in (lambda: tasks.claim(council, first, mine[second].id),
                    lambda: tasks.unclaim(council, second, mine[second].id),
                    lambda: tasks.delegate(council, second, mine[second].id, MEMBERS[0]),
                    lambda: tasks.delegate(council, pid(council, CHAIR), mine[second].id, MEMBERS[0],
                                           as_manager=True)):
        with pytest.raises(Forbidden):
            refused()
    with pytest.raises(InvalidInput):  # a choice missing, or a nomination that is not on the agenda
        tasks.complete(council, second, mine[second].id, ballot({"cs1": Y, "cs2": Y}))
    with pytest.raises(InvalidInput):
        tasks.complete(council, second, mine[second].id, ballot({"cs1": Y, "cs2": Y, "tinh1": Y, "x": Y}))
    with pytest.raises(InvalidInput):  # only an absent member's ballot may be "no written vote"
        tasks.complete(council, second, mine[second].id, {"khong_co_phieu": True})
    tasks.complete(council, second, mine[second].id, ballot({"cs1": Y, "cs2": Y, "tinh1": Y}))
    with pytest.raises(Conflict):
        tasks.complete(council, second, mine[second].id, ballot({"cs1": N, "cs2": N, "tinh1": N}))
    with council.transaction() as session:
        box = session.scalar(select(BallotBox))
        assert box.voters == [MEMBERS[1]] and len(box.ballots) == 1


def test_api_refuses_another_members_ballot(council):
    app = create_app({"DATABASE_URL": council.url, "TESTING": True, "CLOCK_MODE": "real"})
    case = start_meeting(council)
    open_meeting(council, case, absent={})
    mine = {t.assignee_id: t for t in ready(council, case, "bo_phieu")}
    target = mine[pid(council, MEMBERS[1])].id
    from engine.accounts import issue_token
    from engine.org import person_by_username

    def header(username):
        with council.transaction() as session:
            return {"Authorization": f"Bearer {issue_token(session, person_by_username(session, username))}"}
    client = app.test_client()
    body = {"data": ballot({"cs1": Y, "cs2": Y, "tinh1": Y})}
    assert client.post(f"/api/v1/tasks/{target}/complete", json=body, headers=header(MEMBERS[0])).status_code == 403
    assert client.post(f"/api/v1/tasks/{target}/claim", headers=header(MEMBERS[0])).status_code == 403
    outsider = client.post(f"/api/v1/tasks/{target}/complete", json=body, headers=header("gv_b1"))
    assert outsider.status_code == 404  # another school's teacher: the task does not exist for them
    done = client.post(f"/api/v1/tasks/{target}/complete", json=body, headers=header(MEMBERS[1]))
    assert done.status_code == 200 and done.get_json()["status"] == "completed"
    again = client.post(f"/api/v1/tasks/{target}/complete", json=body, headers=header(MEMBERS[1]))
    assert again.status_code == 409


def _everything_a_viewer_or_admin_can_read(db, app, case: int) -> list[str]:
    from engine.accounts import issue_token
    from engine.org import person_by_username

    texts = []
    api = app.test_client()
    with db.transaction() as session:
        token = issue_token(session, person_by_username(session, CHAIR))
        ids = list(session.scalars(select(HumanTask.id).where(HumanTask.instance_id == case)))
        texts += [json.dumps(e.details, ensure_ascii=False) for e in
                  session.scalars(select(AuditEvent).where(AuditEvent.instance_id == case))]
    auth = {"Authorization": f"Bearer {token}"}
    texts.append(api.get(f"/api/v1/instances/{case}", headers=auth).get_data(as_text=True))
    texts += [api.get(f"/api/v1/tasks/{i}", headers=auth).get_data(as_text=True) for i in ids]
    for username in (CHAIR, SECRETARY, MEMBERS[0]):
        page = app.test_client()
        assert sign_in(page, username).status_code == 302
        html = page.get(f"/cases/{case}").get_data(as_text=True)
        assert "Bỏ phiếu" in html  # the page is really the case page
        texts.append(html)
        texts += [page.get(f"/tasks/{i}").get_data(as_text=True) for i in ids]
    return texts


def test_secret_ballot_leaves_no_trace_of_who_voted_what(council):
    app = create_app({"DATABASE_URL": council.url, "TESTING": True, "CLOCK_MODE": "real"})
    case = start_meeting(council)
    open_meeting(council, case, absent={ABSENT_WRITTEN: True, ABSENT_SILENT: False})
    vote_present_and_written(council, case)
    finish_minutes(council, case)
    for text in _everything_a_viewer_or_admin_can_read(council, app, case):
        assert "lua_chon" not in text and N not in text and "Không tán thành</option>" not in text
    with council.transaction() as session:
        state = session.get(Instance, case).state
        box = session.scalar(select(BallotBox).where(BallotBox.instance_id == case))
    # the case's own stored state holds no choice (the tally's count keys are named like choices, values are not)
    assert "lua_chon" not in state and f'"{N}"' not in state.replace(f'"{N}":', "")
    assert f'"{Y}"' not in state.replace(f'"{Y}":', "")
    # the box holds the six ballots, without any name, next to who voted (not how)
    assert len(box.ballots) == 6 and box.voters == sorted(COUNCIL)
    assert not any(u in json.dumps(box.ballots) for u in COUNCIL)
    assert sorted(b["phieu"]["cs1"] for b in box.ballots) == [N] + [Y] * 5


def test_open_vote_keeps_each_members_choice_in_the_case(council):
    case = start_meeting(council, secret=False)
    open_meeting(council, case, absent={})
    for task in ready(council, case, "bo_phieu"):
        tasks.complete(council, task.assignee_id, task.id, ballot({"cs1": Y, "cs2": N, "tinh1": Y}))
    with council.transaction() as session:
        state = session.get(Instance, case).state
    assert "lua_chon" in state and f'"{N}"' in state.replace(f'"{N}":', "")  # what the secret test rules out
    finish_minutes(council, case)
    data = case_data(council, case)
    assert data["bien_ban"]["bo_phieu_kin"] is False
    assert [r["dat"] for r in data["ket_qua_hop_xet"]] == [True, False, True]


CALLER = bpmn("goi_hop_xet", "".join([
    '<bpmn:startEvent id="s"><bpmn:outgoing>a</bpmn:outgoing></bpmn:startEvent>',
    '<bpmn:callActivity id="hop" name="Họp xét" calledElement="hop_xet_hoi_dong">'
    '<bpmn:incoming>a</bpmn:incoming><bpmn:outgoing>b</bpmn:outgoing></bpmn:callActivity>',
    '<bpmn:userTask id="xem" name="Xem kết quả"><bpmn:incoming>b</bpmn:incoming>'
    '<bpmn:outgoing>c</bpmn:outgoing></bpmn:userTask>',
    '<bpmn:endEvent id="e"><bpmn:incoming>c</bpmn:incoming></bpmn:endEvent>',
    flow("a", "s", "hop"), flow("b", "hop", "xem"), flow("c", "xem", "e"),
]), lanes={"hieu_truong": ["s", "hop", "xem", "e"]})


def test_call_activity_gets_exactly_the_contract_outputs(council):
    from engine.runtime.instances import start_instance
    from tests.council_scene import NOMINATIONS

    deploy_bytes(council, "goi_hop_xet.bpmn", CALLER)
    case = start_instance(council, pid(council, CHAIR), "goi_hop_xet", UNIT,
                          data={"de_nghi": NOMINATIONS, "hoi_dong_don_vi": UNIT, "bo_phieu_kin": True,
                                "quyet_dinh": {"so": "12/QĐ-UBND"}, "ket_luan": "của hồ sơ"}).id
    open_meeting(council, case, absent={})
    for task in ready(council, case, "bo_phieu"):
        tasks.complete(council, task.assignee_id, task.id, ballot({"cs1": Y, "cs2": Y, "tinh1": N}))
    finish_minutes(council, case)
    [after] = ready(council, case)
    assert after.name == "xem"
    from engine.definitions.repository import load_specs
    from engine.serialization import load_workflow

    with council.transaction() as session:
        instance = session.get(Instance, case)
        load_specs(session, instance.definition)
        workflow = load_workflow(instance.state)
    [task] = [t for t in workflow.get_tasks() if t.task_spec.name == "xem" and t.data]
    keys = set(task.data)
    assert {"ket_qua_hop_xet", "bien_ban", "de_nghi_dat", "de_nghi", "hoi_dong_don_vi"} <= keys
    assert not keys & {"phien", "kiem", "thanh_vien", "phieu_bau", "ma_phien_hop"}  # internals stay inside
    assert task.data["bien_ban"]["ten_hoi_dong"] == "Hội đồng Thi đua - Khen thưởng"  # optional input defaulted
    assert task.data["quyet_dinh"] == {"so": "12/QĐ-UBND"} and task.data["ket_luan"] == "của hồ sơ"  # untouched
    assert [n["ma"] for n in task.data["de_nghi_dat"]] == ["cs1", "cs2"]
    assert OUTSIDER  # the outsider exists but is no member


def test_read_only_minutes_fields_cannot_be_rewritten_and_the_chair_can_send_back(council):
    case = start_meeting(council)
    open_meeting(council, case, absent={})
    for task in ready(council, case, "bo_phieu"):
        tasks.complete(council, task.assignee_id, task.id, ballot({"cs1": Y, "cs2": N, "tinh1": N}))
    [minutes] = ready(council, case)
    forged = {"ket_luan": "Lần một", "chu_tri": "Người Giả Mạo", "ngay_hop": "2020-01-01",
              "ket_qua": [{"ho_ten": "Trần Văn Bình", "tan_thanh": 7, "ket_qua": "Đạt"}]}
    tasks.complete(council, pid(council, SECRETARY), minutes.id, forged)
    [sign] = ready(council, case)
    tasks.complete(council, pid(council, CHAIR), sign.id, {"ky_duyet": "tra_lai", "y_kien_chu_tich": "Sửa"})
    [again] = ready(council, case)
    assert again.name == "lap_bien_ban"
    finish_minutes(council, case, "Hội đồng thống nhất đề nghị Lê Thị Mai.")
    data = case_data(council, case)
    assert data["bien_ban"]["chu_tri"] == "Nguyễn Văn Chủ Tịch" and data["bien_ban"]["ngay_hop"] == "2024-08-12"
    assert data["bien_ban"]["ket_luan"] == "Hội đồng thống nhất đề nghị Lê Thị Mai."
    assert [r["dat"] for r in data["ket_qua_hop_xet"]] == [True, False, False]


def test_simultaneous_ballots_are_all_counted(council):
    from tests.test_concurrency_incidents import run_together

    case = start_meeting(council)
    open_meeting(council, case, absent={})
    calls = [lambda t=task: tasks.complete(council, t.assignee_id, t.id, ballot({"cs1": Y, "cs2": Y, "tinh1": N}))
             for task in ready(council, case, "bo_phieu")]
    outcomes = run_together(*calls)
    assert all(getattr(o, "instance_status", None) == "running" for o in outcomes), outcomes
    with council.transaction() as session:
        box = session.scalar(select(BallotBox).where(BallotBox.instance_id == case))
    assert box.voters == sorted(COUNCIL) and len(box.ballots) == 7
    [minutes] = ready(council, case)
    assert minutes.name == "lap_bien_ban"
