"""E-mail over SMTP with smtplib: settings from the environment, one connection per dispatch pass.

Environment (all optional; without TDKT_SMTP_HOST nothing is sent and e-mails stay pending):
  TDKT_SMTP_HOST      server name; empty = e-mail off
  TDKT_SMTP_PORT      default 465 with SSL, 587 with STARTTLS, else 25
  TDKT_SMTP_USER      log in with this user (and TDKT_SMTP_PASSWORD) when set
  TDKT_SMTP_PASSWORD
  TDKT_SMTP_FROM      From header, e.g. "TĐKT Flow <no-reply@sgd.edu.vn>" (default no-reply@localhost)
  TDKT_SMTP_STARTTLS  1/0: upgrade with STARTTLS (default 1 on port 587)
  TDKT_SMTP_SSL       1/0: implicit TLS (SMTPS; default 1 on port 465)
  TDKT_SMTP_TIMEOUT   seconds per SMTP operation (default 30)
"""

from __future__ import annotations

import base64
import os
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from types import TracebackType

from engine import clock

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None = None
    port: int = 25
    user: str | None = None
    password: str | None = None
    sender: str = "TĐKT Flow <no-reply@localhost>"
    starttls: bool = False
    ssl: bool = False
    timeout: float = 30.0

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @property
    def sender_domain(self) -> str:
        address = parseaddr(self.sender)[1]
        return address.rpartition("@")[2] or "localhost"


def load_smtp_settings(environ: Mapping[str, str] | None = None) -> SmtpSettings:
    """SMTP settings from TDKT_SMTP_* variables (see the module docstring); ValueError if malformed."""
    env = os.environ if environ is None else environ

    def get(name: str) -> str:
        return env.get(f"TDKT_SMTP_{name}", "").strip()

    def flag(name: str) -> bool | None:
        raw = get(name).lower()
        if not raw:
            return None
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        raise ValueError(f"TDKT_SMTP_{name} must be 1 or 0, not {raw!r}")

    use_ssl, use_starttls = flag("SSL"), flag("STARTTLS")
    try:
        port = int(get("PORT")) if get("PORT") else 465 if use_ssl else 587 if use_starttls else 25
        timeout = float(get("TIMEOUT") or 30)
    except ValueError:
        raise ValueError("TDKT_SMTP_PORT and TDKT_SMTP_TIMEOUT must be numbers") from None
    use_ssl = port == 465 if use_ssl is None else use_ssl
    use_starttls = port == 587 and not use_ssl if use_starttls is None else use_starttls
    if use_ssl and use_starttls:
        raise ValueError("TDKT_SMTP_SSL and TDKT_SMTP_STARTTLS exclude each other")
    sender = get("FROM") or SmtpSettings.sender
    if "@" not in parseaddr(sender)[1]:
        raise ValueError(f"TDKT_SMTP_FROM is not an e-mail address: {sender!r}")
    return SmtpSettings(host=get("HOST") or None, port=port, user=get("USER") or None,
                        password=env.get("TDKT_SMTP_PASSWORD") or None, sender=sender,
                        starttls=use_starttls, ssl=use_ssl, timeout=timeout)


class DeliveryError(Exception):
    """A message was not accepted. `connection_lost`: the server could not be reached or dropped us,
    so the other messages of this pass would fail the same way."""

    def __init__(self, message: str, *, connection_lost: bool) -> None:
        super().__init__(message)
        self.connection_lost = connection_lost


def build_email(settings: SmtpSettings, *, to: str, subject: str, body: str, message_id: str | None = None,
                at: datetime | None = None) -> EmailMessage:
    """A UTF-8 plain-text message (subject encoded per RFC 2047, body quoted-printable or base64)."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(at or clock.now())
    message["Message-ID"] = message_id or make_msgid(domain=settings.sender_domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, charset="utf-8")
    return message


class SmtpSender:
    """Sends messages over one SMTP connection, opened on first use and closed on exit."""

    def __init__(self, settings: SmtpSettings) -> None:
        if not settings.configured:
            raise ValueError("no SMTP server configured (TDKT_SMTP_HOST)")
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def send(self, *, to: str, subject: str, body: str, message_id: str | None = None) -> None:
        try:
            message = build_email(self.settings, to=to, subject=subject, body=body, message_id=message_id)
        except ValueError as exc:  # e.g. a line break in an address
            raise DeliveryError(f"invalid message: {exc}", connection_lost=False) from exc
        try:
            smtp = self._connection()
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            details = "; ".join(f"{rcpt}: {_reply(code, text)}" for rcpt, (code, text) in exc.recipients.items())
            raise DeliveryError(f"recipient refused: {details}", connection_lost=False) from exc
        except smtplib.SMTPServerDisconnected as exc:
            self._drop()
            raise DeliveryError(f"server disconnected: {exc}", connection_lost=True) from exc
        except (smtplib.SMTPConnectError, smtplib.SMTPHeloError, smtplib.SMTPAuthenticationError,
                smtplib.SMTPNotSupportedError) as exc:
            self._drop()
            raise DeliveryError(_describe(exc), connection_lost=True) from exc
        except smtplib.SMTPResponseException as exc:  # sender or data refused: this message only
            lost = exc.smtp_code == 421  # "service not available, closing channel"
            if lost:
                self._drop()
            raise DeliveryError(_describe(exc), connection_lost=lost) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise DeliveryError(_describe(exc), connection_lost=True) from exc

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        s = self.settings
        assert s.host is not None
        helo = socket.gethostname() or "localhost"  # no DNS lookup (socket.getfqdn can hang)
        smtp: smtplib.SMTP
        if s.ssl:
            smtp = smtplib.SMTP_SSL(s.host, s.port, local_hostname=helo, timeout=s.timeout,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, local_hostname=helo, timeout=s.timeout)
        try:
            smtp.ehlo()
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if s.user:
                _login(smtp, s.user, s.password or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib cannot send non-ASCII credentials; send those as UTF-8 with AUTH PLAIN (RFC 4616)."""
    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
        raise smtplib.SMTPNotSupportedError("the server offers no AUTH PLAIN for a non-ASCII user or password")
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _reply(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}".strip()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc.smtp_code, exc.smtp_error)
    return f"{type(exc).__name__}: {exc}"
