"""Blocks and clusters (units of kind `khoi` / `cum`) and their member units; `don_vi_thanh_vien()` in scripts.

See engine.models.groups for the model. A process run by a block (started for the khối unit) reads
its members with `don_vi_thanh_vien()` (the case's unit) or `don_vi_thanh_vien('khoi_th_dt')`, e.g.
as the collection of a multi-instance task whose `unitScope` is the element variable, so each
member school signs in its own lane.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session, aliased

from engine.errors import InvalidInput
from engine.models import Instance, Unit, UnitGroupMember
from engine.org import unit_by_code
from engine.scripting import register_helper, running_action

GROUP_KINDS = ("khoi", "cum")

_UNIT = cast(Table, Unit.__table__)
_MEMBER = cast(Table, UnitGroupMember.__table__)
_INSTANCE = cast(Table, Instance.__table__)
_GROUP = _UNIT.alias("grp")
_MEMBERS_OF = (select(_UNIT.c.code).select_from(_MEMBER.join(_UNIT, _UNIT.c.id == _MEMBER.c.member_id)
                                                .join(_GROUP, _GROUP.c.id == _MEMBER.c.group_id))
               .where(_GROUP.c.code == bindparam("code")).order_by(_MEMBER.c.position, _UNIT.c.code))
_CASE_UNIT = select(_UNIT.c.code).join(_INSTANCE, _INSTANCE.c.unit_id == _UNIT.c.id) \
    .where(_INSTANCE.c.id == bindparam("instance_id"))


def add_group_member(session: Session, group_code: str, member_code: str, position: int = 0) -> None:
    """Put `member_code` in the block or cluster `group_code` (idempotent)."""
    group, member = unit_by_code(session, group_code), unit_by_code(session, member_code)
    if group.kind not in GROUP_KINDS:
        raise InvalidInput(f"unit {group_code} is a {group.kind}, not a block or cluster "
                           f"({', '.join(GROUP_KINDS)})", field="group")
    found = session.scalar(select(UnitGroupMember).where(
        UnitGroupMember.group_id == group.id, UnitGroupMember.member_id == member.id))
    if found is None:
        session.add(UnitGroupMember(group_id=group.id, member_id=member.id, position=position))
    else:
        found.position = position
    session.flush()


def group_members(session: Session, group_code: str) -> list[Unit]:
    """The member units of a block or cluster, in their listed order."""
    member = aliased(Unit)
    group = unit_by_code(session, group_code)
    return list(session.scalars(select(member).join(UnitGroupMember, UnitGroupMember.member_id == member.id)
                                .where(UnitGroupMember.group_id == group.id)
                                .order_by(UnitGroupMember.position, member.code)))


def groups_of(session: Session, unit_code: str, kind: str | None = None) -> list[Unit]:
    """The blocks and clusters a unit belongs to (of one kind when given)."""
    unit = unit_by_code(session, unit_code)
    query = select(Unit).join(UnitGroupMember, UnitGroupMember.group_id == Unit.id) \
        .where(UnitGroupMember.member_id == unit.id).order_by(Unit.code)
    if kind:
        query = query.where(Unit.kind == kind)
    return list(session.scalars(query))


@register_helper()
def don_vi_thanh_vien(group: str | None = None) -> list[str]:
    """Codes of the member units of block/cluster `group` (default: the case's own unit), in order."""
    ctx = running_action("don_vi_thanh_vien", InvalidInput)
    if group is None:
        if ctx.new_instance is not None:
            group = ctx.session.get_one(Unit, ctx.new_instance["unit_id"]).code
        else:
            group = ctx.connection.scalar(_CASE_UNIT, {"instance_id": ctx.instance.id})
    if not isinstance(group, str) or not group:
        raise InvalidInput(f"don_vi_thanh_vien(): a unit code is needed, not {group!r}")
    return list(ctx.connection.scalars(_MEMBERS_OF, {"code": group}))
