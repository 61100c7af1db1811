"""Councils (Hội đồng Thi đua - Khen thưởng): members from role memberships, vote rules, ballot boxes.

Importing the package registers the council's script helpers (engine.council.helpers).
"""

from engine.council import helpers as _helpers  # noqa: F401  (registers hoi_dong, diem_danh, kiem_phieu…)
