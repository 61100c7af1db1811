"""Vietnamese notification texts: who, what task, which case (title + id), deadline in Vietnam time.

Each builder returns a `Message` (kind, subject, body, case and task ids, a suggested dedupe key);
record it with `engine.notifications.notify_message`. A deadline reads as on every page
(`engine.plans.instants.due_text`): the last day it still includes, "10/11/2023" for a due at 00:00 on
11/11 (how plans write "trước ngày 11/11"), with HH:MM only when it falls at another time of day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from engine.clock import VN_TZ
from engine.models import HumanTask, Person, Role, Unit
from engine.plans.instants import due_text

TASK_ASSIGNED = "task_assigned"
TASK_REMINDER = "task_reminder"
TASK_OVERDUE = "task_overdue"
TASK_ESCALATED = "task_escalated"
CASE_INCIDENT = "case_incident"
TEST = "test"
KINDS = (TASK_ASSIGNED, TASK_REMINDER, TASK_OVERDUE, TASK_ESCALATED, CASE_INCIDENT, TEST)

PREFIX = "[TĐKT]"
GREETING = "Kính gửi quý thầy/cô,"
SIGNATURE = "--\nThư tự động từ hệ thống TĐKT Flow, vui lòng không trả lời thư này."


@dataclass(frozen=True)
class Message:
    kind: str
    subject: str
    body: str
    dedupe_key: str
    instance_id: int | None = None
    task_id: int | None = None


@dataclass(frozen=True)
class TaskInfo:
    """What a task message says about the task: ids, titles, deadline, who holds it and where."""

    task_id: int
    task_title: str
    case_id: int
    case_title: str
    due_at: datetime | None
    holder: str  # a person's name, or a role in a unit ("Hiệu trưởng — Trường Tiểu học Văn Yên")
    unit_name: str | None = None


def format_deadline(instant: datetime) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time."""
    return _local(instant).strftime("%d/%m/%Y %H:%M")


def format_date(instant: datetime) -> str:
    return _local(instant).strftime("%d/%m/%Y")


def format_due(instant: datetime) -> str:
    """A deadline as every page shows it: "10/11/2023" for a due at 00:00 on 11/11 (an exclusive end),
    "10/11/2023 14:00" for a due at another time of day."""
    return due_text(_local(instant)) or ""


def task_info(session: Session, task: HumanTask) -> TaskInfo:
    """A `TaskInfo` from the task projection (assignee's name, else role label and unit)."""
    unit = session.get(Unit, task.unit_id) if task.unit_id is not None else None
    unit_name = unit.name if unit else None
    if task.assignee_id is not None:
        person = session.get(Person, task.assignee_id)
        holder = person.full_name if person else f"người dùng #{task.assignee_id}"
        if unit_name:
            holder = f"{holder} ({unit_name})"
    elif task.role_code:
        role = session.get(Role, task.role_code)
        holder = " — ".join(p for p in (role.name if role else task.role_code, unit_name) if p)
    else:
        holder = "chưa có người nhận"
    return TaskInfo(task_id=task.id, task_title=task.title, case_id=task.instance_id,
                    case_title=task.instance.title, due_at=task.due_at, holder=holder, unit_name=unit_name)


def task_assigned(info: TaskInfo, *, to_role: bool, assigned_by: str | None = None) -> Message:
    """A task is waiting for the recipient: given to them directly, or to their role in a unit."""
    if to_role:
        lead = f"Có nhiệm vụ mới giao cho {info.holder}; thầy/cô có thể nhận và xử lý."
    else:
        lead = f"Thầy/cô được giao nhiệm vụ mới ({info.holder})."
    lines = [*_task_lines(info), f"Người giao: {assigned_by or 'quy trình tự động'}"]
    subject = f"{PREFIX} Nhiệm vụ mới: {info.task_title} — hồ sơ #{info.case_id}{_due_suffix(info)}"
    action = 'Vui lòng đăng nhập TĐKT Flow, mục "Việc của tôi", để xử lý nhiệm vụ.'
    key = f"{TASK_ASSIGNED}:{info.task_id}:{'role' if to_role else 'direct'}"
    return _task_message(TASK_ASSIGNED, info, subject, lead, lines, action, key)


def task_reminder(info: TaskInfo, *, working_days_left: int) -> Message:
    """The deadline is `working_days_left` working days away (0: due today)."""
    if working_days_left <= 0:
        left, lead = "đến hạn hôm nay", "Nhiệm vụ dưới đây đến hạn trong hôm nay mà chưa hoàn thành."
    else:
        left = f"còn {working_days_left} ngày làm việc"
        lead = f"Nhiệm vụ dưới đây sẽ đến hạn sau {working_days_left} ngày làm việc nữa."
    subject = f"{PREFIX} Nhắc hạn: {info.task_title} — hồ sơ #{info.case_id} — {left}{_due_suffix(info)}"
    lines = [*_task_lines(info), f"Người đang xử lý: {info.holder}"]
    action = "Vui lòng hoàn thành nhiệm vụ trước hạn."
    key = f"{TASK_REMINDER}:{info.task_id}:{_key_instant(info.due_at)}:{working_days_left}"
    return _task_message(TASK_REMINDER, info, subject, lead, lines, action, key)


def task_overdue(info: TaskInfo) -> Message:
    """The deadline has passed and the task is still open."""
    subject = f"{PREFIX} Quá hạn: {info.task_title} — hồ sơ #{info.case_id}{_due_suffix(info)}"
    lead = "Nhiệm vụ dưới đây đã quá hạn mà chưa hoàn thành."
    lines = [*_task_lines(info), f"Người đang xử lý: {info.holder}"]
    action = "Đề nghị khẩn trương hoàn thành, hoặc báo lãnh đạo đơn vị nếu cần gia hạn hay giao lại."
    key = f"{TASK_OVERDUE}:{info.task_id}:{_key_instant(info.due_at)}"
    return _task_message(TASK_OVERDUE, info, subject, lead, lines, action, key)


def task_escalated(info: TaskInfo, *, supervising_unit: str) -> Message:
    """An overdue task is reported to the supervising unit (Phòng/Sở) for follow-up."""
    where = f" của {info.unit_name}" if info.unit_name else ""
    subject = (f"{PREFIX} Báo cáo quá hạn lên {supervising_unit}: {info.task_title} — "
               f"hồ sơ #{info.case_id}{_due_suffix(info)}")
    lead = (f"Nhiệm vụ dưới đây{where} đã quá hạn mà chưa hoàn thành, nên được báo lên "
            f"{supervising_unit} để đôn đốc, xử lý.")
    lines = [*_task_lines(info), f"Người đang xử lý: {info.holder}"]
    action = "Lãnh đạo có thể nhắc việc, giao lại hoặc gia hạn trên trang theo dõi hồ sơ quá hạn."
    key = f"{TASK_ESCALATED}:{info.task_id}:{_key_instant(info.due_at)}"
    return _task_message(TASK_ESCALATED, info, subject, lead, lines, action, key)


def case_incident(*, case_id: int, case_title: str, step_title: str, error: str, at: datetime,
                  unit_name: str | None = None) -> Message:
    """A case stopped on a failing automatic step and needs a manager."""
    subject = f"{PREFIX} Sự cố hồ sơ #{case_id}: {case_title}"
    lines = [f"Hồ sơ: {case_title} (mã hồ sơ #{case_id})"]
    if unit_name:
        lines.append(f"Đơn vị: {unit_name}")
    lines += [f"Bước bị lỗi: {step_title}", f"Thời điểm: {format_deadline(at)} (giờ Việt Nam)", f"Lỗi: {error}"]
    body = "\n\n".join([
        GREETING,
        "Hồ sơ dưới đây đã dừng lại do lỗi ở một bước tự động và cần người quản lý xử lý.",
        "\n".join(lines),
        "Sau khi khắc phục (sửa dữ liệu hoặc quy trình), người quản lý có thể chạy lại bước này "
        "(nút \"Chạy lại\") trên trang hồ sơ.",
        SIGNATURE,
    ])
    return Message(CASE_INCIDENT, subject, body, f"{CASE_INCIDENT}:{case_id}:{_key_instant(at)}",
                   instance_id=case_id)


def check_email(address: str, at: datetime) -> tuple[str, str]:
    """Subject and body of `tdkt notify test-email`."""
    return (f"{PREFIX} Thư kiểm tra cấu hình e-mail",
            "\n\n".join([GREETING, f"Đây là thư kiểm tra gửi tới {address} lúc {format_deadline(at)} "
                         "(giờ Việt Nam). Nếu thầy/cô nhận được thư này, cấu hình e-mail của TĐKT Flow đã đúng.",
                         SIGNATURE]))


def _task_lines(info: TaskInfo) -> list[str]:
    due = format_due(info.due_at) if info.due_at else "không đặt hạn"
    if ":" in due:  # a time of day: say whose clock
        due += " (giờ Việt Nam)"
    return [f"Nhiệm vụ: {info.task_title}", f"Hồ sơ: {info.case_title} (mã hồ sơ #{info.case_id})",
            f"Hạn hoàn thành: {due}"]


def _task_message(kind: str, info: TaskInfo, subject: str, lead: str, lines: list[str], action: str,
                  key: str) -> Message:
    body = "\n\n".join([GREETING, lead, "\n".join(lines), action, SIGNATURE])
    return Message(kind, subject, body, key, instance_id=info.case_id, task_id=info.task_id)


def _due_suffix(info: TaskInfo) -> str:
    return f" (hạn {format_due(info.due_at)})" if info.due_at else ""


def _key_instant(instant: datetime | None) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%MZ") if instant else "none"


def _local(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime given to a message builder")
    return instant.astimezone(VN_TZ)


TASK_HANDED_BACK = "task_handed_back"


def task_handed_back(info: TaskInfo, *, by: str, reason: str, to_role: bool, event_id: int) -> Message:
    """The person holding a task gave it back, with a reason: to who delegated it, or to the role."""
    if to_role:
        lead = f"{by} đã trả lại nhiệm vụ dưới đây cho {info.holder}; thầy/cô có thể nhận và xử lý."
    else:
        lead = f"{by} đã trả lại cho thầy/cô nhiệm vụ dưới đây (thầy/cô đã chuyển nhiệm vụ này cho họ)."
    lines = [*_task_lines(info), f"Lý do trả lại: {reason}"]
    subject = f"{PREFIX} Trả lại nhiệm vụ: {info.task_title} — hồ sơ #{info.case_id}"
    action = 'Vui lòng đăng nhập TĐKT Flow, mục "Việc của tôi", để xử lý nhiệm vụ.'
    return _task_message(TASK_HANDED_BACK, info, subject, lead, lines, action,
                         f"{TASK_HANDED_BACK}:{info.task_id}:{event_id}")
