"""Seed 000 (Sở GDĐT Hà Nội, Hội nghị điển hình tiên tiến 2020) over its period on the virtual clock with the
demo people: schools hold the cơ sở conference before 15/5/2020 and send report and lists before 20/5 (a
late school is escalated to the Sở's leaders); each THPT cluster proposes 01 collective + 01 individual and
its schools vote; the Sở office aggregates for the Ngành council at the end of May; the council votes, the
Giám đốc Sở commends (registry) and the Ngành conference is held at the end of Q2."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine.calendar.helpers import working_days_before
from engine.demo.form_data import form_data, honoree
from engine.models import Person, Unit
from engine.org_groups import group_members
from engine.runtime import tasks
from tests.seeds.support import World, at, hold_council

PLAN = "…/KH-SGDĐT"
SCHOOLS = ["thpt_phan_dinh_phung", "thpt_viet_duc", "thpt_le_quy_don_hd"]
CLUSTERS = ["cum_thpt_1", "cum_thpt_2", "cum_thpt_3"]


def test_ha_noi_advanced_models_conference(product):
    world = World.start(product, "ha_noi", PLAN, at(4, 5, 2020))
    with product.transaction() as session:
        members = {c: [u.code for u in group_members(session, c)] for c in CLUSTERS}
        names = dict(session.execute(select(Person.username, Person.full_name)).all())
        units = dict(session.execute(select(Unit.code, Unit.name)).all())
    principal = {s: ("ht_x" if s == "thpt_x" else f"ht_{s}") for c in CLUSTERS for s in members[c]}

    conference = {s: world.start_case("hoi_nghi_dien_hinh_co_so", s) for s in SCHOOLS}
    clusters = {c: world.start_case("xet_chon_dien_hinh_cum", c) for c in CLUSTERS}
    office = world.start_case("tong_hop_hoi_nghi_nganh", "so_hn")
    assert world.task(conference["thpt_viet_duc"], "to_chuc_hoi_nghi").due_at == at(15, 5, 2020, 0)
    assert world.task(clusters["cum_thpt_1"], "de_xuat").role_code == "truong_cum_khoi"

    # the cơ sở conferences, then report and lists; Việt Đức is late
    world.walk(at(12, 5, 2020))
    for school, case in conference.items():
        world.do(case, "to_chuc_hoi_nghi", f"ht_{school}", form_data("bao_cao_hoi_nghi", world.today()))
        assert world.task(case, "gui_danh_sach").due_at == at(20, 5, 2020, 0)
    world.walk(at(18, 5, 2020))
    for school in ("thpt_phan_dinh_phung", "thpt_le_quy_don_hd"):
        world.do(conference[school], "gui_danh_sach", f"ht_{school}", {"giai_doan": "2015-2020", "danh_sach": [
            honoree("ca_nhan", names[f"gv_{school}_1"], units[school], danh_hieu="Chiến sỹ thi đua toàn quốc",
                    chuc_vu="Giáo viên")]})
        world.do(conference[school], "tiep_nhan", "cv_so_hn", form_data("tiep_nhan_ho_so", world.today()))
    # the clusters: 01 collective + 01 individual, the member schools vote
    for cluster, case in clusters.items():
        head, best = members[cluster][0], members[cluster][1]
        proposal = [honoree("tap_the", units[head], units[head]),
                    honoree("ca_nhan", names[f"gv_{head}_1"], units[head], chuc_vu="Giáo viên")]
        if cluster == "cum_thpt_1":  # two individuals first: refused, back to the head
            world.do(case, "de_xuat", f"ht_{head}", {"danh_sach": [proposal[1], proposal[1]]})
            assert world.data(case)["dung_co_cau"] is False
        world.do(case, "de_xuat", f"ht_{head}", {"giai_doan": "2015-2020", "danh_sach": proposal})
        ballots = world.open_tasks(case, "bieu_quyet")
        assert sorted(world.holder_unit(t) for t in ballots) == sorted(members[cluster])
        against = {"cum_thpt_2": {best}, "cum_thpt_3": set(members[cluster][1:])}.get(cluster, set())
        for ballot in ballots:
            school = world.holder_unit(ballot)
            tasks.complete(product, world.person(principal[school]), ballot.id,
                           {"tan_thanh": school not in against})
    assert world.data(clusters["cum_thpt_2"])["so_tan_thanh"] == 2
    # cluster 3 voted it down: the head proposes again, and it passes
    head3 = members["cum_thpt_3"][0]
    world.do(clusters["cum_thpt_3"], "de_xuat", f"ht_{head3}", {"danh_sach": [
        honoree("tap_the", units["thpt_x"], units["thpt_x"]),
        honoree("ca_nhan", names["gv_x1"], units["thpt_x"], chuc_vu="Giáo viên")]})
    for ballot in world.open_tasks(clusters["cum_thpt_3"], "bieu_quyet"):
        school = world.holder_unit(ballot)
        tasks.complete(product, world.person(principal[school]), ballot.id, {"tan_thanh": True})
    for case in clusters.values():
        world.do(case, "tiep_nhan", "cv_so_hn", form_data("tiep_nhan_ho_so", world.today()))

    # 20/5/2020 passes: Việt Đức is reminded three working days before and reported to the Sở's leaders
    world.walk(at(21, 5, 2020))
    reminder_day = date.fromisoformat(working_days_before("2020-05-20T00:00:00+07:00", 3)[:10])
    assert ("ht_thpt_viet_duc", reminder_day) in world.notifications("task_reminder", conference["thpt_viet_duc"])
    assert sorted(world.notifications("task_escalated", conference["thpt_viet_duc"])) == \
        [("ld_so", date(2020, 5, 20)), ("pgd_so_hn", date(2020, 5, 20))]
    assert world.notifications("task_escalated", conference["thpt_le_quy_don_hd"]) == []
    world.do(conference["thpt_viet_duc"], "gui_danh_sach", "ht_thpt_viet_duc", {"danh_sach": [
        honoree("tap_the", units["thpt_viet_duc"], units["thpt_viet_duc"], danh_hieu="Anh hùng Lao động")]})
    world.do(conference["thpt_viet_duc"], "tiep_nhan", "cv_so_hn", form_data("tiep_nhan_ho_so", world.today()))

    # the Sở office aggregates the clusters' lists for the Ngành council (end of May 2020)
    world.walk(at(26, 5, 2020))
    chosen = [row for case in clusters.values() for row in world.data(case)["danh_sach"]]
    assert len(chosen) == 6 and sorted(r["loai"] for r in chosen).count("tap_the") == 3
    aggregate = world.task(office, "tong_hop")
    assert (aggregate.due_at, aggregate.role_code) == (at(1, 6, 2020, 0), "chuyen_vien_thi_dua")
    world.do(office, "tong_hop", "cv_so_hn", {"giai_doan": "2015-2020", "danh_sach": chosen})
    world.walk(at(28, 5, 2020))
    # seven members; four vote against the third nomination (3/7 is not a majority)
    no = ("hd_so_hn_tv1", "hd_so_hn_tv2", "hd_so_hn_tv3", "pgd_so_hn")
    council = hold_council(world, office, world.today(), against={u: {"DN003"} for u in no})
    assert len(council["thanh_vien"]) == 7
    result = world.data(office)
    assert [k["dat"] for k in result["ket_qua_hop_xet"]] == [True, True, False, True, True, True]
    world.do(office, "quyet_dinh", "ld_so", form_data("ghi_quyet_dinh", world.today(), so="1850/QĐ-SGDĐT",
                                                     co_quan="Giám đốc Sở GDĐT Hà Nội", nguoi_ky="Chử Xuân Dũng"))
    assert world.status(office) == "running", world.task(office, "x")
    assert world.data(office)["so_da_ghi"] == 5
    # the Ngành conference at the end of Q2 2020
    world.walk(at(26, 6, 2020))
    conference_task = world.task(office, "hoi_nghi_nganh")
    assert conference_task.due_at == at(1, 7, 2020, 0)
    world.do(office, "hoi_nghi_nganh", "ld_so", form_data("bao_cao_hoi_nghi", world.today()))

    cases = [*conference.values(), *clusters.values(), office]
    assert [world.status(c) for c in cases] == ["completed"] * len(cases)
    awards = world.awards("2019-2020")
    assert len(awards) == 5 and {a[0] for a in awards} == {"giay_khen"}
    assert {a[3] for a in awards} == {"1850/QĐ-SGDĐT"} and {a[4] for a in awards} == {"Giám đốc Sở GDĐT Hà Nội"}
    assert (("giay_khen", names["gv_x1"], "2019-2020", "1850/QĐ-SGDĐT", "Giám đốc Sở GDĐT Hà Nội") in awards)
