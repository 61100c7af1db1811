"""The core flow's routing table (who decides which title, by date) and its nomination bookkeeping.

Importing the package registers the script helpers of `xet_thi_dua_nam_hoc` (see helpers.py)."""

from engine.routing import helpers as _helpers  # noqa: F401  (registers the core-flow helpers)
from engine.routing.table import CUTOVER, LEVELS, Route, RoutingError, route, school_level_of

__all__ = ["CUTOVER", "LEVELS", "Route", "RoutingError", "route", "school_level_of"]
