"""The rows of the route × role authorization table (tests/test_web_route_authz.py).

Every web page and action route (everything in `app.url_map` outside /api/) needs exactly one row per
HTTP method, or the table test fails and names the route. To add rows for your routes, add a module to
this package (e.g. `tests/authz_rows/studio_editor.py`, `tests/authz_rows/units.py`) defining

    ROWS = [
        Row("GET", "/studio/processes/<key>", "/studio/processes/dang_ky_thi_dua",
            officer=403, manager=403, designer=200, outsider=403),
        Row("POST", "/units/<int:unit_id>", lambda s: f"/units/{s.unit_a}", data={"name": "x"},
            officer=403, manager=403, designer=403, outsider=404),
    ]

`rule` is the route exactly as `app.url_map` spells it (the failure message prints it); `url` is the
concrete URL to request, a string or a function of the `Scene` (ids of the objects built for the test:
see tests/authz_rows/scene.py, add what your routes need there). Expected statuses: the people are
gv_a1 (officer of school th_a), ht_a (manager of th_a), thietke (designer, Sở), gv_x1 (officer of
another unit, thpt_x) and a signed-out visitor (`anonymous`, default 302 to the sign-in page; 401 for
htmx). Roles are tried in `ROLE_ORDER`, refusals first, so a row whose allowed request changes state
(claiming a task) still finds the state it expects for the roles before it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLE_ORDER = ("anonymous", "outsider", "designer", "manager", "officer")
USERS = {"officer": "gv_a1", "manager": "ht_a", "designer": "thietke", "outsider": "gv_x1", "anonymous": None}


@dataclass(frozen=True)
class Row:
    method: str
    rule: str
    url: str | Callable[[Any], str]
    officer: int
    manager: int
    designer: int
    outsider: int
    anonymous: int | None = None  # None: 302 (401 for an htmx request)
    data: dict[str, Any] | Callable[[Any], dict[str, Any]] = field(default_factory=dict)
    htmx: bool = False
    files: Callable[[], dict[str, Any]] | None = None

    def expected(self, role: str) -> int:
        if role == "anonymous":
            return self.anonymous if self.anonymous is not None else (401 if self.htmx else 302)
        return int(getattr(self, role))

    def concrete_url(self, scene: Any) -> str:
        return self.url(scene) if callable(self.url) else self.url

    def form(self, scene: Any) -> dict[str, Any]:
        return dict(self.data(scene) if callable(self.data) else self.data)

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.rule


def all_rows() -> list[Row]:
    rows: list[Row] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        rows += getattr(importlib.import_module(f"{__name__}.{module.name}"), "ROWS", [])
    return rows
