"""Writes the seed processes (processes/*.bpmn, with diagram layout) from the specs below.

    .venv/bin/python tools/seed_processes.py      # rewrites the files; commit them with this script

Each process serves one or more of the five seed plans (../shared/seeds, processes/plans/*.yaml); its
deadlines are the plan's milestones, named directly (`milestone('gui_bao_cao_ve_so')`) or, for the
processes shared by several plans, through the case's start data (`moc`: milestone keys by step).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bpmn_builder import Process  # noqa: E402
from seed_steps import (  # noqa: E402
    CV,
    DE_NGHI,
    HT,
    LD_PHONG,
    LD_SO,
    TK,
    TO_TRUONG,
    TRUONG_KHOI,
    council,
    de_nghi,
    escalation,
    ghi_so,
    hoi_dong_cua,
)

OUT = Path(__file__).parent.parent / "processes"


# --- 000 Hà Nội 2020 ---------------------------------------------------------------------------------

def hoi_nghi_dien_hinh_co_so() -> Process:
    p = Process("hoi_nghi_dien_hinh_co_so", "Hội nghị điển hình tiên tiến cấp cơ sở (Hà Nội 2020)", [HT, CV],
                "Seed 000 (Sở GDĐT Hà Nội 2020), a school under the Sở: the cơ sở conference before 15/5/2020, then\n"
                "the report and the lists with summaries of achievements to the Sở before 20/5/2020 (escalated to the\n"
                "Sở's leaders when late), received by the Sở office (chuyên viên thi đua).")
    p.start("start", "Nhận kế hoạch", HT, 0)
    p.user("to_chuc_hoi_nghi", "Tổ chức Hội nghị điển hình tiên tiến cấp cơ sở", HT, 1, form="bao_cao_hoi_nghi",
           due="milestone('hoi_nghi_co_so')", instructions="Hội nghị 1/2 ngày, hoàn thành trước 15/5/2020.")
    p.user("gui_danh_sach", "Gửi báo cáo và danh sách trích ngang về Sở", HT, 2, form="danh_sach_trich_ngang",
           due="milestone('gui_bao_cao_ve_so')",
           instructions="Danh sách, trích ngang thành tích giai đoạn 2015-2020 (theo mẫu), gửi trước 20/5/2020.")
    escalation(p, "gui_danh_sach", "milestone('gui_bao_cao_ve_so')", "lanh_dao_so", "kind:so",
               "Đơn vị chưa gửi báo cáo, danh sách điển hình tiên tiến đúng hạn 20/5/2020.", 3, HT)
    p.user("tiep_nhan", "Văn phòng Sở tiếp nhận báo cáo", CV, 3, form="tiep_nhan_ho_so", unit="kind:so")
    p.end("end", "Đã tiếp nhận", CV, 4)
    p.chain("start", "to_chuc_hoi_nghi", "gui_danh_sach", "tiep_nhan", "end")
    return p


def xet_chon_dien_hinh_cum() -> Process:
    p = Process("xet_chon_dien_hinh_cum", "Cụm trường THPT họp xét, giới thiệu điển hình tiêu biểu (Hà Nội 2020)",
                [TRUONG_KHOI, HT, CV],
                "Seed 000, a THPT cluster (unit kind cum): the head of the cluster proposes 01 collective and 01\n"
                "individual (danh sách trích ngang), the principal of every member school votes, and a majority\n"
                "sends the list to the Sở office before 20/5/2020.")
    p.start("start", "Nhận kế hoạch", TRUONG_KHOI, 0)
    p.user("de_xuat", "Đề xuất 01 tập thể, 01 cá nhân tiêu biểu của Cụm", TRUONG_KHOI, 1, form="danh_sach_trich_ngang",
           due="milestone('hop_xet_cum_thpt')",
           instructions="Đúng 01 tập thể (trường hoặc tổ/nhóm chuyên môn) và 01 cá nhân, giai đoạn 2015-2020.")
    p.script("kiem_tra", "Kiểm tra cơ cấu, lấy danh sách trường", TRUONG_KHOI, 2, script=(
        "so_tap_the = len([r for r in danh_sach if r['loai'] == 'tap_the'])\n"
        "so_ca_nhan = len([r for r in danh_sach if r['loai'] == 'ca_nhan'])\n"
        "dung_co_cau = so_tap_the == 1 and so_ca_nhan == 1\n"
        "truong_trong_cum = don_vi_thanh_vien()\n"
        "phieu_cum = []  # a new vote after a refusal starts from an empty ballot box"))
    p.gateway("gw_co_cau", "Đúng 01 tập thể, 01 cá nhân?", TRUONG_KHOI, 3, default="f_gw_co_cau_de_xuat")
    p.user("bieu_quyet", "Biểu quyết danh sách giới thiệu của Cụm", HT, 4, form="phieu_tan_thanh",
           due="milestone('hop_xet_cum_thpt')", unit="truong_bieu_quyet",
           mi=("truong_trong_cum", "truong_bieu_quyet", "phieu_cum", "tan_thanh"))
    p.script("dem_phieu", "Kiểm phiếu", TRUONG_KHOI, 5, script=(
        "so_tan_thanh = len([x for x in phieu_cum if x])\n"
        "thong_qua = so_tan_thanh * 2 > len(phieu_cum)"))
    p.gateway("gw_thong_qua", "Quá nửa tán thành?", TRUONG_KHOI, 6, default="f_gw_thong_qua_de_xuat")
    p.user("tiep_nhan", "Văn phòng Sở tiếp nhận danh sách của Cụm", CV, 7, form="tiep_nhan_ho_so", unit="kind:so")
    p.end("end", "Đã giới thiệu", CV, 8)
    p.chain("start", "de_xuat", "kiem_tra", "gw_co_cau")
    p.flow("gw_co_cau", "bieu_quyet", "Đúng", "dung_co_cau")
    p.flows.append(_back(p, "gw_co_cau", "de_xuat", "Chưa đúng"))
    p.chain("bieu_quyet", "dem_phieu", "gw_thong_qua")
    p.flow("gw_thong_qua", "tiep_nhan", "Thông qua", "thong_qua")
    p.flows.append(_back(p, "gw_thong_qua", "de_xuat", "Không thông qua"))
    p.chain("tiep_nhan", "end")
    escalation(p, "de_xuat", "milestone('hop_xet_cum_thpt')", "lanh_dao_so", "parent",
               "Cụm trường chưa gửi danh sách giới thiệu đúng hạn 20/5/2020.", 2, TRUONG_KHOI)
    return p


def _back(p: Process, source: str, target: str, name: str):  # a default flow with the id given to the gateway
    from bpmn_builder import Flow
    fid = f"f_{source}_{target}"
    p.nodes[source].outgoing.append(fid)
    p.nodes[target].incoming.append(fid)
    return Flow(fid, source, target, name)


def tong_hop_hoi_nghi_nganh() -> Process:
    p = Process("tong_hop_hoi_nghi_nganh", "Tổng hợp, Hội đồng Ngành khen thưởng điển hình tiên tiến (Hà Nội 2020)",
                [CV, LD_SO],
                "Seed 000, the Sở: its office aggregates the units' lists for the Ngành council (end of May 2020),\n"
                "the council votes, the Giám đốc Sở decides the commendations (recorded in the reward registry),\n"
                "and the Ngành conference is held at the end of Q2 2020.")
    p.start("start", "Nhận báo cáo các đơn vị", CV, 0)
    p.user("tong_hop", "Tổng hợp danh sách điển hình tiên tiến, báo cáo Hội đồng Ngành", CV, 1,
           form="danh_sach_trich_ngang", due="milestone('tong_hop_bao_cao_hoi_dong_nganh')")
    p.script("chuan_bi", "Lập danh sách đề nghị", CV, 2,
             script=de_nghi("'giay_khen'") + hoi_dong_cua("Hội đồng Thi đua - Khen thưởng ngành GDĐT Hà Nội"))
    council(p, 3, CV)
    p.user("quyet_dinh", "Quyết định khen thưởng điển hình tiên tiến", LD_SO, 4, form="ghi_quyet_dinh",
           due="milestone('tong_hop_bao_cao_hoi_dong_nganh')", reminder="0")
    p.script("ghi_so", "Ghi sổ khen thưởng", LD_SO, 5, script=ghi_so('so'))
    p.user("hoi_nghi_nganh", "Tổ chức Hội nghị điển hình tiên tiến ngành GDĐT", LD_SO, 6, form="bao_cao_hoi_nghi",
           due="milestone('hoi_nghi_nganh')")
    p.end("end", "Đã tổ chức", LD_SO, 7)
    p.chain("start", "tong_hop", "chuan_bi", "hop_hoi_dong", "quyet_dinh", "ghi_so", "hoi_nghi_nganh", "end")
    escalation(p, "tong_hop", "milestone('tong_hop_bao_cao_hoi_dong_nganh')", "lanh_dao_so", "case",
               "Chưa tổng hợp, báo cáo Hội đồng Thi đua - Khen thưởng Ngành (cuối tháng 5/2020).", 2, CV)
    return p


# --- 001 Hóc Môn 2021-2025 ----------------------------------------------------------------------------

def dien_hinh_tien_tien_truong() -> Process:
    p = Process("dien_hinh_tien_tien_truong", "Xây dựng điển hình tiên tiến của đơn vị (Hóc Môn 2021-2025)", [HT, CV],
                "Seed 001 (Phòng GDĐT Hóc Môn), a school: registers its models with the Bảng đăng ký before\n"
                "20/01/2022 (escalated to the Phòng's leaders when late), nominates its best example at the\n"
                "preliminary review in Q4 2022, and reports at the final review in Q4 2024.")
    p.start("start", "Nhận kế hoạch 49/KH-GDĐT", HT, 0)
    p.user("dang_ky", "Lập bảng đăng ký xây dựng điển hình tiên tiến", HT, 1, form="bang_dang_ky_dien_hinh",
           due="milestone('dang_ky_dien_hinh_tien_tien')",
           instructions="Ít nhất 01 mô hình, điển hình tiên tiến giai đoạn 2021-2025; gửi kèm kế hoạch của đơn vị.")
    p.user("tiep_nhan_dang_ky", "Bộ phận thi đua tiếp nhận bảng đăng ký", CV, 2, form="tiep_nhan_ho_so",
           unit="kind:phong")
    p.wait("cho_so_ket", "Đầu Quý IV/2022", CV, 3, until="milestone_start('so_ket_dien_hinh_tien_tien')")
    p.user("so_ket", "Sơ kết, bình chọn và giới thiệu điển hình tiêu biểu", HT, 4, form="bang_dang_ky_dien_hinh",
           due="milestone('so_ket_dien_hinh_tien_tien')")
    p.wait("cho_tong_ket", "Đầu Quý IV/2024", HT, 5, until="milestone_start('tong_ket_dien_hinh_tien_tien')")
    p.user("tong_ket", "Tổng kết công tác xây dựng, nhân rộng điển hình (Hội nghị 05 năm)", HT, 6,
           form="bao_cao_hoi_nghi", due="milestone('tong_ket_dien_hinh_tien_tien')")
    p.end("end", "Hoàn thành giai đoạn", HT, 7)
    p.chain("start", "dang_ky", "tiep_nhan_dang_ky", "cho_so_ket", "so_ket", "cho_tong_ket", "tong_ket", "end")
    escalation(p, "dang_ky", "milestone('dang_ky_dien_hinh_tien_tien')", "lanh_dao_phong", "kind:phong",
               "Đơn vị chưa gửi bảng đăng ký điển hình tiên tiến trước 20/01/2022.", 2, HT)
    return p


# The Phòng's selections of 49/KH-GDDT: at least 05 collectives and 05 individuals EVERY year of the period
# (IV.4, "/năm"); the year's selection is the preliminary review in Q4 2022 and the final review in Q4 2024
# (which also chooses at least 10 models for the period, IV.2 / III.4), and the yearly commendation at the
# school year's summary ("vào dịp tổng kết năm học", III.2: from 01/05, no deadline in the plan) in 2023 and 2025.
DOT_XET_HOC_MON = [
    {"dot": "so_ket", "nam": 2022, "moc": "so_ket_dien_hinh_tien_tien", "tu": ""},
    {"dot": "hang_nam", "nam": 2023, "moc": "", "tu": "2023-05-01T00:00:00+07:00"},
    {"dot": "tong_ket", "nam": 2024, "moc": "tong_ket_dien_hinh_tien_tien", "tu": ""},
    {"dot": "hang_nam", "nam": 2025, "moc": "", "tu": "2025-05-01T00:00:00+07:00"},
]


def chon_dien_hinh_nganh() -> Process:
    p = Process("chon_dien_hinh_nganh", "Lựa chọn, biểu dương điển hình tiên tiến của Ngành (Hóc Môn 2021-2025)",
                [CV, LD_PHONG],
                "Seed 001, the Phòng, once a year (2022-2025): the thi đua desk proposes at least 05 collectives and\n"
                "05 individuals for the year (refused with fewer, the reason in thong_bao); the year's selection is\n"
                "the preliminary review (Q4 2022), the final review (Q4 2024, also at least 10 models for the\n"
                "period) or the school year's summary (from May 2023, May 2025); the Ngành council votes and the\n"
                "Trưởng phòng commends (recorded in the reward registry).")
    p.start("start", "Nhận đề xuất của các đơn vị", CV, 0)
    p.script("khoi_tao", "Các đợt xét hằng năm 2022-2025", CV, 1,
             script=f"dot_xet = {DOT_XET_HOC_MON!r}\nlan_xet = 0")
    p.script("chon_dot", "Đợt xét của năm", CV, 2, script=(
        "dot = dot_xet[lan_xet]['dot']\nnam = dot_xet[lan_xet]['nam']\nmoc = dot_xet[lan_xet]['moc']\n"
        "bat_dau = milestone_start(moc) if moc else dot_xet[lan_xet]['tu']"))
    p.wait("cho_dot", "Đến đợt xét của năm", CV, 3, until="bat_dau")
    p.user("tong_hop", "Tổng hợp, đề xuất điển hình tiên tiến của Ngành trong năm", CV, 4,
           form="bang_dang_ky_dien_hinh", due="milestone(moc) if moc else None",
           instructions="Mỗi năm ít nhất 05 tập thể và 05 cá nhân; tổng kết: ít nhất 10 mô hình của giai đoạn.")
    p.script("kiem_tra", "Kiểm tra số lượng của năm", CV, 5, script=(
        "so_tap_the = len([r for r in danh_sach if r['loai'] == 'tap_the'])\n"
        "so_ca_nhan = len([r for r in danh_sach if r['loai'] == 'ca_nhan'])\n"
        "du_so_luong_de_xuat = so_tap_the >= 5 and so_ca_nhan >= 5 and (dot != 'tong_ket' or len(danh_sach) >= 10)\n"
        "thong_bao = '' if du_so_luong_de_xuat else (f'Năm {nam}: cần ít nhất 05 tập thể và 05 cá nhân'"
        " + (', ít nhất 10 mô hình của giai đoạn' if dot == 'tong_ket' else '')"
        " + f' (đã có {so_tap_the} tập thể, {so_ca_nhan} cá nhân).')\n"
        "danh_sach = [{**r, 'thanh_tich': r.get('thanh_tich') or r['linh_vuc']} for r in danh_sach]\n"
        + de_nghi("'giay_khen'") + hoi_dong_cua("Hội đồng Thi đua - Khen thưởng ngành GDĐT huyện Hóc Môn")))
    p.gateway("gw_so_luong", "Đủ số lượng của năm?", CV, 6, default="f_gw_so_luong_tong_hop")
    council(p, 7, CV)
    p.user("quyet_dinh", "Quyết định biểu dương, khen thưởng điển hình tiên tiến", LD_PHONG, 8, form="ghi_quyet_dinh",
           due="milestone(moc) if moc else None", reminder="0")
    p.script("ghi_so", "Ghi sổ khen thưởng", LD_PHONG, 9, script=ghi_so('huyen'))
    p.gateway("gw_dot", "Còn năm nào?", LD_PHONG, 10, default="f_gw_dot_end")
    p.script("sang_nam_sau", "Sang năm sau", LD_PHONG, 10, 1, script="lan_xet = lan_xet + 1")
    p.end("end", "Hoàn thành giai đoạn 2021-2025", LD_PHONG, 11)
    p.chain("start", "khoi_tao", "chon_dot", "cho_dot", "tong_hop", "kiem_tra", "gw_so_luong")
    p.flow("gw_so_luong", "hop_hoi_dong", "Đủ", "du_so_luong_de_xuat")
    p.flows.append(_back(p, "gw_so_luong", "tong_hop", "Chưa đủ"))
    p.chain("hop_hoi_dong", "quyet_dinh", "ghi_so", "gw_dot")
    p.flow("gw_dot", "sang_nam_sau", "Còn", "lan_xet + 1 < len(dot_xet)")
    p.flows.append(_back(p, "gw_dot", "end", "Hết giai đoạn"))
    p.chain("sang_nam_sau", "chon_dot")
    return p


# --- 002 Hà Đông 2019 and 004 Dầu Tiếng 2023-2024 (shared: milestone keys in the start data) ------------

def cham_sang_kien() -> Process:
    p = Process("cham_sang_kien", "Chấm sáng kiến kinh nghiệm: cấp trường và Hội đồng cấp Ngành", [HT, TK, LD_PHONG],
                "Seeds 002 (Hà Đông 2019) and 004 (Dầu Tiếng 2023-2024), a school: its council grades the\n"
                "initiatives and sends the results (moc['cap_truong']); the Ngành council of the Phòng grades them\n"
                "(moc['cap_nganh']); the Phòng reports the results (moc['bao_cao']). Start data:\n"
                "  {\"moc\": {\"cap_truong\": KEY, \"cap_nganh\": KEY, \"bao_cao\": KEY}}")
    p.start("start", "Đăng ký sáng kiến", HT, 0)
    p.user("cham_cap_truong", "Hội đồng cấp trường chấm sáng kiến, gửi kết quả về Phòng", HT, 1,
           form="ket_qua_cham_skkn", due="milestone(moc['cap_truong'])")
    p.script("loc", "Sáng kiến đạt cấp trường", HT, 2,
             script="sang_kien_truong = [s for s in danh_sach if s['xep_loai'] != 'khong_dat']")
    p.user("cham_cap_nganh", "Hội đồng cấp Ngành chấm sáng kiến", TK, 3, form="ket_qua_cham_skkn",
           due="milestone(moc['cap_nganh'])", unit="kind:phong")
    p.user("bao_cao", "Báo cáo, công nhận kết quả chấm sáng kiến toàn Ngành", LD_PHONG, 4, form="nop_ho_so",
           due="milestone(moc['bao_cao'])", unit="kind:phong")
    p.end("end", "Đã công nhận", LD_PHONG, 5)
    p.chain("start", "cham_cap_truong", "loc", "cham_cap_nganh", "bao_cao", "end")
    escalation(p, "cham_cap_truong", "milestone(moc['cap_truong'])", "lanh_dao_phong", "kind:phong",
               "Đơn vị chưa gửi kết quả chấm sáng kiến đúng hạn.", 2, HT)
    return p


def ho_so_de_nghi_len_so() -> Process:
    p = Process("ho_so_de_nghi_len_so", "Hồ sơ đề nghị của trường gửi Sở GDĐT qua Phòng", [HT, CV],
                "Seeds 002 (Hà Đông: Kỷ niệm chương dossiers in February 2019) and 004 (Dầu Tiếng rows 7, 10, 11:\n"
                "Kỷ niệm chương, Huy hiệu, Đổi mới sáng tạo), a school: the list of nominees with summaries of\n"
                "achievements by the plan's deadline (escalated to the Phòng's leaders when late), aggregated by the\n"
                "Phòng and sent to the Sở, received there. Start data: {\"moc_han\": KEY, \"danh_hieu_mac_dinh\"?}.")
    p.start("start", "Nhận hướng dẫn", HT, 0)
    p.user("lap_ho_so", "Lập hồ sơ, danh sách trích ngang người được đề nghị", HT, 1, form="danh_sach_trich_ngang",
           due="milestone(moc_han)")
    p.user("tong_hop_trinh_so", "Phòng tổng hợp, trình Sở GDĐT", CV, 2, form="nop_ho_so", unit="kind:phong",
           due="milestone(moc_han)", reminder="0")
    p.user("so_tiep_nhan", "Sở GDĐT tiếp nhận hồ sơ", CV, 3, form="tiep_nhan_ho_so", unit="kind:so")
    p.end("end", "Đã tiếp nhận", CV, 4)
    p.chain("start", "lap_ho_so", "tong_hop_trinh_so", "so_tiep_nhan", "end")
    escalation(p, "lap_ho_so", "milestone(moc_han)", "lanh_dao_phong", "kind:phong",
               "Đơn vị chưa gửi hồ sơ đề nghị đúng hạn kế hoạch.", 2, HT)
    return p


def bao_cao_len_so() -> Process:
    p = Process("bao_cao_len_so", "Phòng GDĐT gửi báo cáo, hồ sơ về Sở GDĐT", [CV, LD_PHONG],
                "Seeds 002 (Hà Đông: dossiers and the self-assessment to the Sở before 30/5/2019) and 004 (Dầu\n"
                "Tiếng row 14: the “Nhà giáo tiêu biểu” nominations to the Sở before 30/7/2024), a Phòng: the thi đua\n"
                "officer sends by the plan's deadline (escalated to the Phòng's leaders when late), the Sở receives.\n"
                "Start data: {\"moc_han\": KEY}.")
    p.start("start", "Nhận hướng dẫn của Sở", CV, 0)
    p.user("gui_so", "Hoàn thiện, gửi báo cáo và hồ sơ về Sở GDĐT", CV, 1, form="nop_ho_so", due="milestone(moc_han)")
    p.user("so_tiep_nhan", "Sở GDĐT tiếp nhận", CV, 2, form="tiep_nhan_ho_so", unit="parent")
    p.end("end", "Đã tiếp nhận", CV, 3)
    p.chain("start", "gui_so", "so_tiep_nhan", "end")
    escalation(p, "gui_so", "milestone(moc_han)", "lanh_dao_phong", "case",
               "Phòng chưa gửi báo cáo, hồ sơ về Sở đúng hạn kế hoạch.", 1, LD_PHONG)
    return p


def bieu_duong_khen_thuong() -> Process:
    p = Process("bieu_duong_khen_thuong", "Biểu dương, khen thưởng tập thể và cá nhân tiêu biểu", [CV, LD_PHONG],
                "Seeds 002 (Hà Đông: 20/11 rewards) and 003 (Uông Bí: mid-year commendation at the end of term I).\n"
                "The thi đua desk lists the honorees, the Trưởng phòng signs the decision (recorded in the reward\n"
                "registry). Start data: {\"nam_hoc\", \"danh_hieu_mac_dinh\": \"giay_khen\",\n"
                "\"moc\": {\"khen_thuong\": KEY}}.")
    p.start("start", "Nhân dịp sơ kết, kỷ niệm", CV, 0)
    p.user("lap_danh_sach", "Lập danh sách tập thể, cá nhân tiêu biểu", CV, 1, form="danh_sach_trich_ngang",
           due="milestone(moc['khen_thuong'])")
    p.script("chuan_bi", "Lập danh sách đề nghị", CV, 2, script=DE_NGHI + "\nde_nghi_dat = de_nghi")
    p.user("quyet_dinh", "Ký quyết định khen thưởng", LD_PHONG, 3, form="ghi_quyet_dinh",
           due="milestone(moc['khen_thuong'])", reminder="0")
    p.script("ghi_so", "Ghi sổ khen thưởng", LD_PHONG, 4, script=ghi_so('huyen'))
    p.end("end", "Đã khen thưởng", LD_PHONG, 5)
    p.chain("start", "lap_danh_sach", "chuan_bi", "quyet_dinh", "ghi_so", "end")
    return p


# --- 003 Uông Bí 2016-2017 ----------------------------------------------------------------------------

def doi_moi_sang_tao_truong() -> Process:
    p = Process("doi_moi_sang_tao_truong",
                "Phong trào “Đổi mới, sáng tạo trong dạy và học” của trường (Uông Bí 2016-2017)",
                [TO_TRUONG, HT, CV],
                "Seed 003 (Phòng GD&ĐT Uông Bí), a school: by 05/11/2016 the staff register their innovations\n"
                "(Mẫu gợi ý số 1) and the “Nhà giáo cùng nhau phát triển” groups (Mẫu số 2), kept at the school;\n"
                "the 20/11 talk, the commendation at the end of term I, the evaluation in May-June 2017 and the\n"
                "Phòng's summary in August 2017.")
    p.start("start", "Triển khai kế hoạch", TO_TRUONG, 0)
    p.parallel("tach", TO_TRUONG, 1)
    p.user("dang_ky_mau_1", "Đăng ký nhiệm vụ đổi mới, sáng tạo (Mẫu 1)", TO_TRUONG, 2, form="mau_1_dang_ky_doi_moi",
           due="milestone('dang_ky_sang_tao_doi_moi')", post="mau_1 = danh_sach")
    p.user("dang_ky_mau_2", "Đăng ký nhóm “Nhà giáo cùng nhau phát triển” (Mẫu 2)", TO_TRUONG, 2, 1,
           form="mau_2_nhom_nha_giao", due="milestone('dang_ky_sang_tao_doi_moi')", post="mau_2 = danh_sach")
    p.parallel("gop", TO_TRUONG, 3)
    p.user("duyet", "Hiệu trưởng duyệt, lưu hồ sơ đăng ký tại trường", HT, 4, form="duyet_dang_ky",
           due="milestone('dang_ky_sang_tao_doi_moi')", reminder="0")
    p.gateway("gw_duyet", "Đồng ý?", HT, 5, default="f_gw_duyet_tach")
    p.user("toa_dam", "Tọa đàm nhân ngày Nhà giáo Việt Nam 20/11", HT, 6, form="bao_cao_hoi_nghi",
           due="milestone('toa_dam_ngay_nha_giao')")
    p.user("bieu_duong", "Biểu dương cá nhân, tập thể bước đầu thực hiện tốt (sơ kết HK I)", HT, 7,
           form="danh_sach_trich_ngang", due="milestone('bieu_duong_so_ket_hoc_ky_1')",
           post="danh_sach_bieu_duong = danh_sach")
    p.wait("cho_danh_gia", "Tháng 5/2017", HT, 8, until="milestone_start('danh_gia_ket_qua_mot_nam')")
    p.user("danh_gia", "Đánh giá kết quả sau một năm thực hiện", HT, 9, form="danh_gia_doi_moi",
           due="milestone('danh_gia_ket_qua_mot_nam')")
    p.user("tong_ket", "Phòng tổng kết phong trào trong Hội nghị tổng kết năm học", CV, 10, form="bao_cao_hoi_nghi",
           due="milestone('tong_ket_phong_trao')", unit="kind:phong")
    p.end("end", "Hoàn thành năm học", CV, 11)
    p.chain("start", "tach")
    p.flow("tach", "dang_ky_mau_1")
    p.flow("tach", "dang_ky_mau_2")
    p.flow("dang_ky_mau_1", "gop")
    p.flow("dang_ky_mau_2", "gop")
    p.chain("gop", "duyet", "gw_duyet")
    p.flow("gw_duyet", "toa_dam", "Đồng ý", "ket_qua == 'dong_y'")
    p.flows.append(_back(p, "gw_duyet", "tach", "Trả lại"))
    p.chain("toa_dam", "bieu_duong", "cho_danh_gia", "danh_gia", "tong_ket", "end")
    escalation(p, "dang_ky_mau_1", "milestone('dang_ky_sang_tao_doi_moi')", "lanh_dao_phong", "kind:phong",
               "Đơn vị chưa hoàn thành đăng ký đổi mới, sáng tạo (chậm nhất 05/11/2016).", 3, TO_TRUONG)
    return p


# --- 004 Dầu Tiếng 2023-2024 --------------------------------------------------------------------------

def ky_ket_giao_uoc_khoi() -> Process:
    p = Process("ky_ket_giao_uoc_khoi", "Khối thi đua: ký kết giao ước, sơ kết, tổng kết (Dầu Tiếng 2023-2024)",
                [TRUONG_KHOI, HT, CV],
                "Seed 004 (Phòng GDĐT Dầu Tiếng), an emulation block (unit kind khoi): the head calls the pact\n"
                "meeting in November 2023 and every member school signs; the block reports its mid-year review\n"
                "before 15/01/2024 and its year-end report with award proposals before 14/8/2024 (both escalated\n"
                "to the Phòng's leaders when late), received by the Phòng.")
    p.start("start", "Nhận kế hoạch 58/KH-PGDĐT", TRUONG_KHOI, 0)
    p.user("hop_giao_uoc", "Tổ chức họp ký kết giao ước, thống nhất lượng hóa thi đua", TRUONG_KHOI, 1,
           form="giao_uoc_thi_dua", due="milestone('ky_ket_giao_uoc_thi_dua')")
    p.script("danh_sach_truong", "Các trường trong Khối", TRUONG_KHOI, 2,
             script="truong_trong_khoi = don_vi_thanh_vien()\nchu_ky = []")
    p.user("ky_giao_uoc", "Ký giao ước thi đua của Khối", HT, 3, form="ky_giao_uoc",
           due="milestone('ky_ket_giao_uoc_thi_dua')", unit="truong_ky",
           mi=("truong_trong_khoi", "truong_ky", "chu_ky", "dong_y"))
    p.script("tong_hop_chu_ky", "Tổng hợp chữ ký", TRUONG_KHOI, 4,
             script="so_da_ky = len([c for c in chu_ky if c])")
    p.user("so_ket", "Báo cáo sơ kết hoạt động của Khối", TRUONG_KHOI, 5, form="bao_cao_khoi",
           due="milestone('bao_cao_so_ket_khoi')")
    p.user("tong_ket", "Nộp báo cáo tổng kết và hồ sơ đề nghị khen thưởng của Khối", TRUONG_KHOI, 6,
           form="danh_sach_trich_ngang", due="milestone('nop_bao_cao_tong_ket_khoi')")
    p.user("tiep_nhan", "Phòng tiếp nhận báo cáo, hồ sơ của Khối", CV, 7, form="tiep_nhan_ho_so", unit="parent")
    p.end("end", "Hoàn thành năm học", CV, 8)
    p.chain("start", "hop_giao_uoc", "danh_sach_truong", "ky_giao_uoc", "tong_hop_chu_ky", "so_ket", "tong_ket",
            "tiep_nhan", "end")
    escalation(p, "so_ket", "milestone('bao_cao_so_ket_khoi')", "lanh_dao_phong", "parent",
               "Khối chưa gửi báo cáo sơ kết trước 15/01/2024.", 5.5, TRUONG_KHOI)
    escalation(p, "tong_ket", "milestone('nop_bao_cao_tong_ket_khoi')", "lanh_dao_phong", "parent",
               "Khối chưa nộp báo cáo tổng kết, hồ sơ đề nghị khen thưởng trước 14/8/2024.", 6.5, TRUONG_KHOI)
    return p


PROCESSES = [hoi_nghi_dien_hinh_co_so, xet_chon_dien_hinh_cum, tong_hop_hoi_nghi_nganh, dien_hinh_tien_tien_truong,
             chon_dien_hinh_nganh, cham_sang_kien, ho_so_de_nghi_len_so, bao_cao_len_so, bieu_duong_khen_thuong,
             doi_moi_sang_tao_truong, ky_ket_giao_uoc_khoi]

if __name__ == "__main__":
    for build in PROCESSES:
        process = build()
        (OUT / f"{process.pid}.bpmn").write_text(process.xml(), encoding="utf-8")
        print(f"processes/{process.pid}.bpmn")
