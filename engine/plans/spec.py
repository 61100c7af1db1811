"""A plan document (YAML file or API JSON) checked field by field into a PlanSpec.

    number: 58/KH-PGDĐT                    # required; unique
    title: Công tác thi đua, khen thưởng …  # required
    issuing_unit: phong_dt                 # unit code (optional; unknown in a file: kept empty)
    issuer: Phòng GDĐT huyện Dầu Tiếng      # the issuer as printed (optional)
    school_year: 2023-2024                 # required
    issue_date: 2023-11-03                 # optional; YYYY-MM-DD or dd/mm/yyyy
    milestones:
      - key: nop_ho_so_dang_ky             # optional: derived from the title when absent
        title: Nộp hồ sơ đăng ký thi đua …  # required
        start: null                         # optional window start
        due: 2023-11-11T00:00:00+07:00      # required; a bare date means the end of that day
        kind: truong                        # optional: kind of unit that carries it out
        process: dang_ky_thi_dua            # optional process key
        source: Trước ngày 11/11/2023       # optional: the phrase as printed

Every problem is an InvalidInput naming the field ("milestones[3].due") and, for a file, the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine.errors import InvalidInput
from engine.plans.instants import parse_instant
from engine.plans.school_year import SchoolYear
from engine.plans.wording import KEY_PATTERN, dedupe, slug_key

PLAN_FIELDS = ("number", "title", "issuing_unit", "issuer", "school_year", "issue_date", "milestones")
MILESTONE_FIELDS = ("key", "title", "start", "due", "kind", "process", "source")
MAX_MILESTONES = 500
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_PROCESS = re.compile(r"^[A-Za-z_][\w.\-]{0,127}$")


@dataclass(frozen=True)
class MilestoneSpec:
    key: str
    title: str
    due: datetime
    start: datetime | None = None
    kind: str | None = None
    process: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class PlanSpec:
    number: str
    title: str
    school_year: str
    issuing_unit: str | None = None
    issuer: str | None = None
    issue_date: date | None = None
    milestones: list[MilestoneSpec] = field(default_factory=list)


class _Checker:
    def __init__(self, origin: str | None) -> None:
        self.origin = origin

    def fail(self, name: str, message: str) -> InvalidInput:
        prefix = f"{self.origin}: " if self.origin else ""
        return InvalidInput(f"{prefix}{name}: {message}", field=name, file=self.origin)

    def mapping(self, value: object, name: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(name or "plan", "expected a mapping of fields")
        for key in value:
            if key not in allowed:
                where = f"{name}.{key}" if name else str(key)
                raise self.fail(where, f"unknown field {key!r}; expected one of {', '.join(allowed)}")
        return value

    def text(self, data: dict[str, Any], key: str, name: str, *, required: bool, limit: int) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(name, "is required")
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(name, "must be a non-empty text")
        if len(value) > limit:
            raise self.fail(name, f"is longer than {limit} characters")
        return value.strip() or None

    def pattern(self, data: dict[str, Any], key: str, name: str, pattern: re.Pattern[str]) -> str | None:
        value = self.text(data, key, name, required=False, limit=128)
        if value is not None and not pattern.match(value):
            raise self.fail(name, f"{value!r} must be letters, digits and underscores (e.g. nop_ho_so)")
        return value

    def day(self, data: dict[str, Any], key: str, name: str) -> date | None:
        value = data.get(key)
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        text = value.strip() if isinstance(value, str) else ""
        vietnamese = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        try:
            if vietnamese:
                return date(int(vietnamese[3]), int(vietnamese[2]), int(vietnamese[1]))
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        raise self.fail(name, f"{value!r} is not a date; write e.g. 2023-11-03 or 03/11/2023")

    def instant(self, data: dict[str, Any], key: str, name: str, *, end_of_day: bool) -> datetime | None:
        value = data.get(key)
        if value is None:
            return None
        try:
            return parse_instant(value, name, end_of_day=end_of_day)
        except InvalidInput as exc:
            raise self.fail(name, exc.message.removeprefix(f"{name}: ")) from None


def plan_spec(data: object, origin: str | None = None) -> PlanSpec:
    """Check a plan document; `origin` (a file name) is named in every error."""
    check = _Checker(origin)
    doc = check.mapping(data, "", PLAN_FIELDS)
    number = check.text(doc, "number", "number", required=True, limit=64) or ""
    title = check.text(doc, "title", "title", required=True, limit=500) or ""
    try:
        school_year = str(SchoolYear.parse(doc.get("school_year")))
    except InvalidInput as exc:
        raise check.fail("school_year", exc.message.removeprefix("school_year: ")) from None
    issue_date = check.day(doc, "issue_date", "issue_date")
    raw = doc.get("milestones") or []
    if not isinstance(raw, list):
        raise check.fail("milestones", "must be a list")
    if len(raw) > MAX_MILESTONES:
        raise check.fail("milestones", f"more than {MAX_MILESTONES} milestones")
    return PlanSpec(
        number=number, title=title, school_year=school_year,
        issuing_unit=check.text(doc, "issuing_unit", "issuing_unit", required=False, limit=64),
        issuer=check.text(doc, "issuer", "issuer", required=False, limit=255),
        issue_date=issue_date, milestones=_milestones(check, raw))


def _milestones(check: _Checker, raw: list[object]) -> list[MilestoneSpec]:
    entries = [check.mapping(item, f"milestones[{i}]", MILESTONE_FIELDS) for i, item in enumerate(raw)]
    explicit: dict[str, int] = {}
    for i, entry in enumerate(entries):
        key = check.text(entry, "key", f"milestones[{i}].key", required=False, limit=64)
        if key is None:
            continue
        if not KEY_PATTERN.match(key):
            raise check.fail(f"milestones[{i}].key", f"{key!r} must start with a lower-case letter and hold only "
                                                     f"a-z, 0-9 and _ (e.g. nop_ho_so)")
        if key in explicit:
            raise check.fail(f"milestones[{i}].key", f"duplicate key {key!r} (also milestones[{explicit[key]}])")
        explicit[key] = i
    titles = [check.text(e, "title", f"milestones[{i}].title", required=True, limit=4000) or ""
              for i, e in enumerate(entries)]
    derived = iter(dedupe([*explicit, *(slug_key(titles[i]) for i, e in enumerate(entries)
                                        if e.get("key") is None)])[len(explicit):])
    out = []
    for i, entry in enumerate(entries):
        name = f"milestones[{i}]"
        due = check.instant(entry, "due", f"{name}.due", end_of_day=True)
        if due is None:
            raise check.fail(f"{name}.due", "is required")
        start = check.instant(entry, "start", f"{name}.start", end_of_day=False)
        if start is not None and start >= due:
            raise check.fail(f"{name}.start", "must be before the due instant")
        out.append(MilestoneSpec(
            key=entry["key"].strip() if entry.get("key") is not None else next(derived), title=titles[i], due=due,
            start=start, kind=check.pattern(entry, "kind", f"{name}.kind", _KIND),
            process=check.pattern(entry, "process", f"{name}.process", _PROCESS),
            source=check.text(entry, "source", f"{name}.source", required=False, limit=1000)))
    return out
