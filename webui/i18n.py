"""Languages and dates of the web pages: Vietnamese by default, English second; dd/mm/yyyy in Hanoi time.

Message ids are English in code and templates; `translations/vi` holds the Vietnamese catalogue.
Only the `.po` files are kept in git: `compile_catalogues` builds the `.mo` files (the Makefile runs
`pybabel compile` too), so a fresh checkout works with `make run`, `make test` or plain `pytest`.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import date, datetime
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request, session
from flask_babel import Babel

from engine.clock import VN_TZ

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
TIMEZONE = "Asia/Ho_Chi_Minh"
log = logging.getLogger(__name__)


def _compile_into(source_dir: Path, target_dir: Path) -> None:
    for po_path in source_dir.glob("*/LC_MESSAGES/*.po"):
        mo_path = target_dir / po_path.relative_to(source_dir).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        temporary = mo_path.with_suffix(".mo.tmp")
        with temporary.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        temporary.replace(mo_path)


def compile_catalogues() -> Path:
    """Compile stale `.mo` files next to their `.po`; in a temporary copy if the package is read-only."""
    try:
        _compile_into(TRANSLATIONS_DIR, TRANSLATIONS_DIR)
        return TRANSLATIONS_DIR
    except OSError as exc:
        target = Path(tempfile.mkdtemp(prefix="tdkt-translations-"))
        log.warning("cannot write compiled catalogues next to the sources (%s); using %s", exc, target)
        _compile_into(TRANSLATIONS_DIR, target)
        return target


def select_locale() -> str:
    chosen = session.get("locale")
    if chosen in LOCALES:
        return str(chosen)
    if request.args.get("lang") in LOCALES:
        return str(request.args["lang"])
    return DEFAULT_LOCALE


def vn_date(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(VN_TZ).date()
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: datetime | None) -> str:
    return value.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if value is not None else ""


def init_i18n(app: Flask) -> None:
    directory = compile_catalogues()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", TIMEZONE)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(directory)
    Babel(app, locale_selector=select_locale, timezone_selector=lambda: TIMEZONE)
    app.jinja_env.filters["vndate"] = vn_date
    app.jinja_env.filters["vndatetime"] = vn_datetime
    app.jinja_env.globals["current_locale"] = select_locale
