"""The studio's front page: where a designer starts."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.authz import Viewer
from engine.models import ProcessDefinition
from webui.studio import bp, designer_view


@bp.get("/")
@designer_view
def index(s: Session, viewer: Viewer) -> Any:
    keys = s.scalar(select(func.count(func.distinct(ProcessDefinition.key)))) or 0
    return render_template("studio/index.html", process_count=keys)
