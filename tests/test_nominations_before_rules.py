"""The eligibility gate of the core flow for a dossier dated before the earliest encoded rule set (Luật Thi
đua, khen thưởng 2022, from 01/01/2024): nominations are not refused but flagged for a manual check with
the reason the consolidation page shows; real failures (wrong kind of subject, unknown person) and the
encoded rule sets' refusals stay."""

from __future__ import annotations

from datetime import date

from engine.org import unit_by_code
from engine.routing import nominations as nom
from tests.test_nominations import nomination

OLD = date(2019, 5, 14)
NEW = date(2025, 5, 15)


def test_a_2019_dossier_is_flagged_for_a_manual_check_not_refused(org):
    with org.transaction() as session:
        school = unit_by_code(session, "th_a")
        items = [nomination("cs", "chien_si_thi_dua_co_so", xep_loai="HTTNV"),
                 nomination("ld", "lao_dong_tien_tien"),
                 nomination("co", "co_thi_dua_tinh"),
                 nomination("u", "lao_dong_tien_tien", username="khong_co")]
        old = {n["ma"]: n for n in nom.check_eligibility(
            session, school, nom.with_routes(items, "th", OLD), OLD, "2018-2019")}
        new = {n["ma"]: n for n in nom.check_eligibility(
            session, school, nom.with_routes(items, "th", NEW), NEW, "2024-2025")}
    for code in ("cs", "ld"):
        assert old[code]["hop_le"] is True and old[code]["kiem_tra_thu_cong"] is True
        assert old[code]["ly_do"] == "Không có bộ tiêu chí cho ngày 14/05/2019: kiểm tra thủ công"
    assert old["co"]["hop_le"] is False and "chỉ xét cho tập thể" in old["co"]["ly_do"]
    assert old["u"]["hop_le"] is False and "khong_co" in old["u"]["ly_do"]
    message = nom.refusal_message(list(old.values()))
    assert message.startswith("Chưa thể trình: 2 đề nghị") and "kiểm tra thủ công" not in message
    # the same CSTĐ cơ sở under the 2022 law: refused with the rules' reason, no manual-check flag
    assert new["cs"]["hop_le"] is False and "kiem_tra_thu_cong" not in new["cs"]
    assert "kiểm tra thủ công" not in new["cs"]["ly_do"]


def test_a_consolidation_edit_drops_the_manual_check_flag_until_checked_again():
    before = [nomination("cs", "lao_dong_tien_tien", hop_le=True, kiem_tra_thu_cong=True, ly_do="x")]
    after = nom.merge_edits(before, [{"ma": "cs", "danh_hieu": "chien_si_thi_dua_co_so"}])
    assert "kiem_tra_thu_cong" not in after[0] and "hop_le" not in after[0]
