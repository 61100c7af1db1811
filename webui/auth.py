"""Signing in and out, changing one's password, and the `login_required` guard of every page.

Passwords are checked by `engine.accounts.authenticate` (argon2, failure counting, lock-out); the
failed attempt is committed before the refusal is shown, so the counter cannot be bypassed.
The session cookie holds only the person's id and the CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import clock
from engine.accounts import authenticate, hash_password
from engine.authz import Viewer, load_viewer
from engine.db import Database
from engine.errors import Unauthorized
from engine.models import Person
from webui.i18n import LOCALES
from webui.views.people import active_person

auth = Blueprint("auth", __name__)
F = TypeVar("F", bound=Callable[..., Any])
MIN_PASSWORD_LENGTH = 8


def db() -> Database:
    return current_app.extensions["tdkt_db"]


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_next(target: str | None) -> str | None:
    """Only a path on this site (no scheme, no host, no `//`), so sign-in cannot redirect elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def login_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        person_id = session.get("person_id")
        person = None
        if isinstance(person_id, int):
            with db().transaction() as s:
                person = active_person(s, person_id)
        if person is None:
            session.pop("person_id", None)
            target = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
            if is_htmx():
                return "", 401, {"HX-Redirect": target}
            return redirect(target)
        g.person_id = person.id
        return view(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


@contextmanager
def viewer_transaction() -> Iterator[tuple[Session, Viewer]]:
    """A transaction and the signed-in person's authorization view (roles, units, manage scope)."""
    with db().transaction() as s:
        person = s.get(Person, g.person_id)
        if person is None:
            raise Unauthorized("signed out")
        yield s, load_viewer(s, person)


def _sign_in_failure(s: Session, username: str) -> str:
    person = s.scalar(select(Person).where(Person.username == username))
    if person is not None and person.locked_until is not None and person.locked_until > clock.now():
        return _("Too many failed sign-ins: this account is locked for a while. Try again later.")
    return _("Wrong username or password.")


@auth.route("/login", methods=["GET", "POST"])
def login() -> Any:
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/login.html", next=next_url, username="")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    error: str | None = None
    with db().transaction() as s:
        try:
            person_id = authenticate(s, username, password).id
        except Unauthorized:
            error = _sign_in_failure(s, username)
    if error is not None:  # the failed attempt is committed by now
        return render_template("auth/login.html", next=next_url, username=username, error=error), 401
    locale = session.get("locale")
    session.clear()
    session.permanent = True
    session["person_id"] = person_id
    if locale:
        session["locale"] = locale
    return redirect(next_url or url_for("inbox.index"))


@auth.post("/logout")
def logout() -> Any:
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


def _password_problem(current: str, new: str, confirm: str) -> str | None:
    if len(new) < MIN_PASSWORD_LENGTH:
        return _("The new password must have at least %(num)s characters.", num=MIN_PASSWORD_LENGTH)
    if new != confirm:
        return _("The two new passwords are not the same.")
    if new == current:
        return _("The new password must differ from the current one.")
    return None


@auth.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    if request.method == "GET":
        return render_template("auth/password.html")
    current, new = request.form.get("current", ""), request.form.get("new", "")
    problem = _password_problem(current, new, request.form.get("confirm", ""))
    if problem:
        return render_template("auth/password.html", error=problem), 422
    with db().transaction() as s:
        person = s.get(Person, g.person_id)
        assert person is not None
        try:
            authenticate(s, person.username, current)  # counts failures like a sign-in
        except Unauthorized:
            problem = _("The current password is wrong.")
        else:
            person.password_hash = hash_password(new)
    if problem:
        return render_template("auth/password.html", error=problem), 422
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("inbox.index"))


@auth.post("/language")
def set_language() -> Any:
    chosen = request.form.get("locale")
    if chosen in LOCALES:
        session["locale"] = chosen
    return redirect(safe_next(request.form.get("next")) or url_for("inbox.index"))
