"""Organisation: units (a tree whose levels are data), roles, people, role memberships, API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base


class Unit(Base):
    """An organisation unit: Sở, Phòng, UBND xã, trường, tổ, cụm… (`kind` is data, not code)."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(64), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])


class Role(Base):
    """A role in the catalogue. `capabilities` (space-separated) grants system powers:
    `manage` (suspend/resume/terminate/retry/reassign in units under it), `design` (deploy), `admin`."""

    __tablename__ = "role"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    capabilities: Mapped[str] = mapped_column(String(255), default="")

    def has(self, capability: str) -> bool:
        return capability in self.capabilities.split()


class Person(Base):
    """A person and their account (sign-in name, argon2 password hash, lock-out counters)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]

    memberships: Mapped[list[RoleMembership]] = relationship(back_populates="person")


class RoleMembership(Base):
    """Person P holds role R in unit U."""

    __tablename__ = "role_membership"
    __table_args__ = (
        UniqueConstraint("person_id", "role_code", "unit_id"),
        Index("ix_role_membership_role_unit", "role_code", "unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role_code: Mapped[str] = mapped_column(ForeignKey("role.code"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))

    person: Mapped[Person] = relationship(back_populates="memberships")
    role: Mapped[Role] = relationship()
    unit: Mapped[Unit] = relationship()


class ApiToken(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(default=False)

    person: Mapped[Person] = relationship()
