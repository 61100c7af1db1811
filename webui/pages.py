"""Plain pages outside the officer's work: the health check and an overview of the deployment."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template
from sqlalchemy import func, select

from engine.models import HumanTask, Instance, ProcessDefinition

pages = Blueprint("pages", __name__)


@pages.get("/about")
def about() -> Any:
    db = current_app.extensions["tdkt_db"]
    with db.transaction() as session:
        counts = {
            "definitions": session.scalar(select(func.count(func.distinct(ProcessDefinition.key)))) or 0,
            "instances": session.scalar(select(func.count(Instance.id))) or 0,
            "open_tasks": session.scalar(select(func.count(HumanTask.id)).where(HumanTask.status == "ready")) or 0,
        }
    return render_template("home.html", counts=counts)


@pages.get("/healthz")
def health() -> Any:
    return {"status": "ok"}
