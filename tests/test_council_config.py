"""Per-unit council rules (quorum, thresholds the law leaves to the unit, effective dates), the council
of a unit from role memberships, and their CLI and API."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from engine.council.config import local_rule_of, parse_ratio, quorum_of, rules_in_force, set_rule
from engine.council.members import council_members
from engine.errors import InvalidInput
from engine.org import unit_by_code
from engine.runtime import tasks
from tests.council_scene import (
    CHAIR,
    MEMBERS,
    SECRETARY,
    UNIT,
    case_data,
    finish_minutes,
    open_meeting,
    pid,
    ready,
    start_meeting,
)


def test_members_come_from_council_roles_chair_and_secretary_included(council):
    with council.transaction() as session:
        members = council_members(session, UNIT)
    assert [m.username for m in members[:2]] == [CHAIR, SECRETARY]
    assert [m.role for m in members] == ["chu_tich_hoi_dong", "thu_ky_hoi_dong"] + ["thanh_vien_hoi_dong"] * 5
    assert "hx_giao_vien" not in {m.username for m in members}


@pytest.mark.parametrize(("text", "value"), [("2/3", Fraction(2, 3)), ("0.8", Fraction(4, 5)), ("80%", Fraction(4, 5)),
                                             ("75,5%", Fraction(151, 200)), ("1", Fraction(1))])
def test_ratios(text, value):
    assert parse_ratio(text) == value


@pytest.mark.parametrize("text", ["0", "1.2", "abc", "1/0", "-50%"])
def test_bad_ratios_are_refused(text):
    with pytest.raises(InvalidInput):
        parse_ratio(text)


def test_unit_rules_apply_below_and_by_date(council):
    with council.transaction() as session:
        set_rule(session, "phong_hx", "quorum", Fraction(1, 2))
        set_rule(session, "phong_hx", "*", Fraction(7, 10), valid_to=date(2024, 12, 31), note="Quy chế 2024")
        set_rule(session, UNIT, "lao_dong_tien_tien", Fraction(3, 4), valid_from=date(2025, 1, 1))
        school, phong = unit_by_code(session, UNIT), unit_by_code(session, "phong_hx")
        assert quorum_of(session, school, date(2024, 8, 12)) == Fraction(1, 2)  # the Phòng's, inherited
        old = local_rule_of(session, school, "lao_dong_tien_tien", date(2024, 8, 12))
        assert old.ratio == Fraction(7, 10) and "Quy chế 2024" in old.legal_basis
        new = local_rule_of(session, school, "lao_dong_tien_tien", date(2025, 8, 12))
        assert new.ratio == Fraction(3, 4)  # the school's own, from 2025
        assert local_rule_of(session, phong, "giay_khen", date(2025, 8, 12)).ratio == Fraction(1, 2)  # default
        summary = rules_in_force(session, school, date(2025, 8, 12))
        by_title = {r["title"]: r for r in summary["titles"]}
        assert summary["quorum"]["ratio"] == "1/2"
        assert by_title["chien_si_thi_dua_co_so"]["percent"] == 80.0  # national rules are not the unit's to change
        assert by_title["lao_dong_tien_tien"]["ratio"] == "3/4"
        with pytest.raises(InvalidInput):
            set_rule(session, UNIT, "khong_co", Fraction(1, 2))


def test_meeting_applies_the_units_rules(council):
    with council.transaction() as session:
        set_rule(session, UNIT, "quorum", Fraction(1, 2))
        set_rule(session, UNIT, "lao_dong_tien_tien", Fraction(3, 4))
    nominations = [{"ma": "l1", "ho_ten": "Ngô Thị Huệ", "danh_hieu": "lao_dong_tien_tien"},
                   {"ma": "l2", "ho_ten": "Tạ Văn Đức", "danh_hieu": "lao_dong_tien_tien"}]
    case = start_meeting(council, nominations=nominations)
    open_meeting(council, case, absent={u: False for u in MEMBERS[:3]})  # 4 of 7 present: enough for 1/2
    ballots = ready(council, case, "bo_phieu")
    assert len(ballots) == 7
    secretary, seen = pid(council, SECRETARY), set()
    for task in ballots:
        if task.assignee_id in seen:  # the secretary's other ballots: absent members, no written vote
            tasks.complete(council, task.assignee_id, task.id, {"khong_co_phieu": True})
            continue
        seen.add(task.assignee_id)
        votes = [{"ma": "l1", "lua_chon": "tan_thanh"}, {"ma": "l2", "lua_chon": "tan_thanh"}]
        tasks.complete(council, task.assignee_id, task.id, {"bieu_quyet": votes})
    finish_minutes(council, case)
    data = case_data(council, case)
    assert data["bien_ban"]["du_so_luong"] is True and data["bien_ban"]["so_phieu"] == 4
    assert [r["dat"] for r in data["ket_qua_hop_xet"]] == [False, False]  # 4/7 = 57 % < 75 % of ALL members
    assert secretary in seen


def test_cli_and_api(council, tdkt, client, token):
    assert "Nguyễn Văn Chủ Tịch" in tdkt("council", "members", UNIT).output
    assert "quorum: 3/5" in tdkt("council", "rule", UNIT, "quorum", "60%").output
    assert '"ratio": "3/5"' in tdkt("council", "rules", UNIT, "--on", "2025-09-01").output
    assert tdkt("council", "rule", UNIT, "quorum", "150%", ok=False).exit_code == 1
    shown = client.get(f"/api/v1/councils/{UNIT}?on=2025-09-01", headers=token(MEMBERS[0]))
    assert shown.status_code == 200 and len(shown.get_json()["members"]) == 7
    assert shown.get_json()["rules"]["quorum"]["ratio"] == "3/5"
    assert client.get(f"/api/v1/councils/{UNIT}", headers=token("gv_b1")).status_code == 404
    body = {"key": "*", "ratio": "2/3", "note": "Quy chế thi đua 2025"}
    assert client.put(f"/api/v1/councils/{UNIT}/rules", json=body, headers=token(MEMBERS[0])).status_code == 403
    set_by_chair = client.put(f"/api/v1/councils/{UNIT}/rules", json=body, headers=token(CHAIR))
    assert set_by_chair.status_code == 200
    giay_khen = next(r for r in set_by_chair.get_json()["titles"] if r["title"] == "giay_khen")
    assert giay_khen["ratio"] == "2/3" and "Quy chế thi đua 2025" in giay_khen["legal_basis"]
    bad = client.put(f"/api/v1/councils/{UNIT}/rules", json={"key": "*", "ratio": "abc"}, headers=token(CHAIR))
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "ratio"
