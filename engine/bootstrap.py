"""`tdkt init`: migrate the schema, then load the role catalogue, forms and processes from disk."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from engine.config import Settings
from engine.db import Database
from engine.definitions.repository import DeployedDefinition, deploy
from engine.definitions.validation import SourceFile
from engine.definitions.xml_safety import MAX_DEFINITION_BYTES
from engine.errors import InvalidInput
from engine.forms import deploy_form_file
from engine.migrate import upgrade
from engine.org import add_role
from engine.plans.repository import PlanLoad, load_plans


@dataclass
class InitReport:
    roles: int = 0
    forms_created: list[str] = field(default_factory=list)
    definitions: list[DeployedDefinition] = field(default_factory=list)
    plans: list[PlanLoad] = field(default_factory=list)


def load_roles(db: Database, path: Path) -> int:
    if not path.exists():
        return 0
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    with db.transaction() as session:
        for entry in entries:
            add_role(session, entry["code"], entry["name"], entry.get("capabilities", ""))
    return len(entries)


def read_definition_files(paths: list[Path]) -> list[SourceFile]:
    files = []
    for path in paths:
        if path.stat().st_size > MAX_DEFINITION_BYTES:
            raise InvalidInput(f"{path.name}: larger than {MAX_DEFINITION_BYTES} bytes", file=path.name)
        files.append(SourceFile(path.name, path.read_bytes()))
    return files


def init(db: Database, settings: Settings) -> InitReport:
    """Idempotent: unchanged files keep their versions."""
    upgrade(db)
    report = InitReport(roles=load_roles(db, settings.processes_dir / "roles.yaml"))
    with db.transaction() as session:
        for path in sorted(settings.forms_dir.glob("*.json")):
            form, created = deploy_form_file(session, path)
            if created:
                report.forms_created.append(f"{form.key} v{form.version}")
    paths = sorted([*settings.processes_dir.glob("*.bpmn"), *settings.processes_dir.glob("*.dmn")])
    paths += sorted(settings.processes_dir.glob("rules/*.dmn"))  # eligibility decision tables
    if paths:
        with db.transaction() as session:
            report.definitions = deploy(session, read_definition_files(paths))
    report.plans = load_plans(db, settings.processes_dir / "plans")
    return report
