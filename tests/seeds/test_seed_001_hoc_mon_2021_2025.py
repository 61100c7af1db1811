"""Seed 001 (Kế hoạch 49/KH-GDĐT, Phòng GDĐT Hóc Môn, điển hình tiên tiến 2021-2025) over its period on the
virtual clock with the demo people: the ten schools register their models with the Bảng đăng ký before
20/01/2022 (a late one is escalated to the Phòng's leaders), nominate at the preliminary review in Q4 2022
and report at the final review in Q4 2024; every year of the period the Phòng chooses at least 05 collectives
and 05 individuals (refused with fewer): at the preliminary review (Q4 2022), at the school year's summary
(May 2023, May 2025) and at the final review (Q4 2024, also 10 models for the period); the Ngành council
votes and the Trưởng phòng commends."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from engine.demo.form_data import form_data, model_row
from engine.models import Person, Unit
from tests.seeds.support import World, at, hold_council

PLAN = "49/KH-GDDT"
DECIDER = "Trưởng phòng GDĐT huyện Hóc Môn"


def test_hoc_mon_advanced_models_2021_2025(product):
    world = World.start(product, "hoc_mon", PLAN, at(14, 1, 2022))
    with product.transaction() as session:
        phong_id = session.scalar(select(Unit.id).where(Unit.code == "phong_hm"))
        schools = list(session.scalars(select(Unit.code).where(Unit.parent_id == phong_id).order_by(Unit.id)))
        names = dict(session.execute(select(Person.username, Person.full_name)).all())
        units = dict(session.execute(select(Unit.code, Unit.name)).all())
    assert len(schools) == 10
    late = "thcs_hm_tan_xuan"
    cases = {s: world.start_case("dien_hinh_tien_tien_truong", s) for s in schools}
    phong = world.start_case("chon_dien_hinh_nganh", "phong_hm")
    assert world.task(cases[late], "dang_ky").due_at == at(20, 1, 2022, 0)

    def own_models(school: str) -> list[dict[str, str]]:
        return [model_row("tap_the", units[school], units[school]),
                model_row("ca_nhan", names[f"gv_{school}_1"], units[school], "Công nghệ thông tin và truyền thông")]

    world.walk(at(19, 1, 2022))
    for school, case in cases.items():
        if school != late:
            world.do(case, "dang_ky", f"ht_{school}", {"giai_doan": "2021-2025", "danh_sach": own_models(school)})
            world.do(case, "tiep_nhan_dang_ky", "cv_hm", form_data("tiep_nhan_ho_so", world.today()))
    world.walk(at(24, 1, 2022))
    assert world.notifications("task_escalated", cases[late]) == [("tp_hm", date(2022, 1, 20))]
    world.do(cases[late], "dang_ky", f"ht_{late}", {"danh_sach": own_models(late)})
    world.do(cases[late], "tiep_nhan_dang_ky", "cv_hm", form_data("tiep_nhan_ho_so", world.today()))

    # Q4 2022: each school's preliminary review opens on 01/10/2022
    world.walk(at(30, 9, 2022), step="1w")
    assert all(not world.open_tasks(c) for c in cases.values())
    world.walk(at(3, 10, 2022))
    for school, case in cases.items():
        review = world.task(case, "so_ket")
        assert review.due_at == at(1, 1, 2023, 0)
        world.do(case, "so_ket", f"ht_{school}", {"danh_sach": own_models(school)[1:]})
    # 2022 (the preliminary review): at least 05 collectives and 05 individuals; four collectives are refused
    world.walk(at(1, 12, 2022), step="1w")
    proposals = [row for s in schools for row in own_models(s)]
    collectives = [r for r in proposals if r["loai"] == "tap_the"]
    individuals = [r for r in proposals if r["loai"] == "ca_nhan"]

    def choose(year: int, chosen: list[dict[str, str]], number: str, against: dict[str, set[str]] | None = None,
               short: tuple[int, int] | None = None) -> None:
        """The Phòng's selection of `year`: refused first with `short` (collectives, individuals) if given."""
        if short is not None:
            world.do(phong, "tong_hop", "cv_hm", {"danh_sach": collectives[:short[0]] + individuals[:short[1]]})
            data = world.data(phong)
            assert data["du_so_luong_de_xuat"] is False
            assert data["thong_bao"].startswith(f"Năm {year}: cần ít nhất 05 tập thể và 05 cá nhân")
            assert f"(đã có {short[0]} tập thể, {short[1]} cá nhân)" in data["thong_bao"]
        world.do(phong, "tong_hop", "cv_hm", {"giai_doan": "2021-2025", "danh_sach": chosen})
        hold_council(world, phong, world.today(), against=against)
        world.do(phong, "quyet_dinh", "tp_hm", form_data("ghi_quyet_dinh", world.today(), so=number,
                                                        co_quan=DECIDER, nguoi_ky="Nguyễn Văn Hiệp"))

    assert world.task(phong, "tong_hop").due_at == at(1, 1, 2023, 0)
    choose(2022, collectives[:5] + individuals[:5], "1520/QĐ-GDĐT", short=(4, 5))
    first = [a for a in world.awards("2022-2023") if a[3] == "1520/QĐ-GDĐT"]
    assert len(first) == 10 and sum(1 for a in first if a[1] in units.values()) == 5  # five collectives

    # 2023: the year's selection opens with the school year's summary on 01/05/2023 (no deadline in the plan)
    world.walk(at(30, 4, 2023), step="1w")
    assert world.open_tasks(phong) == []
    world.walk(at(2, 5, 2023))
    assert world.task(phong, "tong_hop").due_at is None
    choose(2023, collectives[5:] + individuals[5:], "905/QĐ-GDĐT", short=(5, 4))
    assert len([a for a in world.awards("2022-2023") if a[3] == "905/QĐ-GDĐT"]) == 10

    # Q4 2024: the final review — the schools' five-year conference and 10 models chosen for the period
    world.walk(at(30, 9, 2024), step="1w")
    assert world.open_tasks(phong) == []
    world.walk(at(2, 10, 2024))
    assert world.task(phong, "tong_hop").due_at == at(1, 1, 2025, 0)
    for school, case in cases.items():
        world.do(case, "tong_ket", f"ht_{school}", form_data("bao_cao_hoi_nghi", world.today()))
    world.walk(at(25, 11, 2024), step="1w")
    choose(2024, individuals[5:] + collectives[5:], "2210/QĐ-GDĐT",
           against={f"hd_hm_tv{n}": {"DN010"} for n in (1, 2, 3)})
    assert [k["dat"] for k in world.data(phong)["ket_qua_hop_xet"]] == [True] * 9 + [False]
    assert world.status(phong) == "running"  # 2025 is still to come

    # 2025: the last year's selection at the school year's summary
    world.walk(at(2, 5, 2025), step="1w")
    choose(2025, collectives[:5] + individuals[:5], "870/QĐ-GDĐT", short=(5, 0))
    assert [world.status(c) for c in [*cases.values(), phong]] == ["completed"] * 11
    final = world.awards("2024-2025")
    assert {a[0] for a in final} == {"giay_khen"} and {a[4] for a in final} == {DECIDER}
    assert sorted(Counter(a[3] for a in final).items()) == [("2210/QĐ-GDĐT", 9), ("870/QĐ-GDĐT", 10)]
