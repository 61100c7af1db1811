"""Settings from the environment: one place that reads TDKT_* variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str
    clock_mode: str  # "real" or "virtual"
    processes_dir: Path
    forms_dir: Path
    instance_dir: Path
    secret_key: str | None


def load_settings() -> Settings:
    instance_dir = Path(os.environ.get("TDKT_INSTANCE_DIR", PROJECT_ROOT / "instance"))
    default_url = f"sqlite:///{instance_dir / 'tdkt.sqlite3'}"
    clock_mode = os.environ.get("TDKT_CLOCK", "real").strip().lower()
    if clock_mode not in ("real", "virtual"):
        raise ValueError(f"TDKT_CLOCK must be 'real' or 'virtual', not {clock_mode!r}")
    return Settings(
        database_url=os.environ.get("TDKT_DATABASE_URL") or default_url,
        clock_mode=clock_mode,
        processes_dir=Path(os.environ.get("TDKT_PROCESSES_DIR", PROJECT_ROOT / "processes")),
        forms_dir=Path(os.environ.get("TDKT_FORMS_DIR", PROJECT_ROOT / "forms")),
        instance_dir=instance_dir,
        secret_key=os.environ.get("TDKT_SECRET_KEY"),
    )
