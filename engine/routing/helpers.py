"""Script helpers of the core flow `xet_thi_dua_nam_hoc` (registered for every script and expression).

They run inside an engine action (`current_action()`), read the case's unit, start data and plan, and
use the action's own transaction:

- `case_value(name, default)`: a start-data value of the case (scripts cannot test whether a variable
  exists);  `school_level()`: mn/th/thcs/thpt (start data `cap_hoc`, else the school's name or code);
- `dossier_date()`: the dossier's date, ISO (start data `ngay_ho_so`, else today): it chooses the route
  (before/after 1/7/2025) and the eligibility rule set;
- `title_route(danh_hieu)`: the routing table's answer for one title;
- `registration_rows(ds_giao_vien, dang_ky)`, `route_nominations(de_nghi)`, `check_nominations(de_nghi)`,
  `merge_nominations(truoc, sau)`, `going_up(de_nghi, ma)`,
  `submission_refusal(de_nghi)`,
  `next_level(de_nghi)`, `council_result(de_nghi, ma, de_nghi_dat, cap)`,
  `decision_problem(quyet_dinh)`, `record_decision(de_nghi, ma, quyet_dinh, cap, don_vi)`: see
  engine.routing.nominations;
- `leader_role(don_vi)`: the role approving a decision in that unit (lanh_dao_so, lanh_dao_ubnd_xa,
  lanh_dao_phong) by its kind;
- `people_with_role(role)`: `[{"username", "ho_ten"}]` of the holders of `role` in the case's unit;
- `due(step)`: the deadline of a step from the case's plan, or None (no plan, or the plan has no such
  milestone): `dueDate="due('dang_ky')"`. Start data `moc_han` maps a step to another milestone key
  (`{"dang_ky": "cac_don_vi_dang_ky"}`), so one BPMN serves plans that name their milestones differently.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import select

from engine import clock
from engine.models import Person, RoleMembership, Unit
from engine.org import resolve_role_code, role_catalogue
from engine.plans.helpers import MilestoneError, milestone
from engine.registry.subjects import parse_date
from engine.routing import nominations as nom
from engine.routing.table import LEVELS, SCHOOL_LEVELS, RoutingError, route, school_level_of
from engine.scripting import register_helper, running_action


class CoreFlowError(ValueError):
    """A helper of the core flow called where it cannot work (in a script: an incident on the case)."""


def _ctx(helper: str) -> Any:
    return running_action(helper, CoreFlowError)


def _case_unit(helper: str) -> Unit:
    ctx = _ctx(helper)
    unit = ctx.session.get(Unit, ctx.instance.unit_id)
    if unit is None:  # foreign key
        raise CoreFlowError(f"{helper}(): the case has no unit")
    return cast(Unit, unit)


def _list(helper: str, name: str, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise CoreFlowError(f"{helper}(): {name} must be a list of nominations (objects)")
    return cast(list[dict[str, Any]], value)


@register_helper()
def case_value(name: str, default: Any = None) -> Any:
    """The case's start-data value `name`, or `default` when the case was started without it."""
    ctx = _ctx("case_value")
    data = ctx.workflow.task_tree.data
    value = data.get(name)
    return default if value is None else value


@register_helper()
def school_level() -> str:
    """mn / th / thcs / thpt of the case's school: start data `cap_hoc`, else read from its name or code."""
    given = case_value("cap_hoc")
    if given is not None:
        if given not in SCHOOL_LEVELS:
            raise CoreFlowError(f"school_level(): cap_hoc must be one of {', '.join(SCHOOL_LEVELS)}, not {given!r}")
        return str(given)
    unit = _case_unit("school_level")
    found = school_level_of(unit.code, unit.name)
    if found is None:
        raise CoreFlowError(f"school_level(): cannot tell the level of {unit.name} ({unit.code}); "
                            f"start the case with cap_hoc ({', '.join(SCHOOL_LEVELS)})")
    return found


def _dossier_day() -> date:
    given = case_value("ngay_ho_so")
    if given is not None:
        return parse_date(given, "ngay_ho_so")
    return clock.now_local().date()


@register_helper()
def dossier_date() -> str:
    """The dossier's date (ISO): start data `ngay_ho_so`, else today in Asia/Ho_Chi_Minh."""
    return _dossier_day().isoformat()


def _school_year() -> str:
    return str(case_value("nam_hoc") or "")


@register_helper()
def title_route(danh_hieu: str) -> dict[str, Any]:
    """The route of one title for this case's school and dossier date: `tuyen` (level keys from the school
    up), `cap_quyet_dinh`, `loai_don_vi_quyet_dinh`, `co_quan_quyet_dinh` (see engine.routing.table)."""
    try:
        return route(school_level(), str(danh_hieu), _dossier_day()).as_dict()
    except RoutingError as exc:
        raise CoreFlowError(f"title_route(): {exc}") from None


@register_helper()
def registration_rows(ds_giao_vien: list[dict[str, Any]], dang_ky: list[Any]) -> list[dict[str, Any]]:
    """The personal nominations from the teachers' registration rows (every field each teacher typed)."""
    return nom.registration_rows(_list("registration_rows", "ds_giao_vien", ds_giao_vien),
                                 dang_ky if isinstance(dang_ky, list) else [])


@register_helper()
def route_nominations(de_nghi: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each nomination with its route (`tuyen`, `cap_quyet_dinh`, `co_quan_quyet_dinh`) by the dossier's date."""
    return nom.with_routes(_list("route_nominations", "de_nghi", de_nghi), school_level(), _dossier_day())


@register_helper()
def check_nominations(de_nghi: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each active nomination flagged `hop_le` / `ly_do` by the eligibility tables at the dossier's date."""
    ctx = _ctx("check_nominations")
    return nom.check_eligibility(ctx.session, _case_unit("check_nominations"),
                                 _list("check_nominations", "de_nghi", de_nghi), _dossier_day(), _school_year())


@register_helper()
def merge_nominations(truoc: list[dict[str, Any]], sau: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The nominations `truoc` with the consolidation form's rows `sau` applied (by code `ma`)."""
    return nom.merge_edits(_list("merge_nominations", "truoc", truoc), _list("merge_nominations", "sau", sau))


@register_helper()
def submission_refusal(de_nghi: list[dict[str, Any]]) -> str:
    """Why these nominations may not be submitted ("" when they may)."""
    return nom.refusal_message(_list("submission_refusal", "de_nghi", de_nghi))


@register_helper()
def next_level(de_nghi: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The next level to receive pending nominations (`cap`, `don_vi`, `ma`…), None when none is pending."""
    return nom.next_hop(_case_unit("next_level"), _list("next_level", "de_nghi", de_nghi))


@register_helper()
def council_result(de_nghi: list[dict[str, Any]], ma: list[str], de_nghi_dat: list[dict[str, Any]],
                   cap: str) -> list[dict[str, Any]]:
    """The nominations after the council of level `cap` voted on codes `ma` and passed `de_nghi_dat`."""
    return nom.apply_council(_list("council_result", "de_nghi", de_nghi), [str(m) for m in ma],
                             _list("council_result", "de_nghi_dat", de_nghi_dat), cap)


@register_helper()
def awaiting_decision(de_nghi: list[dict[str, Any]], ma: list[str] | None = None) -> list[dict[str, Any]]:
    """The nominations (of codes `ma`) that passed their council and wait for the decision."""
    return nom.to_decide(_list("awaiting_decision", "de_nghi", de_nghi), None if ma is None else [str(m) for m in ma])


@register_helper()
def going_up(de_nghi: list[dict[str, Any]], ma: list[str]) -> list[dict[str, Any]]:
    """The nominations of codes `ma` going to the level above (what this level's tờ trình proposes)."""
    return nom.going_up(_list("going_up", "de_nghi", de_nghi), [str(m) for m in ma])


@register_helper()
def record_decision(de_nghi: list[dict[str, Any]], ma: list[str], quyet_dinh: dict[str, Any], cap: str,
                    don_vi: str | None = None) -> list[dict[str, Any]]:
    """Record the titles of codes `ma` granted by `quyet_dinh` in the reward registry; the nominations after it."""
    ctx = _ctx("record_decision")
    if not isinstance(quyet_dinh, dict):
        raise CoreFlowError("record_decision(): quyet_dinh must be an object {so, ngay, co_quan, nguoi_ky}")
    level = LEVELS.get(cap)
    if level is None:
        raise CoreFlowError(f"record_decision(): unknown level {cap!r}")
    return nom.record_decision(ctx.session, _case_unit("record_decision"),
                               _list("record_decision", "de_nghi", de_nghi), [str(m) for m in ma], quyet_dinh,
                               school_year=_school_year(), deciding_unit=don_vi, authority=level.authority,
                               instance_id=ctx.instance.id or None)


@register_helper()
def decision_problem(quyet_dinh: dict[str, Any]) -> str:
    """Why this decision cannot be recorded ("" when it can): no number, a date in the future or before
    the school year. The flow reopens the decision task with this text."""
    if not isinstance(quyet_dinh, dict):
        raise CoreFlowError("decision_problem(): quyet_dinh must be an object {so, ngay, co_quan, nguoi_ky}")
    return nom.decision_problem(quyet_dinh, _school_year(), clock.now_local().date())


LEADER_ROLES = {"so": "lanh_dao_so", "ubnd_xa": "lanh_dao_ubnd_xa", "phong": "lanh_dao_phong",
                "ubnd_huyen": "lanh_dao_phong"}


@register_helper()
def leader_role(don_vi: str) -> str:
    """The role that approves a decision in unit `don_vi` (a unit code): lãnh đạo Sở / UBND xã / Phòng by the
    unit's kind (lanh_dao_phong for a district-level unit and for any other unit receiving the dossier)."""
    ctx = _ctx("leader_role")
    kind = ctx.session.scalar(select(Unit.kind).where(Unit.code == str(don_vi)))
    if kind is None:
        raise CoreFlowError(f"leader_role(): no unit {don_vi!r}")
    return LEADER_ROLES.get(kind, "lanh_dao_phong")


@register_helper()
def people_with_role(role: str) -> list[dict[str, str]]:
    """`[{"username", "ho_ten"}]` of the active people holding `role` (code or name) in the case's unit."""
    ctx = _ctx("people_with_role")
    session = ctx.session
    code = resolve_role_code(role_catalogue(session), str(role))
    if code is None:
        raise CoreFlowError(f"people_with_role(): unknown role {role!r}")
    rows = session.execute(select(Person.username, Person.full_name).join(
        RoleMembership, RoleMembership.person_id == Person.id).where(
        RoleMembership.role_code == code, RoleMembership.unit_id == ctx.instance.unit_id,
        Person.active.is_(True)).order_by(Person.full_name, Person.username))
    return [{"username": username, "ho_ten": name} for username, name in rows]


@register_helper()
def due(step: str) -> str | None:
    """The due of step `step` from the case's plan (start data `moc_han` may rename it), else None."""
    mapping = case_value("moc_han") or {}
    key = mapping.get(step, step) if isinstance(mapping, dict) else step
    try:
        return milestone(str(key))
    except MilestoneError:
        return None
