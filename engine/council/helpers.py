"""Script helpers of the council process (processes/hop_xet_hoi_dong.bpmn).

They run inside an engine action (engine.runtime.context.current_action) and read the organisation,
the unit's council rules and the ballot box in the action's own transaction:

- `hoi_dong(unit_code)`: the council's members [{"username", "ho_ten", "vai_tro", "chuc_danh"}].
- `ten_danh_hieu(code)`: the Vietnamese name of a title code.
- `phan_tram(ratio)`: a ratio as people read it ("81,82 %": decimal comma), for the minutes.
- `phien_hop_moi()`: a fresh id for the meeting's ballot box.
- `nguoi_dang_lam()`: the username of the person whose action is running (who opened the meeting).
- `diem_danh(unit_code, rows, ngay_hop)`: attendance from the opening form → the meeting record with
  the quorum check and one ballot (`phieu`) per member: present members vote themselves, an absent
  member's written vote is entered by the secretary who opened the meeting.
- `kiem_phieu(box, de_nghi, phien, unit_code, ngay_hop)`: the tally and each nomination's result.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import TYPE_CHECKING, Any

from engine.council import ballots
from engine.council.config import local_rule_of, quorum_of
from engine.council.members import CHAIR, SECRETARY, council_members
from engine.council.rules import decide, percent_text, quorum_met, rule_for
from engine.org import unit_by_code
from engine.registry.titles import TITLES
from engine.scripting import register_helper, running_action

if TYPE_CHECKING:
    from engine.runtime.context import ActionContext


class CouncilError(ValueError):
    """A council helper used outside a running case or with unusable arguments."""


def _action(helper: str) -> ActionContext:
    return running_action(helper, CouncilError)


def _meeting_date(value: Any, helper: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise CouncilError(f"{helper}(): the meeting date must be an ISO date such as 2024-05-20, "
                           f"not {value!r}") from None


@register_helper()
def hoi_dong(unit_code: str) -> list[dict[str, str]]:
    """The members of the council of unit `unit_code` (chair, secretary, then members by name)."""
    ctx = _action("hoi_dong")
    members = [m.as_dict() for m in council_members(ctx.session, str(unit_code))]
    if not members:
        raise CouncilError(f"hoi_dong({unit_code!r}): nobody holds a council role in that unit")
    return members


@register_helper()
def ten_danh_hieu(code: Any) -> str:
    """The Vietnamese name of a title code (the code itself when it is not in the catalogue)."""
    found = TITLES.get(str(code))
    return found.name if found else str(code)


@register_helper()
def phien_hop_moi() -> str:
    return secrets.token_hex(8)


@register_helper()
def nguoi_dang_lam() -> str | None:
    actor = _action("nguoi_dang_lam").actor
    return actor.username if actor else None


@register_helper()
def diem_danh(unit_code: str, rows: Any, ngay_hop: Any) -> dict[str, Any]:
    """The meeting record from the opening form's attendance rows ({"username", "co_mat",
    "van_ban"}); a member without a row is absent, rows of non-members are ignored."""
    ctx = _action("diem_danh")
    on = _meeting_date(ngay_hop, "diem_danh")
    members = council_members(ctx.session, str(unit_code))
    marks = {r.get("username"): r for r in rows or [] if isinstance(r, dict)}
    present = [m for m in members if marks.get(m.username, {}).get("co_mat") is True]
    absent = [m for m in members if m not in present]
    written = [m for m in absent if marks.get(m.username, {}).get("van_ban") is True]
    quorum = quorum_of(ctx.session, unit_by_code(ctx.session, str(unit_code)), on)
    secretary = ctx.actor.username if ctx.actor else None
    chair = next((m.full_name for m in members if m.role == CHAIR), None)
    clerk = next((m.full_name for m in members if m.role == SECRETARY), None)
    return {
        "ngay_hop": on.isoformat(), "tong_thanh_vien": len(members),
        "co_mat": [m.full_name for m in present], "vang_mat": [m.full_name for m in absent],
        "bieu_quyet_van_ban": [m.full_name for m in written],
        "du_so_luong": quorum_met(len(present), len(members), quorum),
        "ty_le_toi_thieu_co_mat": f"{quorum.numerator}/{quorum.denominator}",
        "chu_tri": chair, "thu_ky": clerk,
        "phieu": [{"username": m.username, "ho_ten": m.full_name, "vang_mat": m in absent,
                   "nguoi_nhap": m.username if m in present else (secretary or m.username)} for m in members],
    }


@register_helper()
def phan_tram(ratio: Any) -> str:
    """"81,82 %" for 0.8182: the Vietnamese percentage shown to people (decimal comma)."""
    return percent_text(ratio)


@register_helper()
def kiem_phieu(box: str, de_nghi: Any, phien: dict[str, Any], unit_code: str, ngay_hop: Any) -> dict[str, Any]:
    """Count the ballots of box `box` and decide each nomination by the rule of its title in force on
    the meeting date, against ALL members; without quorum nothing passes."""
    ctx = _action("kiem_phieu")
    on = _meeting_date(ngay_hop, "kiem_phieu")
    nominations = [n for n in de_nghi or [] if isinstance(n, dict)]
    codes = [str(n.get("ma")) for n in nominations]
    counted = ballots.tally(ctx.session, ctx.instance.id, str(box), codes)
    unit = unit_by_code(ctx.session, str(unit_code))
    total = int(phien.get("tong_thanh_vien") or 0)
    quorum = bool(phien.get("du_so_luong"))
    results, passed = [], []
    for nomination, code in zip(nominations, codes, strict=True):
        title = str(nomination.get("danh_hieu") or "")
        rule = rule_for(title, on, local_rule_of(ctx.session, unit, title, on))
        yes, no = (counted["counts"][code]["tan_thanh"], counted["counts"][code]["khong_tan_thanh"]) \
            if quorum else (0, 0)
        outcome = decide(yes, no, total, rule, quorum=quorum)
        results.append({"ma": code, "ho_ten": nomination.get("ho_ten"), "danh_hieu": title,
                        "tan_thanh": yes, "khong_tan_thanh": no, "khong_bieu_quyet": total - yes - no,
                        "tong_thanh_vien": total, "ty_le": round(outcome.ratio, 4),
                        "nguong": outcome.threshold, "dat": outcome.passed, "can_cu": outcome.legal_basis})
        if outcome.passed:
            passed.append(nomination)
    return {"ket_qua_hop_xet": results, "de_nghi_dat": passed, "so_phieu": counted["so_phieu"],
            "gop_y": counted["gop_y"]}
