"""`tdkt notify …`: deliver pending e-mails, check the SMTP settings, see and retry the outbox."""

from __future__ import annotations

import click

from engine import clock
from engine.errors import EngineError
from engine.notifications import dispatcher
from engine.notifications.email_sender import DeliveryError, SmtpSender, SmtpSettings, load_smtp_settings
from engine.notifications.messages import check_email


@click.group("notify")
def notify() -> None:
    """Notifications: e-mail outbox (SMTP settings: TDKT_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _STARTTLS)."""


@notify.command("dispatch")
@click.option("--limit", default=100, show_default=True, help="at most this many e-mails in this pass")
@click.option("--worker-id", default=None, help="lock owner name (default host:pid)")
def dispatch(limit: int, worker_id: str | None) -> None:
    """Run one dispatch pass: send due pending e-mails, retry failed ones later."""
    from webui.cli import _db, reports_errors

    @reports_errors
    def run() -> None:
        settings = _smtp_settings()
        db = _db()
        sent = dispatcher.dispatch_pending(db, limit=limit, worker_id=worker_id or dispatcher.default_worker_id(),
                                           settings=settings)
        counts = dispatcher.outbox_counts(db)
        click.echo(f"sent {sent} e-mail(s); pending {counts.get('pending', 0)}, failed {counts.get('failed', 0)}")

    run()


@notify.command("test-email")
@click.argument("address")
def test_email(address: str) -> None:
    """Send a test e-mail to ADDRESS now (not through the outbox) and report the server's answer."""
    from webui.cli import _db, reports_errors

    @reports_errors
    def run() -> None:
        settings = _smtp_settings()
        _db()  # the virtual clock, if configured, dates the message
        subject, body = check_email(address, clock.now())
        try:
            with SmtpSender(settings) as sender:
                sender.send(to=address, subject=subject, body=body)
        except DeliveryError as exc:
            raise EngineError(f"{settings.host}:{settings.port}: {exc}") from None
        click.echo(f"sent a test e-mail to {address} via {settings.host}:{settings.port}")

    run()


@notify.command("status")
def status() -> None:
    """How many e-mails are pending, sent, failed and skipped."""
    from webui.cli import _db

    counts = dispatcher.outbox_counts(_db())
    for name in ("pending", "sent", "failed", "skipped"):
        click.echo(f"{name}: {counts.get(name, 0)}")


@notify.command("retry-failed")
def retry_failed() -> None:
    """Queue every failed e-mail again with a fresh attempt count."""
    from webui.cli import _db

    click.echo(f"queued {dispatcher.retry_failed(_db())} failed e-mail(s) again")


def _smtp_settings() -> SmtpSettings:
    try:
        settings = load_smtp_settings()
    except ValueError as exc:
        raise EngineError(str(exc)) from None
    if not settings.configured:
        raise EngineError("no SMTP server configured: set TDKT_SMTP_HOST (e-mails stay pending until then)")
    return settings


def register(main: click.Group) -> None:
    main.add_command(notify)
