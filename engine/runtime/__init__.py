"""Running cases: actions on instances (context.py), their projections, timers, deadlines.

Importing the package registers the helpers that scripts and expressions of a running case call:
`milestone()` / `milestone_start()` (engine.plans.helpers) and `escalate()` / `remind()`
(engine.runtime.escalation), next to the working-day helpers of engine.calendar.
"""

from engine import council as _council  # noqa: F401,E402  (registers the council helpers)
from engine import org_groups as _org_groups  # noqa: F401  (registers don_vi_thanh_vien)
from engine import routing as _routing  # noqa: F401,I001  (registers the core-flow helpers: due(), next_level()…)
from engine.plans import helpers as _plan_helpers  # noqa: F401  (registers milestone helpers)
from engine.runtime import escalation as _escalation  # noqa: F401  (registers escalate, remind)
