"""Designer studio: the pages where process designers edit, validate and deploy processes, forms and plans.

One blueprint under /studio. Each feature lives in its own module of this package (editor, library,
forms, plans, preview…); every module found here is imported when the blueprint is registered, so a
feature is added by adding a file. Every view is wrapped by `designer_view`: people without the
`design` (or `admin`) capability get the 403 page.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint
from flask_babel import gettext as _

from webui.auth import login_required, viewer_transaction
from webui.errors import error_page

bp = Blueprint("studio", __name__, url_prefix="/studio")


def designer_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Sign-in, then one transaction with the designer's `(session, viewer)` passed first; others get 403."""
    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with viewer_transaction() as (s, viewer):
            if not viewer.can_design:
                return not_designer_page()
            return view(s, viewer, *args, **kwargs)
    return wrapper


def not_designer_page() -> Any:
    return error_page(403, _("The studio is for process designers."))


def load_features() -> Blueprint:
    """Import every feature module of the package (each registers its routes on `bp`)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return bp
