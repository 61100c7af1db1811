"""The small demo organisation the test fixtures use (Sở → Phòng → trường), people in every role."""

from __future__ import annotations

from functools import cache

from engine.accounts import hash_password
from engine.db import Database
from engine.org import add_person, add_unit

DEMO_PASSWORD = "demo1234"

UNITS = [
    ("so_hn", "Sở GDĐT Hà Nội", "so", None),
    ("phong_hd", "Phòng GDĐT quận Hà Đông", "phong", "so_hn"),
    ("th_a", "Trường Tiểu học Văn Yên", "truong", "phong_hd"),
    ("th_b", "Trường Tiểu học Kim Đồng", "truong", "phong_hd"),
    ("thpt_x", "Trường THPT Quang Trung", "truong", "so_hn"),
]

PEOPLE = [
    # username, full name, unit, roles (th_a's council: ht_a chairs it, gv_a2 is its secretary, gv_a1 a member)
    ("admin", "Quản trị hệ thống", "so_hn", ["quan_tri"]),
    ("thietke", "Nguyễn Thị Thiết Kế", "so_hn", ["thiet_ke_quy_trinh"]),
    ("ld_so", "Phạm Văn Sở", "so_hn", ["lanh_dao_so"]),
    ("cv_so", "Lê Thị Thi Đua", "so_hn", ["chuyen_vien_thi_dua"]),
    ("ld_phong", "Trần Văn Phòng", "phong_hd", ["lanh_dao_phong"]),
    ("cv_phong", "Đỗ Thị Chuyên Viên", "phong_hd", ["chuyen_vien_thi_dua"]),
    ("ht_a", "Hoàng Văn Hiệu", "th_a", ["hieu_truong", "chu_tich_hoi_dong"]),
    ("gv_a1", "Nguyễn Thị Lan", "th_a", ["giao_vien", "thanh_vien_hoi_dong"]),
    ("gv_a2", "Vũ Văn Minh", "th_a", ["giao_vien", "thu_ky_hoi_dong"]),
    ("ht_b", "Bùi Thị Hạnh", "th_b", ["hieu_truong"]),
    ("gv_b1", "Đặng Văn Nam", "th_b", ["giao_vien"]),
    ("ht_x", "Ngô Văn Trung", "thpt_x", ["hieu_truong"]),
    ("gv_x1", "Phan Thị Thu", "thpt_x", ["giao_vien"]),
]


@cache
def demo_password_hash() -> str:
    return hash_password(DEMO_PASSWORD)  # one argon2 run for all demo accounts (each is salted anyway)


def seed_organisation(db: Database) -> None:
    """The small demo units and people of the test fixtures (roles must be loaded). Idempotent."""
    with db.transaction() as session:
        for code, name, kind, parent in UNITS:
            add_unit(session, code, name, kind, parent)
        for username, full_name, unit, roles in PEOPLE:
            add_person(session, username, full_name, unit, roles, password_hash=demo_password_hash())
