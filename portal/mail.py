"""Sending e-mail through the SMTP server named in the environment (MAIL_SERVER and friends)."""
from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage

from flask import current_app


class MailNotSent(RuntimeError):
    pass


def send(to: str, subject: str, body: str) -> None:
    """Send one plain-text message; without a MAIL_SERVER a demo prints it, anything else refuses."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if not config["MAIL_SERVER"]:
        if config["DEMO"]:
            print(f"--- e-mail (demo: MAIL_SERVER is not set) ---\n{message}", file=sys.stderr)
            return
        raise MailNotSent("MAIL_SERVER is not set")
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_STARTTLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent(type(error).__name__) from error
