"""The organisation: units as a tree, the role catalogue, people and their role memberships."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.accounts import hash_password
from engine.definitions.conventions import role_lookup_key
from engine.errors import InvalidInput, NotFound
from engine.models import Person, Role, RoleMembership, Unit


def add_role(session: Session, code: str, name: str, capabilities: str = "") -> Role:
    """Create or update a role of the catalogue."""
    if not code.isidentifier():
        raise InvalidInput(f"role code {code!r} must be letters, digits and underscores", field="code")
    role = session.get(Role, code)
    if role is None:
        role = Role(code=code, name=name, capabilities=capabilities)
        session.add(role)
    else:
        role.name, role.capabilities = name, capabilities
    session.flush()
    return role


def add_unit(session: Session, code: str, name: str, kind: str, parent_code: str | None = None) -> Unit:
    """Create or update a unit; `parent_code` places it in the tree."""
    parent = unit_by_code(session, parent_code) if parent_code else None
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        unit = Unit(code=code, name=name, kind=kind)
        session.add(unit)
    else:
        unit.name, unit.kind = name, kind
    if parent is not None and any(u.id == unit.id for u in ancestors_and_self(parent)):
        raise InvalidInput(f"unit {code} cannot be placed under its own descendant {parent_code}")
    unit.parent = parent
    session.flush()
    return unit


def add_person(session: Session, username: str, full_name: str, unit_code: str, roles: Iterable[str],
               password: str | None = None, email: str | None = None,
               password_hash: str | None = None) -> Person:
    """Create or update a person and give them `roles` in the unit `unit_code`."""
    unit = unit_by_code(session, unit_code)
    person = session.scalar(select(Person).where(Person.username == username))
    if person is None:
        person = Person(username=username, full_name=full_name, email=email, created_at=clock.now())
        session.add(person)
    else:
        person.full_name = full_name
        person.email = email or person.email
    if password is not None:
        person.password_hash = hash_password(password)
    elif password_hash is not None:
        person.password_hash = password_hash
    session.flush()
    for code in roles:
        if session.get(Role, code) is None:
            raise NotFound(f"unknown role {code!r}", field="role")
        grant_role(session, person, code, unit)
    return person


def grant_role(session: Session, person: Person, role_code: str, unit: Unit) -> None:
    exists = session.scalar(select(RoleMembership.id).where(
        RoleMembership.person_id == person.id, RoleMembership.role_code == role_code,
        RoleMembership.unit_id == unit.id))
    if exists is None:
        session.add(RoleMembership(person_id=person.id, role_code=role_code, unit_id=unit.id))
        session.flush()


def unit_by_code(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFound(f"unknown unit {code!r}", field="unit")
    return unit


def person_by_username(session: Session, username: str) -> Person:
    person = session.scalar(select(Person).where(Person.username == username))
    if person is None:
        raise NotFound(f"unknown user {username!r}", field="username")
    return person


def ancestors_and_self(unit: Unit) -> list[Unit]:
    """The unit, its parent, … up to the root."""
    chain: list[Unit] = []
    seen: set[int] = set()
    current: Unit | None = unit
    while current is not None and current.id not in seen:
        chain.append(current)
        seen.add(current.id)
        current = current.parent
    return chain


def subtree_unit_ids(session: Session, root_ids: Iterable[int]) -> set[int]:
    """Ids of the given units and all units below them (recursive query, any depth)."""
    roots = set(root_ids)
    if not roots:
        return set()
    tree = select(Unit.id).where(Unit.id.in_(roots)).cte("tree", recursive=True)
    tree = tree.union(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return set(session.scalars(select(tree.c.id)))


def role_catalogue(session: Session) -> dict[str, str]:
    """Lookup key of each role's code and label -> role code (for lanes named either way)."""
    catalogue: dict[str, str] = {}
    for role in session.scalars(select(Role)):
        catalogue[role_lookup_key(role.code)] = role.code
        catalogue[role_lookup_key(role.name)] = role.code
    return catalogue


def resolve_role_code(catalogue: dict[str, str], name: str | None) -> str | None:
    return catalogue.get(role_lookup_key(name)) if name else None
