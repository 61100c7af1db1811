"""Who may deploy a definition key: the designers of the unit that owns it, and of the units above.

A key's owner is the unit of the designer who first deployed it (for keys deployed before owners
were recorded: the first version's deployer, if they design somewhere, else the next deployer).
A designer's unit is the unit where they hold a role with the `design` or `admin` capability.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.definitions.repository import DeployedDefinition, deploy
from engine.definitions.validation import SourceFile
from engine.errors import Forbidden
from engine.models import DefinitionOwner, Person, ProcessDefinition, Role, RoleMembership, Unit
from engine.org import subtree_unit_ids

DESIGN_CAPABILITIES = ("design", "admin")


def design_unit_ids(session: Session, person: Person) -> list[int]:
    """Units where `person` holds a designing role, in a stable order (the first is 'their' unit)."""
    rows = session.execute(select(RoleMembership.unit_id, Role.capabilities)
                           .join(Role, Role.code == RoleMembership.role_code)
                           .where(RoleMembership.person_id == person.id)
                           .order_by(RoleMembership.unit_id)).all()
    return list(dict.fromkeys(unit for unit, caps in rows if set(DESIGN_CAPABILITIES) & set(caps.split())))


def owner_unit(session: Session, key: str) -> Unit | None:
    """The unit owning `key`: the recorded owner, else the unit of its first version's deployer."""
    row = session.get(DefinitionOwner, key)
    if row is not None:
        return session.get(Unit, row.unit_id)
    first_by = session.scalar(select(ProcessDefinition.deployed_by_id).where(ProcessDefinition.key == key)
                              .order_by(ProcessDefinition.version).limit(1))
    person = session.get(Person, first_by) if first_by is not None else None
    units = design_unit_ids(session, person) if person is not None else []
    return session.get(Unit, units[0]) if units else None


class NotOwner(Forbidden):
    """A designer outside the owning unit (and the units above it) tried to change a key."""

    def __init__(self, key: str, unit_name: str) -> None:
        super().__init__(f"'{key}' belongs to {unit_name}: only process designers of that unit "
                         f"(or of a unit above it) may deploy it", field="key")
        self.key = key
        self.unit_name = unit_name


def may_deploy(session: Session, person: Person, key: str) -> bool:
    owner = owner_unit(session, key)
    if owner is None:
        return bool(design_unit_ids(session, person))
    return owner.id in subtree_unit_ids(session, design_unit_ids(session, person))


def require_owner(session: Session, person: Person, keys: Iterable[str]) -> None:
    """Raise NotOwner (a Forbidden naming the key and its unit) unless `person` may deploy every key."""
    for key in sorted(set(keys)):
        if may_deploy(session, person, key):
            continue
        owner = owner_unit(session, key)
        raise NotOwner(key, owner.name if owner is not None else "?")


def record_owners(session: Session, person: Person | None, keys: Iterable[str]) -> None:
    """After a deploy: keys without an owner row get one (the derived owner, else the deployer's unit)."""
    for key in set(keys):
        if session.get(DefinitionOwner, key) is not None:
            continue
        owner = owner_unit(session, key)
        if owner is None and person is not None:
            units = design_unit_ids(session, person)
            owner = session.get(Unit, units[0]) if units else None
        if owner is not None:
            session.add(DefinitionOwner(key=key, unit_id=owner.id, assigned_at=clock.now()))
    session.flush()


def deploy_owned(session: Session, files: list[SourceFile], person: Person,
                 via: str) -> list[DeployedDefinition]:
    """Deploy as a designer: validate and store new versions, refuse keys owned by another unit
    (nothing is stored then: the caller's transaction rolls back), record owners, audit each version."""
    from engine.runtime.context import audit

    results = deploy(session, files, person)
    created = [r for r in results if r.created]
    require_owner(session, person, [r.key for r in created])
    record_owners(session, person, [r.key for r in created])
    for r in created:
        audit(session, "definition.deployed", actor=person, key=r.key, version=r.version, kind=r.kind, via=via)
    return results
