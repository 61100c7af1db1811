"""The whole demo organisation of the five seed plans (../shared/seeds), one builder per seed.

- Hà Nội 2020 (000): Sở GDĐT Hà Nội, three THPT clusters (cụm) of three schools each, the Sở's council.
- Hà Đông 2019 (002): Phòng GDĐT quận Hà Đông (under Sở Hà Nội) with MN/TH/THCS schools and its council.
- Hóc Môn 2021-2025 (001): Sở GDĐT TP. Hồ Chí Minh → Phòng GDĐT huyện Hóc Môn, ten schools, council.
- Uông Bí 2016-2017 (003): Sở GDĐT Quảng Ninh → Phòng GDĐT thành phố Uông Bí, five schools.
- Dầu Tiếng 2023-2024 (004): Sở GDĐT Bình Dương → Phòng GDĐT huyện Dầu Tiếng, 42 schools in three
  emulation blocks (khối thi đua: 17 MN-MG, 16 TH, 9 THCS), the Phòng's council.

Blocks and clusters are units of kind `khoi` / `cum` under the unit that runs them; schools stay under
their Phòng/Sở and are listed as members (engine.org_groups). Each block or cluster has a head
(`truong_cum_khoi`, the principal of its first school). Every council has a chair
(`chu_tich_hoi_dong`), a secretary (`thu_ky_hoi_dong`) and members (`thanh_vien_hoi_dong`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from engine.db import Database
from engine.demo.base import demo_password_hash, seed_organisation
from engine.demo.names import full_name
from engine.org import add_person, add_unit
from engine.org_groups import add_group_member

COUNCIL = ["chu_tich_hoi_dong"]


@dataclass
class OrgPart:
    """Units, people and group memberships of one seed's organisation."""

    units: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # code, name, kind, parent
    people: list[tuple[str, str, str, list[str]]] = field(default_factory=list)  # username, name, unit, roles
    members: list[tuple[str, str]] = field(default_factory=list)  # group code, member code
    _next_name: int = 0

    def unit(self, code: str, name: str, kind: str, parent: str | None) -> str:
        self.units.append((code, name, kind, parent))
        return code

    def person(self, username: str, unit: str, roles: list[str], name: str | None = None) -> str:
        if name is None:
            name = full_name(self._seed + self._next_name)
            self._next_name += 1
        self.people.append((username, name, unit, roles))
        return username

    @property
    def _seed(self) -> int:
        return sum(map(ord, self.units[0][0])) if self.units else 0

    def school(self, code: str, name: str, parent: str, *, teachers: int = 1) -> str:
        """A school with its principal (chair of the school council) and teachers, the first one the
        council's secretary."""
        self.unit(code, name, "truong", parent)
        self.person(f"ht_{code}", code, ["hieu_truong", *COUNCIL])
        for n in range(1, teachers + 1):
            roles = ["giao_vien"] + (["thu_ky_hoi_dong"] if n == 1 else [])
            self.person(f"gv_{code}_{n}", code, roles)
        return code

    def council(self, unit: str, prefix: str, size: int) -> list[str]:
        """Members of `unit`'s council beyond its chair and secretary (added elsewhere)."""
        return [self.person(f"{prefix}_tv{n}", unit, ["thanh_vien_hoi_dong"]) for n in range(1, size + 1)]

    def group(self, code: str, name: str, kind: str, parent: str, schools: list[str]) -> str:
        self.unit(code, name, kind, parent)
        for school in schools:
            self.members.append((code, school))
        self.people.append((f"ht_{schools[0]}", "", code, ["truong_cum_khoi"]))  # the head: first school's principal
        return code


def ha_noi() -> OrgPart:
    part = OrgPart()
    part.unit("so_hn", "Sở GDĐT Hà Nội", "so", None)
    part.person("ld_so", "so_hn", ["lanh_dao_so", *COUNCIL], name="Phạm Văn Sở")
    part.person("pgd_so_hn", "so_hn", ["lanh_dao_so", "thanh_vien_hoi_dong"])
    part.person("cv_so_hn", "so_hn", ["chuyen_vien_thi_dua", "thu_ky_hoi_dong"])
    part.council("so_hn", "hd_so_hn", 4)
    clusters = {
        "cum_thpt_1": ("Cụm trường THPT số 1 (Ba Đình - Tây Hồ)", [
            ("thpt_phan_dinh_phung", "Trường THPT Phan Đình Phùng"),
            ("thpt_nguyen_trai_bd", "Trường THPT Nguyễn Trãi - Ba Đình"),
            ("thpt_tay_ho", "Trường THPT Tây Hồ")]),
        "cum_thpt_2": ("Cụm trường THPT số 2 (Hoàn Kiếm - Hai Bà Trưng)", [
            ("thpt_viet_duc", "Trường THPT Việt Đức"), ("thpt_tran_phu_hk", "Trường THPT Trần Phú - Hoàn Kiếm"),
            ("thpt_thang_long", "Trường THPT Thăng Long")]),
        "cum_thpt_3": ("Cụm trường THPT số 3 (Hà Đông - Thanh Oai)", [
            ("thpt_le_quy_don_hd", "Trường THPT Lê Quý Đôn - Hà Đông"), ("thpt_x", "Trường THPT Quang Trung"),
            ("thpt_tran_hung_dao_hd", "Trường THPT Trần Hưng Đạo - Hà Đông")]),
    }
    for cluster, (name, schools) in clusters.items():
        for code, school_name in schools:
            if code != "thpt_x":  # the fixtures' school keeps its own people (ht_x, gv_x1)
                part.school(code, school_name, "so_hn")
            else:
                part.unit(code, school_name, "truong", "so_hn")
        part.group(cluster, name, "cum", "so_hn", [code for code, _ in schools])
    return part


def ha_dong() -> OrgPart:
    part = OrgPart()
    part.unit("phong_hd", "Phòng GDĐT quận Hà Đông", "phong", "so_hn")
    part.person("tp_hd", "phong_hd", ["lanh_dao_phong", *COUNCIL])
    part.person("cv_phong", "phong_hd", ["chuyen_vien_thi_dua", "thu_ky_hoi_dong"],
                name="Đỗ Thị Chuyên Viên")
    part.council("phong_hd", "hd_hd", 3)
    for code, name in [("mn_hoa_sen_hd", "Trường Mầm non Hoa Sen"), ("mn_van_phuc", "Trường Mầm non Vạn Phúc"),
                       ("th_le_loi_hd", "Trường Tiểu học Lê Lợi"), ("thcs_le_quy_don_hd", "Trường THCS Lê Quý Đôn"),
                       ("thcs_van_yen", "Trường THCS Văn Yên")]:
        part.school(code, name, "phong_hd")
    return part


def hoc_mon() -> OrgPart:
    part = OrgPart()
    part.unit("so_hcm", "Sở GDĐT Thành phố Hồ Chí Minh", "so", None)
    part.person("cv_so_hcm", "so_hcm", ["chuyen_vien_thi_dua"])
    part.person("ld_so_hcm", "so_hcm", ["lanh_dao_so"])
    part.unit("phong_hm", "Phòng GDĐT huyện Hóc Môn", "phong", "so_hcm")
    part.person("tp_hm", "phong_hm", ["lanh_dao_phong", *COUNCIL])
    part.person("cv_hm", "phong_hm", ["chuyen_vien_thi_dua", "thu_ky_hoi_dong"])
    part.council("phong_hm", "hd_hm", 3)
    for code, name in [("mn_hm_hoa_mai", "Trường Mầm non Hoa Mai"), ("mn_hm_tan_xuan", "Trường Mầm non Tân Xuân"),
                       ("th_hm_nguyen_an_ninh", "Trường Tiểu học Nguyễn An Ninh"),
                       ("th_hm_ba_diem", "Trường Tiểu học Bà Điểm"), ("th_hm_tan_hiep", "Trường Tiểu học Tân Hiệp"),
                       ("th_hm_xuan_thoi_thuong", "Trường Tiểu học Xuân Thới Thượng"),
                       ("thcs_hm_dong_thanh", "Trường THCS Đông Thạnh"), ("thcs_hm_tam_dong", "Trường THCS Tam Đông"),
                       ("thcs_hm_nguyen_hong_dao", "Trường THCS Nguyễn Hồng Đào"),
                       ("thcs_hm_tan_xuan", "Trường THCS Tân Xuân")]:
        part.school(code, name, "phong_hm")
    return part


def uong_bi() -> OrgPart:
    part = OrgPart()
    part.unit("so_qn", "Sở GDĐT Quảng Ninh", "so", None)
    part.person("cv_so_qn", "so_qn", ["chuyen_vien_thi_dua"])
    part.person("ld_so_qn", "so_qn", ["lanh_dao_so"])
    part.unit("phong_ub", "Phòng GDĐT thành phố Uông Bí", "phong", "so_qn")
    part.person("tp_ub", "phong_ub", ["lanh_dao_phong", *COUNCIL])
    part.person("cv_ub", "phong_ub", ["chuyen_vien_thi_dua", "thu_ky_hoi_dong"])
    part.council("phong_ub", "hd_ub", 3)
    for code, name in [("mn_ub_hoa_hong", "Trường Mầm non Hoa Hồng"),
                       ("th_ub_quang_trung", "Trường Tiểu học Quang Trung"),
                       ("th_ub_bac_son", "Trường Tiểu học Bắc Sơn"), ("thcs_ub_nguyen_trai", "Trường THCS Nguyễn Trãi"),
                       ("thcs_ub_yen_thanh", "Trường THCS Yên Thanh")]:
        part.school(code, name, "phong_ub", teachers=2)
        part.people.append((f"gv_{code}_1", "", code, ["to_truong"]))
    return part


DT_COMMUNES = ["Thị trấn Dầu Tiếng", "Định An", "Định Hiệp", "Định Thành", "Long Hòa", "Long Tân", "Minh Hòa",
               "Minh Tân", "Minh Thạnh", "An Lập", "Thanh An", "Thanh Tuyền"]
DT_MN = [f"Trường Mầm non {c}" for c in DT_COMMUNES] + [
    "Trường Mẫu giáo Hoa Sen", "Trường Mẫu giáo Sơn Ca", "Trường Mẫu giáo Họa Mi", "Trường Mầm non Hoa Phượng",
    "Trường Mầm non Tuổi Thơ"]
DT_TH = [f"Trường Tiểu học {c}" for c in DT_COMMUNES] + [
    "Trường Tiểu học Kim Đồng", "Trường Tiểu học Lê Văn Tám", "Trường Tiểu học Nguyễn Văn Trỗi",
    "Trường Tiểu học Võ Thị Sáu"]
DT_THCS = [f"Trường THCS {c}" for c in DT_COMMUNES[:6]] + [
    "Trường THCS Minh Hòa", "Trường THCS Long Tân", "Trường THCS Thanh An"]
DT_BLOCKS = [("khoi_1_dt", "Khối thi đua số 1 - các trường MG-MN", "mn", DT_MN),
             ("khoi_2_dt", "Khối thi đua số 2 - các trường tiểu học", "th", DT_TH),
             ("khoi_3_dt", "Khối thi đua số 3 - các trường THCS", "thcs", DT_THCS)]


def dau_tieng() -> OrgPart:
    part = OrgPart()
    part.unit("so_bd", "Sở GDĐT Bình Dương", "so", None)
    part.person("cv_so_bd", "so_bd", ["chuyen_vien_thi_dua"])
    part.person("ld_so_bd", "so_bd", ["lanh_dao_so"])
    part.unit("phong_dt", "Phòng GDĐT huyện Dầu Tiếng", "phong", "so_bd")
    part.person("tp_dt", "phong_dt", ["lanh_dao_phong", *COUNCIL])
    part.person("cv_dt", "phong_dt", ["chuyen_vien_thi_dua", "thu_ky_hoi_dong"])
    part.person("cv_dt2", "phong_dt", ["chuyen_vien_thi_dua"])
    part.council("phong_dt", "hd_dt", 4)
    for block, name, level, schools in DT_BLOCKS:
        codes = [part.school(f"{level}_dt_{n:02}", school, "phong_dt") for n, school in enumerate(schools, 1)]
        part.group(block, name, "khoi", "phong_dt", codes)
    return part


SEEDS: dict[str, Callable[[], OrgPart]] = {
    "ha_noi": ha_noi, "ha_dong": ha_dong, "hoc_mon": hoc_mon, "uong_bi": uong_bi, "dau_tieng": dau_tieng}


def seed_part(db: Database, part: OrgPart) -> None:
    """Store one part (idempotent); people listed again with an empty name only get more roles."""
    names: dict[str, str] = {}
    with db.transaction() as session:
        for code, name, kind, parent in part.units:
            add_unit(session, code, name, kind, parent)
        for username, name, unit, roles in part.people:
            names.setdefault(username, name)
            add_person(session, username, name or names[username], unit, roles, password_hash=demo_password_hash())
        for position, (group, member) in enumerate(part.members):
            add_group_member(session, group, member, position)


def seed_seed_organisation(db: Database, *seeds: str) -> None:
    """The fixtures' small organisation plus the units and people of the named seeds (all when none)."""
    seed_organisation(db)
    wanted = seeds or tuple(SEEDS)
    if "ha_dong" in wanted and "ha_noi" not in wanted:
        wanted = ("ha_noi", *wanted)  # Hà Đông is under the Sở Hà Nội
    for name in SEEDS:
        if name in wanted:
            seed_part(db, SEEDS[name]())
