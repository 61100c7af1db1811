"""Reading what documents are made of from the database: a case's current variables, and the cases of
a unit and the units below it for one plan or school year, as the viewer may see them."""

from __future__ import annotations

from datetime import date
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from engine.authz import Viewer, visible_instances_clause
from engine.definitions.repository import load_specs
from engine.documents import Generated, Kind, available, generate, kind_for, to_trinh
from engine.documents.source import CaseData, DocumentSource, Letterhead, MissingData
from engine.errors import BadRequest, NotFound
from engine.models import Instance, Plan, Unit
from engine.org import subtree_unit_ids
from engine.serialization import load_workflow

MAX_CASES_PER_DOCUMENT = 2000
_HOLDING_DATA = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


def workflow_variables(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The case's variables as they stand: the data of the top-level tasks that hold data, oldest change
    first so the latest value of each variable wins, then the workflow's own data (filled at the end)."""
    holding = [t for t in workflow.tasks.values() if t.state & _HOLDING_DATA]
    merged: dict[str, Any] = {}
    for task in sorted(holding, key=lambda t: t.last_state_change):
        merged.update(task.data)
    merged.update({k: v for k, v in workflow.data.items() if k != "data_objects"})
    return merged


def case_variables(session: Session, instance: Instance) -> dict[str, Any]:
    load_specs(session, instance.definition)
    return workflow_variables(load_workflow(instance.state))


def letterhead(unit: Unit) -> Letterhead:
    return Letterhead(unit_name=unit.name, parent_name=unit.parent.name if unit.parent else None)


def _sender(session: Session, letter: dict[str, Any], variables: dict[str, Any], case_unit: Unit) -> Letterhead | None:
    """The unit that sends the tờ trình when it is not the case's unit: `don_vi_gui` (a unit code), in
    the letter or at the top level (the core flow sets it as the dossier goes up)."""
    code = letter.get("don_vi_gui") or variables.get("don_vi_gui")
    if not isinstance(code, str) or code == case_unit.code:
        return None
    unit = session.scalar(select(Unit).where(Unit.code == code))
    return letterhead(unit) if unit is not None else None


def source_for_case(session: Session, instance: Instance, today: date, letter: str | None = None) -> DocumentSource:
    """The case's data; `letter` chooses a tờ trình by its sending unit's code (NotFound when the case has
    none from that unit), else the latest one gives the sender's letterhead."""
    variables = case_variables(session, instance)
    place = variables.get("dia_danh") if isinstance(variables.get("dia_danh"), str) else None
    try:
        chosen = to_trinh.letter_of(variables, letter)
    except MissingData:
        if letter is not None:
            raise NotFound(f"no submission letter (tờ trình) sent by unit {letter!r} in this case") from None
        chosen = {}
    return DocumentSource(letterhead(instance.unit), (CaseData(instance.id, instance.unit.name, variables),),
                          issued_on=today, place=place, sender=_sender(session, chosen, variables, instance.unit),
                          letter=letter)


def letter_choices(session: Session, variables: dict[str, Any]) -> list[dict[str, Any]]:
    """Each tờ trình of the case, oldest first: `{"don_vi_gui", "ten_don_vi", "so", "ngay"}` (a unit no
    longer in the tree shows its code)."""
    found = to_trinh.letters(variables)
    codes = {str(letter.get("don_vi_gui")) for letter in found if letter.get("don_vi_gui")}
    names = dict(session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes))).all()) if codes else {}
    return [{"don_vi_gui": letter.get("don_vi_gui"), "ten_don_vi": names.get(str(letter.get("don_vi_gui")),
             str(letter.get("don_vi_gui") or "")), "so": letter.get("so"), "ngay": letter.get("ngay")}
            for letter in found]


def visible_unit(session: Session, viewer: Viewer, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or unit.id not in viewer.scope_unit_ids:
        raise NotFound(f"no unit {code}")
    return unit


def source_for_unit(session: Session, viewer: Viewer, code: str, *, plan_id: int | None, school_year: str | None,
                    today: date) -> DocumentSource:
    """Every case of the unit and the units below it that the viewer may see, of one plan or school year
    (cases without a plan count for a school year when their `nam_hoc` says so); terminated ones left out."""
    unit = visible_unit(session, viewer, code)
    if plan_id is None and not school_year:
        raise BadRequest("say which cases: ?plan=<id> or ?school_year=2023-2024", field="plan")
    query = select(Instance).options(selectinload(Instance.unit), selectinload(Instance.definition)).where(
        Instance.unit_id.in_(subtree_unit_ids(session, {unit.id})), Instance.status != "terminated",
        visible_instances_clause(viewer))
    if plan_id is not None:
        query = query.where(Instance.plan_id == plan_id)
    else:
        query = query.outerjoin(Plan, Plan.id == Instance.plan_id).where(
            or_(Plan.school_year == school_year, Instance.plan_id.is_(None)))
    instances = list(session.scalars(query.order_by(Instance.unit_id, Instance.id).limit(MAX_CASES_PER_DOCUMENT + 1)))
    if len(instances) > MAX_CASES_PER_DOCUMENT:
        raise BadRequest(f"more than {MAX_CASES_PER_DOCUMENT} cases: choose a plan or a unit lower in the tree",
                         field="plan")
    cases = []
    for instance in instances:
        variables = case_variables(session, instance)
        if plan_id is None and instance.plan_id is None and variables.get("nam_hoc") != school_year:
            continue
        cases.append(CaseData(instance.id, instance.unit.name, variables))
    year = school_year or (session.get(Plan, plan_id).school_year if plan_id and session.get(Plan, plan_id) else None)
    return DocumentSource(letterhead(unit), tuple(cases), issued_on=today, school_year=year, per_unit=True)


def case_label(instance: Instance) -> str:
    """The case's part of a document's file name: its business key, else the unit and the case number."""
    return instance.business_key or f"{instance.unit.name} - hồ sơ {instance.id}"


def case_documents_available(session: Session, instance: Instance,
                             today: date) -> tuple[list[tuple[Kind, list[str]]], list[dict[str, Any]]]:
    """The kinds (with formats) the case has the data for, and the tờ trình letters its levels sent."""
    source = source_for_case(session, instance, today)
    return available(source), letter_choices(session, source.single())


def unit_documents_available(session: Session, viewer: Viewer, unit: Unit, *, plan_id: int,
                             today: date) -> list[tuple[Kind, list[str]]]:
    """The per-unit kinds (with formats) the unit's cases of the plan (and those below it) have data for."""
    return available(source_for_unit(session, viewer, unit.code, plan_id=plan_id, school_year=None, today=today))


def case_document(session: Session, instance: Instance, code: str, ext: str, today: date,
                  letter: str | None = None) -> Generated:
    """Document `code` of one case in format `ext` (MissingData when the case lacks its data)."""
    kind_for(code, ext)
    return generate(code, ext, source_for_case(session, instance, today, letter), case_label(instance))


def unit_document(session: Session, viewer: Viewer, unit: Unit, code: str, ext: str, *, plan_id: int | None,
                  school_year: str | None, today: date) -> Generated:
    """Document `code` gathering the unit's cases (and those below it) of one plan or school year."""
    kind_for(code, ext, per_unit=True)
    source = source_for_unit(session, viewer, unit.code, plan_id=plan_id, school_year=school_year, today=today)
    return generate(code, ext, source, f"{unit.name} - {school_year or f'kế hoạch {plan_id}'}")
