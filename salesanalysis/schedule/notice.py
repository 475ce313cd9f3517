"""The failure notice: after a schedule run in which reports failed (after their retries),
run the configured command and/or send an e-mail through the configured SMTP server.

The command gets the failures in its environment (``SALESANALYSIS_SUBJECT``,
``SALESANALYSIS_FAILED_COUNT``, ``SALESANALYSIS_FAILURES`` with one line per failure, and
``SALESANALYSIS_REPORT`` / ``_PERIOD`` / ``_RUN_ID`` / ``_ERROR`` of the first one) and the
same text on stdin. The e-mail's password is read from the environment variable named by
``password_env``, never from the YAML. A notice that cannot be delivered is reported, not
raised: the schedule's own exit code already says that reports failed.
"""

from __future__ import annotations

import os
import smtplib
import subprocess
from dataclasses import dataclass
from email.message import EmailMessage

from salesanalysis.schedule.config import NoticeSettings, SmtpSettings

#: Seconds a notice command may take.
COMMAND_TIMEOUT = 60.0


@dataclass(frozen=True)
class Failure:
    """A report period that failed after every attempt."""

    definition: str
    report: str
    period: str
    run_id: str
    error: str
    attempts: int


def notice_text(failures: list[Failure]) -> tuple[str, str]:
    """Subject and body of the notice for ``failures``."""
    subject = (f"salesanalysis schedule: {len(failures)} report"
               f"{'s' if len(failures) != 1 else ''} failed")
    lines = [f"{f.definition} {f.period} ({f.report}, run {f.run_id}, {f.attempts} attempt"
             f"{'s' if f.attempts != 1 else ''}): {f.error}" for f in failures]
    body = "\n".join([subject, "", *lines, "",
                      "The last good reports were left in place; `salesanalysis schedule "
                      "status` shows the history."]) + "\n"
    return subject, body


def run_command(argv: list[str], failures: list[Failure]) -> str:
    """Run the notice command with the failures in its environment and on stdin.

    Returns
    -------
    str
        What happened, one line.
    """
    subject, body = notice_text(failures)
    first = failures[0]
    env = {**os.environ, "SALESANALYSIS_SUBJECT": subject,
           "SALESANALYSIS_FAILED_COUNT": str(len(failures)),
           "SALESANALYSIS_FAILURES": "\n".join(body.splitlines()[2:2 + len(failures)]),
           "SALESANALYSIS_REPORT": first.report, "SALESANALYSIS_PERIOD": first.period,
           "SALESANALYSIS_RUN_ID": first.run_id, "SALESANALYSIS_ERROR": first.error}
    try:
        done = subprocess.run(argv, input=body, env=env, capture_output=True, text=True,
                              timeout=COMMAND_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"notice command {argv[0]} could not run: {type(exc).__name__}: {exc}"
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()
        return (f"notice command {argv[0]} exited {done.returncode}"
                + (f": {tail[-1]}" if tail else ""))
    return f"notice command {argv[0]} ran"


def send_email(smtp: SmtpSettings, failures: list[Failure]) -> str:
    """Send the notice through ``smtp``.

    Returns
    -------
    str
        What happened, one line.
    """
    subject, body = notice_text(failures)
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, smtp.sender, ", ".join(smtp.to)
    message.set_content(body)
    password = os.environ.get(smtp.password_env) if smtp.password_env else None
    if smtp.username and smtp.password_env and password is None:
        return (f"notice e-mail not sent: environment variable {smtp.password_env} (the SMTP "
                "password) is not set")
    client_type = smtplib.SMTP_SSL if smtp.ssl else smtplib.SMTP
    try:
        with client_type(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as client:
            if smtp.starttls and not smtp.ssl:
                client.starttls()
            if smtp.username:
                client.login(smtp.username, password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException, TimeoutError) as exc:
        return f"notice e-mail to {smtp.host}:{smtp.port} failed: {type(exc).__name__}: {exc}"
    return f"notice e-mailed to {', '.join(smtp.to)}"


def send_notice(notice: NoticeSettings, failures: list[Failure]) -> list[str]:
    """Send every configured notice about ``failures`` (nothing when there are none).

    Parameters
    ----------
    notice : NoticeSettings
        The schedule's ``notice`` settings.
    failures : list of Failure
        What failed.

    Returns
    -------
    list of str
        One line per notice: sent, or why not.
    """
    if not failures:
        return []
    done = []
    if notice.command:
        done.append(run_command(list(notice.command), failures))
    if notice.smtp is not None:
        done.append(send_email(notice.smtp, failures))
    return done
