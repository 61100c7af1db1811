"""SQLAlchemy 2.0 typed models. Import from here."""

from engine.models.attachments import Attachment
from engine.models.base import Base
from engine.models.calendar import CalendarOverride, CalendarState
from engine.models.comments import CaseComment
from engine.models.council import BallotBox, CouncilRule
from engine.models.definitions import FormDefinition, ProcessDefinition
from engine.models.groups import UnitGroupMember
from engine.models.notifications import Notification
from engine.models.org import ApiToken, Person, Role, RoleMembership, Unit
from engine.models.plans import Milestone, Plan
from engine.models.registry import Award, AwardQuota, DisciplineRecord
from engine.models.runtime import (
    INSTANCE_STATUSES,
    LIVE_STATUSES,
    AuditEvent,
    HumanTask,
    Instance,
    VirtualClock,
)
from engine.models.studio import DefinitionDraft, DefinitionOwner

__all__ = [
    "INSTANCE_STATUSES", "LIVE_STATUSES", "ApiToken", "Attachment", "AuditEvent", "Base", "CalendarOverride",
    "CalendarState",
    "FormDefinition",
    "HumanTask", "Instance", "Notification", "Person", "ProcessDefinition", "Role", "RoleMembership", "Unit",
    "VirtualClock",
    "Milestone", "Plan",
    "Award", "AwardQuota", "DisciplineRecord",
    "BallotBox", "CouncilRule",
    "UnitGroupMember",
    "DefinitionDraft", "DefinitionOwner",
    "CaseComment",
]
