"""Excel (.xlsx) exports of the dashboard's lists and heat map: headers in the reader's language
(Vietnamese by default), dates as real dates shown dd/mm/yyyy, written row by row (openpyxl write-only)."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy.orm import Session

from engine.clock import VN_TZ
from engine.models import Plan
from webui.dashboard import Context, manager_view
from webui.errors import error_page
from webui.ids import id_or_none
from webui.reasons import holders, reason
from webui.views import monitor, progress

bp = Blueprint("export", __name__)
MAX_ROWS = 50_000
CHUNK = 1_000
DATE = "dd/mm/yyyy"
DATE_TIME = "dd/mm/yyyy hh:mm"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(value: datetime | None) -> datetime | None:
    return value.astimezone(VN_TZ).replace(tzinfo=None) if value is not None else None


def _cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None = None, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet(workbook: Workbook, title: str, headers: Sequence[str], widths: Sequence[int]) -> WriteOnlyWorksheet:
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, h, bold=True) for h in headers])
    return sheet


def list_titles() -> dict[str, str]:
    return {"overdue": _("Overdue tasks"), "stuck": _("Stuck cases"), "orphans": _("Tasks nobody can take"),
            "incidents": _("Cases with an incident")}


def _list_rows(ctx: Context, kind: str) -> Iterator[monitor.MonitorRow]:
    for offset in range(0, MAX_ROWS, CHUNK):
        batch = monitor.rows(ctx.session, kind, ctx.query, limit=CHUNK, offset=offset)
        yield from batch
        if len(batch) < CHUNK:
            return


def _days(ctx: Context, row: monitor.MonitorRow) -> int | None:
    task = row.task
    if row.kind == "overdue" and task is not None and task.due_at is not None:
        return ctx.days.past_deadline(task.due_at)
    if row.kind == "stuck":
        return ctx.days.since(row.last_progress_at)
    return None


def _since(row: monitor.MonitorRow) -> datetime | None:
    if row.kind == "stuck":
        return row.last_progress_at
    if row.kind == "incidents":
        return row.incident_at
    return row.task.created_at if row.task else None


def list_workbook(ctx: Context, kind: str) -> Workbook:
    workbook = Workbook(write_only=True)
    headers = [_("Case code"), _("Case"), _("Unit"), _("Task"), _("Held by"), _("Due"), _("Since"),
               _("Working days"), _("Reason")]
    sheet = _sheet(workbook, list_titles()[kind], headers, [10, 45, 30, 35, 30, 17, 12, 12, 80])
    for row in _list_rows(ctx, kind):
        task = row.task
        sheet.append([
            row.instance_id, row.case_title, row.case_unit_name, "; ".join(t.title for t in row.tasks) or None,
            holders(row), _cell(sheet, _local(task.due_at if task else None), DATE_TIME),
            _cell(sheet, _local(_since(row)), DATE), _days(ctx, row), reason(row, ctx.days)])
    return workbook


def heat_label(cell: progress.Cell) -> str:
    words = {"on_time": _("Done on time"), "late": _("Done late"), "pending": _("In progress"),
             "overdue": _("Overdue"), "na": "—"}
    text = words[cell.state]
    return f"{text} ({cell.done}/{cell.total})" if cell.total else text


def heat_workbook(ctx: Context, plan_id: int | None) -> Workbook | None:
    plan = ctx.session.get(Plan, plan_id) if plan_id is not None else None
    if plan is None:
        return None
    workbook = Workbook(write_only=True)
    milestones = progress.measured(plan)
    headers = [_("Unit"), *(f"{m.title} ({_('due')} {_local(m.due_at):%d/%m/%Y %H:%M})" for m in milestones)]
    sheet = _sheet(workbook, plan.number.replace("/", "-"), headers, [35, *([28] * len(milestones))])
    first = progress.heat_map(ctx.session, plan, ctx.query.unit_ids, ctx.now, 1)
    for page in range(1, first.pages + 1):
        heat = first if page == 1 else progress.heat_map(ctx.session, plan, ctx.query.unit_ids, ctx.now, page)
        for unit in heat.units:
            sheet.append([unit.name, *(heat_label(heat.cells[(unit.unit_id, m.id)]) for m in milestones)])
    return workbook


def _download(workbook: Workbook, name: str) -> Response:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Response(buffer.getvalue(), mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.get("/dashboard/export/<any(overdue, stuck, orphans, incidents, heatmap):kind>.xlsx")
@manager_view
def download(s: Session, ctx: Context, kind: str) -> Any:
    stamp = ctx.now.astimezone(VN_TZ).strftime("%Y%m%d")
    if kind != "heatmap":
        return _download(list_workbook(ctx, kind), f"theo-doi-{kind}-{stamp}.xlsx")
    plan = id_or_none(request.args.get("plan"))
    workbook = heat_workbook(ctx, plan)
    if workbook is None:
        return error_page(404, _("This page does not exist, or it belongs to a unit you may not see."))
    return _download(workbook, f"tien-do-ke-hoach-{plan}-{stamp}.xlsx")
