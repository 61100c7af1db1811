"""Eligibility rules (processes/rules/*.dmn) with histories from the registry: each title passing and
failing, the rule set in force at the receipt date (1/7/2025, the reported 2026 amendment), holds,
đột xuất awards not counted, discipline resets, quotas, and the tables inside a BPMN business rule task."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.config import PROJECT_ROOT
from engine.definitions.validation import validate_files
from engine.definitions.xml_safety import parse_xml
from engine.errors import InvalidInput
from engine.org import unit_by_code
from engine.registry.awards import parse_award, record_award
from engine.registry.discipline import parse_discipline, record_discipline
from engine.registry.subjects import subject_from
from engine.rules import Nomination, check_quota, eligibility_inputs, evaluate_eligibility, set_quota
from engine.rules.eligibility import TITLE_TABLES
from engine.rules.tables import evaluate, load_decision
from engine.scripting import make_script_engine
from tests.helpers import deploy_bytes

RULES = PROJECT_ROOT / "processes" / "rules"
FIXTURES = Path(__file__).parent / "fixtures" / "registry"
BEFORE, AFTER = date(2025, 6, 30), date(2025, 7, 1)  # NĐ 98/2023 until 30/6/2025, NĐ 152/2025 from 1/7/2025
RECEIPT = date(2025, 7, 15)  # school year 2024-2025


def award(db, title: str, year: int, *, who: str = "gv_a1", kind: str | None = None, unit: str | None = None,
          name: str | None = None) -> None:
    data = {"title": title, "school_year": f"{year}-{year + 1}", "decision_number": f"{year}/{title}/{who}",
            "decision_date": f"{year + 1}-06-20", "deciding_authority": "Chủ tịch UBND huyện"}
    if name:
        data.update(name=name, unit=unit)
    elif who == "-":
        data["unit"] = unit
    else:
        data["username"] = who
    if kind:
        data["kind"] = kind
    with db.transaction() as session:
        record_award(session, parse_award(session, data), None)


def discipline(db, kind: str, start: str, end: str | None = None, *, who: str = "gv_a1",
               severity: str | None = None) -> None:
    data = {"username": who, "kind": kind, "from": start, "to": end, "severity": severity}
    with db.transaction() as session:
        record_discipline(session, parse_discipline(session, data), None)


def check(db, title: str, receipt: date = RECEIPT, who: str = "gv_a1", **hints):
    with db.transaction() as session:
        subject = subject_from(session, {"unit": who} if who.startswith(("th_", "thpt_")) else {"username": who})
        return evaluate_eligibility(session, Nomination(subject, title, receipt, hints))


# ---- titles: passing and failing histories -------------------------------------------------------------------

def test_lao_dong_tien_tien(org):
    good = check(org, "lao_dong_tien_tien", rating="HTTNV")
    assert good.eligible and not good.hold and "hoàn thành tốt nhiệm vụ" in good.reasons[0]
    assert any("Điều 24" in basis for basis in good.legal_basis)
    bad = check(org, "lao_dong_tien_tien", rating="HTNV")
    assert not bad.eligible and "xếp loại: HTNV" in bad.reasons[0]
    missing = check(org, "lao_dong_tien_tien")
    assert not missing.eligible and "rating" in missing.warnings[0]


def test_chien_si_thi_dua_co_so_needs_ldtt_and_htxsnv_or_initiative(org):
    assert not check(org, "chien_si_thi_dua_co_so", rating="HTXSNV").eligible  # no LĐTT of the year
    award(org, "lao_dong_tien_tien", 2024)
    by_rating = check(org, "chien_si_thi_dua_co_so", rating="HTXSNV")
    assert by_rating.eligible and by_rating.rule_ids[-1].endswith("cstdcs_dat_htxsnv_nd152")
    by_initiative = check(org, "chien_si_thi_dua_co_so", rating="HTTNV", initiative_scope="co_so")
    assert by_initiative.eligible
    neither = check(org, "chien_si_thi_dua_co_so", rating="HTTNV")
    assert not neither.eligible and "sáng kiến" in " ".join(neither.reasons)


def test_ldtt_proposed_in_the_same_dossier_counts_for_the_year(org):
    result = check(org, "chien_si_thi_dua_co_so", rating="HTXSNV", proposed_with=["lao_dong_tien_tien"])
    assert result.eligible and result.inputs["ldtt"] is True


def test_chien_si_thi_dua_tinh_needs_three_consecutive_cstdcs(org):
    for year in (2022, 2023, 2024):
        award(org, "chien_si_thi_dua_co_so", year)
    assert check(org, "chien_si_thi_dua_tinh", initiative_scope="tinh").eligible
    only_local = check(org, "chien_si_thi_dua_tinh", initiative_scope="co_so")
    assert not only_local.eligible and "phạm vi ảnh hưởng" in only_local.reasons[0]


def test_a_gap_year_breaks_the_run(org):
    for year in (2021, 2022, 2024):
        award(org, "chien_si_thi_dua_co_so", year)
    result = check(org, "chien_si_thi_dua_tinh", initiative_scope="tinh")
    assert not result.eligible and "Mới có 1 lần liên tục" in result.reasons[0]


def test_dot_xuat_and_chuyen_de_awards_are_not_counted(org):
    award(org, "chien_si_thi_dua_co_so", 2022)
    award(org, "chien_si_thi_dua_co_so", 2023, kind="chuyen_de")
    award(org, "chien_si_thi_dua_co_so", 2024)
    with org.transaction() as session:
        inputs = eligibility_inputs(session, subject_from(session, {"username": "gv_a1"}), "chien_si_thi_dua_tinh",
                                    RECEIPT, {"initiative_scope": "tinh"})
    assert inputs.values["cstdcs_streak"] == 1
    assert not check(org, "chien_si_thi_dua_tinh", initiative_scope="tinh").eligible
    award(org, "bang_khen_tinh", 2018, kind="dot_xuat")  # an đột xuất Bằng khen is no basis for Bằng khen TTg
    result = check(org, "bang_khen_thu_tuong", httnv_years=6)
    assert not result.eligible and "Chưa được tặng Bằng khen cấp bộ" in result.reasons[0]


def test_chien_si_thi_dua_toan_quoc(org):
    award(org, "chien_si_thi_dua_tinh", 2023)
    award(org, "chien_si_thi_dua_tinh", 2024)
    passed = check(org, "chien_si_thi_dua_toan_quoc", initiative_scope="toan_quoc")
    assert passed.eligible and passed.decided_by == "Thủ tướng Chính phủ"
    assert not check(org, "chien_si_thi_dua_toan_quoc", initiative_scope="tinh").eligible


def test_tap_the_lao_dong_tien_tien(org):
    # th_a has 3 people (ht_a, gv_a1, gv_a2)
    award(org, "lao_dong_tien_tien", 2024, who="gv_a1")
    award(org, "lao_dong_tien_tien", 2024, who="gv_a2")
    passed = check(org, "tap_the_lao_dong_tien_tien", who="th_a", collective_rating="HTTNV")
    assert passed.eligible and passed.inputs["ldtt_share"] == 66.7
    assert passed.unverified  # Luật 2022 Điều 28 wording is only known from Luật 2003 (notes: [M])
    assert not check(org, "tap_the_lao_dong_tien_tien", who="th_a", collective_rating="HTTNV",
                     members_ldtt=1).eligible
    discipline(org, "ky_luat", "2024-10-01", "2025-04-01", who="gv_a2", severity="canh_cao")
    punished = check(org, "tap_the_lao_dong_tien_tien", who="th_a", collective_rating="HTTNV")
    assert not punished.eligible and "bị kỷ luật" in punished.reasons[0]


def test_tap_the_lao_dong_xuat_sac(org):
    for who in ("ht_a", "gv_a1", "gv_a2"):
        award(org, "lao_dong_tien_tien", 2024, who=who)
    award(org, "chien_si_thi_dua_co_so", 2024, who="gv_a1")
    passed = check(org, "tap_the_lao_dong_xuat_sac", who="th_a", collective_rating="HTXSNV", members_htnv=3)
    assert passed.eligible and not passed.unverified
    failed = check(org, "tap_the_lao_dong_xuat_sac", who="th_a", collective_rating="HTXSNV", members_htnv=2,
                   members_ldtt=2)
    assert not failed.eligible
    assert any("cần 100%" in r for r in failed.reasons) and any("từ 70%" in r for r in failed.reasons)


def test_bang_khen_bo_tinh_either_alternative(org):
    award(org, "chien_si_thi_dua_co_so", 2023)
    award(org, "chien_si_thi_dua_co_so", 2024)
    assert check(org, "bang_khen_tinh").eligible
    assert check(org, "bang_khen_bo").eligible  # same table (Luật Điều 74)
    assert check(org, "bang_khen_tinh", who="gv_a2", htxsnv_years=2, initiatives=2).eligible
    short = check(org, "bang_khen_tinh", who="gv_a2", htxsnv_years=2, initiatives=1)
    assert not short.eligible and "mới có 1 sáng kiến" in short.reasons[0]


def test_bang_khen_thu_tuong_is_flagged_unverified(org):
    award(org, "bang_khen_tinh", 2018)
    award(org, "chien_si_thi_dua_co_so", 2020)
    passed = check(org, "bang_khen_thu_tuong", httnv_years=6)
    assert passed.eligible and passed.unverified and "1 lần Chiến sĩ thi đua cơ sở" in passed.reasons[0]
    assert not check(org, "bang_khen_thu_tuong", httnv_years=4).eligible
    award(org, "bang_khen_tinh", 2022)  # the latest Bằng khen starts the five years again
    assert not check(org, "bang_khen_thu_tuong", httnv_years=6).eligible


def test_huan_chuong_lao_dong_hang_ba(org):
    award(org, "bang_khen_thu_tuong", 2018)
    for year in (2020, 2022):
        award(org, "chien_si_thi_dua_co_so", year)
    two = check(org, "huan_chuong_lao_dong_hang_ba", httnv_years=6, htxsnv_count=1)
    assert not two.eligible and "mới có 2 lần" in two.reasons[0]
    award(org, "chien_si_thi_dua_co_so", 2024)
    passed = check(org, "huan_chuong_lao_dong_hang_ba", httnv_years=6, htxsnv_count=1)
    assert passed.eligible and passed.decided_by.startswith("Chủ tịch nước")
    assert not check(org, "huan_chuong_lao_dong_hang_ba", httnv_years=6, htxsnv_count=0).eligible


def test_ky_niem_chuong_vi_su_nghiep_giao_duc(org):
    knc = "ky_niem_chuong_vi_su_nghiep_giao_duc"
    assert check(org, knc, years_in_sector=20).eligible
    assert check(org, knc, years_in_sector=16, years_dbkk=5).eligible
    assert not check(org, knc, years_in_sector=16, years_dbkk=2).eligible
    assert check(org, knc, in_sector=False, leadership_years=5).eligible
    assert check(org, knc, service_start="2005-07-01").eligible  # 20 years on 15/07/2025
    discipline(org, "ky_luat", "2015-01-01", "2015-12-31", severity="khien_trach")
    after_discipline = check(org, knc, service_start="2005-07-01")  # the year under discipline does not count
    assert not after_discipline.eligible and after_discipline.inputs["years_in_sector"] == 19


# ---- rule set in force at the receipt date -----------------------------------------------------------------

def test_both_sides_of_1_7_2025(org):
    award(org, "lao_dong_tien_tien", 2024)
    before = check(org, "chien_si_thi_dua_co_so", BEFORE, rating="HTXSNV")
    after = check(org, "chien_si_thi_dua_co_so", AFTER, rating="HTXSNV")
    assert before.eligible and after.eligible  # the criteria (Luật 2022 Điều 23) did not change…
    assert before.regime == "regime_luat2022_nd98" and after.regime == "regime_luat2022_nd152"
    assert before.rule_ids[-1].endswith("_nd98") and after.rule_ids[-1].endswith("_nd152")
    assert any("98/2023" in b for b in before.legal_basis) and not any("152/2025" in b for b in before.legal_basis)
    assert any("152/2025" in b for b in after.legal_basis)
    # … who decides did: Chủ tịch UBND cấp huyện before, cấp xã after (NĐ 129/2025 Điều 59)
    assert before.decided_by.startswith("Chủ tịch UBND cấp huyện")
    assert after.decided_by.startswith("Chủ tịch UBND cấp xã")


def test_reported_2026_amendment_is_flagged_and_needs_both(org):
    award(org, "lao_dong_tien_tien", 2025)
    hints = {"rating": "HTXSNV", "school_year": "2025-2026"}
    assert check(org, "chien_si_thi_dua_co_so", date(2026, 9, 30), **hints).eligible
    after = check(org, "chien_si_thi_dua_co_so", date(2026, 10, 1), **hints)
    assert not after.eligible and after.unverified and "sáng kiến" in after.reasons[0]
    both = check(org, "chien_si_thi_dua_co_so", date(2026, 10, 1), initiative_scope="co_so", **hints)
    assert both.eligible and both.unverified


def test_no_rule_set_before_2024(org):
    result = check(org, "lao_dong_tien_tien", date(2023, 12, 31), rating="HTXSNV")
    assert not result.eligible and result.rule_ids == [] and "01/01/2024" in result.reasons[0]


# ---- holds and discipline ------------------------------------------------------------------------------------

def test_hold_while_discipline_is_under_review(org):
    discipline(org, "xem_xet_ky_luat", "2025-06-01")
    held = check(org, "lao_dong_tien_tien", rating="HTTNV")
    assert held.hold and not held.eligible and "xem xét thi hành kỷ luật" in held.reasons[0]
    assert any("Điều 4 khoản 4" in b for b in held.legal_basis)
    older = check(org, "lao_dong_tien_tien", BEFORE, rating="HTTNV")
    assert older.hold and older.unverified  # the NĐ 98/2023 counterpart is not verified


def test_hold_on_a_pending_complaint_until_it_is_resolved(org):
    discipline(org, "khieu_nai_to_cao", "2025-05-10")
    assert check(org, "lao_dong_tien_tien", rating="HTTNV").hold
    with org.transaction() as session:
        from engine.models import DisciplineRecord
        from engine.registry.discipline import close_discipline

        close_discipline(session, session.query(DisciplineRecord).one(), date(2025, 7, 10))
    assert check(org, "lao_dong_tien_tien", rating="HTTNV").eligible


def test_running_discipline_blocks_and_earlier_years_do_not_count(org):
    for year in (2022, 2023, 2024):
        award(org, "chien_si_thi_dua_co_so", year)
    discipline(org, "ky_luat", "2022-09-01", "2023-03-01", severity="khien_trach")  # school year 2022-2023
    result = check(org, "chien_si_thi_dua_tinh", initiative_scope="tinh")
    assert not result.eligible and not result.hold and result.inputs["cstdcs_streak"] == 2
    discipline(org, "ky_luat", "2025-06-01", "2026-05-31", who="gv_a2", severity="khien_trach")
    blocked = check(org, "lao_dong_tien_tien", who="gv_a2", rating="HTTNV")
    assert not blocked.eligible and not blocked.hold and "thời gian thi hành kỷ luật" in blocked.reasons[0]


def test_wrong_subject_title_and_hints_are_refused(org):
    with pytest.raises(InvalidInput, match="collective"):
        check(org, "tap_the_lao_dong_tien_tien", who="gv_a1")
    with pytest.raises(InvalidInput, match="no eligibility rules"):
        check(org, "giay_khen")
    with pytest.raises(InvalidInput, match="hints.ratng"):
        check(org, "lao_dong_tien_tien", ratng="HTTNV")
    with pytest.raises(InvalidInput, match="hints.rating"):
        check(org, "lao_dong_tien_tien", rating="TOT")


# ---- quotas ---------------------------------------------------------------------------------------------------

def test_quota_is_per_unit_configuration(org):
    with org.transaction() as session:
        th_a, thpt = unit_by_code(session, "th_a"), unit_by_code(session, "thpt_x")
        free = check_quota(session, th_a, "chien_si_thi_dua_co_so", "2024-2025", 5)
        assert free.allowed and free.limit is None  # no national cap since 2024
        set_quota(session, unit_by_code(session, "phong_hd"), "chien_si_thi_dua_co_so", max_percent=15,
                  of_title="lao_dong_tien_tien", legal_basis="Quy chế TĐKT của Phòng")
        assert check_quota(session, th_a, "chien_si_thi_dua_co_so", "2024-2025", 1, base_count=10).allowed
        over = check_quota(session, th_a, "chien_si_thi_dua_co_so", "2024-2025", 2, base_count=10)
        assert not over.allowed and over.limit == 1 and "vượt hạn mức" in over.reason
        assert check_quota(session, thpt, "chien_si_thi_dua_co_so", "2024-2025", 9).limit is None  # not under Phòng
    award(org, "lao_dong_tien_tien", 2024, who="gv_a1")
    award(org, "lao_dong_tien_tien", 2024, who="gv_a2")
    award(org, "chien_si_thi_dua_co_so", 2024, who="gv_a1")
    with org.transaction() as session:
        th_a = unit_by_code(session, "th_a")
        set_quota(session, th_a, "chien_si_thi_dua_co_so", max_count=1)  # the nearest unit's quota wins
        counted = check_quota(session, th_a, "chien_si_thi_dua_co_so", "2024-2025", 1)
        assert counted.used == 1 and counted.limit == 1 and not counted.allowed


# ---- the tables themselves ------------------------------------------------------------------------------------

def test_every_table_validates_and_cites_its_legal_basis():
    files = sorted(RULES.glob("*.dmn"))
    assert len(files) == 12 and validate_files(files) == []
    for path in files:
        ns = {"d": "https://www.omg.org/spec/DMN/20191111/MODEL/"}
        root = parse_xml(path.read_bytes(), path.name)
        for rule in root.xpath("//d:rule", namespaces=ns):
            basis = rule.findtext("d:description", namespaces=ns) or ""
            assert any(text in basis for text in ("Luật", "Nghị định", "Thông tư")), (path.name, rule.get("id"))
            dates = [e.findtext("d:text", namespaces=ns) for e in rule.xpath("d:inputEntry", namespaces=ns)[:2]]
            assert dates[0].startswith(">= \"20") and (dates[1] == "-" or dates[1].startswith("<= \"20"))
    for title, (decision, _kind) in TITLE_TABLES.items():
        assert (RULES / f"{decision}.dmn").exists(), title


@pytest.mark.parametrize("receipt", ["2024-01-01", "2025-06-30", "2025-07-01", "2026-04-02", "2026-10-01"])
def test_every_input_gets_a_verdict(org, receipt):
    """For each table and a grid of inputs, some row matches: an eligible row or a reason why not."""
    grid = {"rating": ["HTXSNV", "HTNV"], "ldtt": [True, False], "initiative_scope": ["", "tinh", "toan_quoc"],
            "cstdcs_streak": [0, 3], "cstd_tinh_streak": [1, 2], "collective_rating": ["HTXSNV", ""],
            "ldtt_share": [40.0, 80.0], "htnv_share": [100.0, 90.0], "cstdcs_members": [0, 1],
            "disciplined_members": [0, 1], "htxsnv_streak": [0, 2], "initiatives": [1, 2],
            "has_bk_province": [True, False], "httnv_years_after_bk": [2, 5], "cstdcs_after_bk": [0],
            "has_bk_ttg": [True, False], "httnv_years_after_bk_ttg": [5], "htxsnv_count": [0, 1],
            "cstdcs_after_bk_ttg": [3], "in_sector": [True, False], "years_in_sector": [10, 17, 25],
            "years_dbkk": [0, 6], "leadership_years": [2, 6]}
    with org.transaction() as session:
        for decision, _kind in set(TITLE_TABLES.values()):
            table = load_decision(session, decision)
            for variant in range(3):
                values = {k: v[variant % len(v)] for k, v in grid.items()} | {"receipt_date": receipt}
                hits = evaluate(table, values)
                assert hits, (decision, values)
                passed = [h for h in hits if h.outcome == "dat"]
                assert passed or all(h.reason for h in hits), decision


def test_a_deployed_table_version_is_used(product):
    changed = (RULES / "eligibility_lao_dong_tien_tien.dmn").read_bytes().replace(
        "Xếp loại hoàn thành tốt nhiệm vụ trở lên;".encode(), "Đạt: xếp loại HTTNV trở lên;".encode())
    deploy_bytes(product, "eligibility_lao_dong_tien_tien.dmn", changed)
    result = check(product, "lao_dong_tien_tien", rating="HTTNV")
    assert result.reasons[0].startswith("Đạt: xếp loại") and result.tables[
        "eligibility_lao_dong_tien_tien"] == "deployed v2"


def test_tables_run_in_a_bpmn_business_rule_task():
    """The same table, called from a BPMN businessRuleTask with the restricted script engine."""
    bpmn = FIXTURES / "kiem_tra_ldtt.bpmn"
    dmn = RULES / "eligibility_lao_dong_tien_tien.dmn"
    assert validate_files([bpmn, dmn]) == []
    parser = SpiffBpmnParser()
    parser.add_dmn_xml(parse_xml(dmn.read_bytes(), dmn.name), filename=dmn.name)
    parser.add_bpmn_xml(parse_xml(bpmn.read_bytes(), bpmn.name), filename=bpmn.name)
    workflow = BpmnWorkflow(parser.get_spec("kiem_tra_ldtt"), script_engine=make_script_engine())
    start = workflow.get_next_task(state=TaskState.READY)
    start.data.update({"receipt_date": "2025-07-15", "rating": "HTXSNV"})
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert workflow.data["outcome"] == ["dat"] and workflow.data["du_dieu_kien"] is True
