"""Building blocks shared by the seed processes (tools/seed_processes.py): role names of the lanes, the
script templates that turn a list form into nominations, pick the council and record a decision, and the
escalation and council fragments."""

from __future__ import annotations

from bpmn_builder import Process

HT, CV, TK = "Hiệu trưởng", "Chuyên viên thi đua", "Thư ký Hội đồng Thi đua - Khen thưởng"
LD_SO, LD_PHONG = "Lãnh đạo Sở GDĐT", "Lãnh đạo Phòng GDĐT"
TRUONG_KHOI, TO_TRUONG = "Trưởng cụm, khối thi đua", "Tổ trưởng chuyên môn"

# The nominations of a list form (danh_sach) in the shape of processes/CASE_DATA.md (de_nghi).
DE_NGHI_TEMPLATE = """de_nghi = [{"ma": f"DN{i + 1:03}", "loai": r["loai"], "ho_ten": r["ho_ten"],
            "don_vi": r.get("don_vi") or "", "chuc_vu": r.get("chuc_vu") or "",
            "danh_hieu": r.get("danh_hieu") or DEFAULT, "thanh_tich": r.get("thanh_tich") or ""}
           for i, r in enumerate(danh_sach)]"""


def de_nghi(default: str = "case_value('danh_hieu_mac_dinh', 'giay_khen')") -> str:
    """The script building `de_nghi`; rows without a title get `default` (an expression)."""
    return DE_NGHI_TEMPLATE.replace("DEFAULT", default)


DE_NGHI = de_nghi()

# Before the council: who votes (the case's unit's council, processes/CASE_DATA.md: hop_xet_hoi_dong).
HOI_DONG = """
hoi_dong_don_vi = case_unit
bo_phieu_kin = True
ten_hoi_dong = TEN"""


def hoi_dong_cua(ten: str) -> str:
    return HOI_DONG.replace("TEN", repr(ten))


# The decision recorded in the reward registry with the core flow's record_decision (engine/routing): the
# passed nominations wait for this decision of level CAP (huyen: the Phòng, so: the Sở), taken by the case's unit.
GHI_SO_CAP = """quyet_dinh = {"so": so, "ngay": ngay, "co_quan": co_quan, "nguoi_ky": nguoi_ky}
de_nghi = record_decision([{**d, "trang_thai": "cho_quyet_dinh"} for d in de_nghi_dat],
                          [d["ma"] for d in de_nghi_dat], quyet_dinh, CAP, case_unit)
so_da_ghi = len([d for d in de_nghi if d["trang_thai"] == "da_khen"])"""


def ghi_so(cap: str) -> str:
    return GHI_SO_CAP.replace("CAP", repr(cap))


def escalation(p: Process, task: str, due: str, role: str, scope: str, note: str, col: float, lane: str) -> None:
    """At the deadline the task stays with its holder and the supervising unit's leaders are told."""
    p.boundary(f"{task}_qua_han", "Quá hạn", task, at=due)
    p.script(f"{task}_bao_cao", "Báo cáo quá hạn lên cấp trên", lane, col, 1,
             script=f"don_vi_leo_thang = escalate(task='{task}', role='{role}', unit_scope='{scope}', note='{note}')")
    p.end(f"{task}_da_bao", "Đã báo cáo", lane, col + 1, 1)
    p.flow(f"{task}_qua_han", f"{task}_bao_cao")
    p.flow(f"{task}_bao_cao", f"{task}_da_bao")


def council(p: Process, col: float, lane: str) -> str:
    """The council's vote (the callable process hop_xet_hoi_dong: attendance, ballots, minutes)."""
    return p.call("hop_hoi_dong", "Hội đồng Thi đua - Khen thưởng họp xét", lane, col, called="hop_xet_hoi_dong")
