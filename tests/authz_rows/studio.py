"""Rows for the designer studio (/studio): designers only, 403 for everyone else signed in.
Helpers adding studio pages: add one Row per route and method here (or in a module of your own)."""

from __future__ import annotations

from tests.authz_rows import Row

ROWS = [
    Row("GET", "/studio/", "/studio/", officer=403, manager=403, designer=200, outsider=403),
]
