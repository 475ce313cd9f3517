"""The failure notice: e-mail to a local SMTP server started by the test (aiosmtpd on
127.0.0.1), a command with the failures in its environment, undeliverable notices reported."""

from __future__ import annotations

import socket
import sys
from email import message_from_string
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from salesanalysis.schedule.config import NoticeSettings, SmtpSettings
from salesanalysis.schedule.notice import Failure, send_notice

FAILURES = [Failure("monthly_review", "monthly_review", "2026-10", "abc123", "boom in cell 3", 2),
            Failure("weekly_review", "weekly_review", "2026-W45", "def456", "timed out", 2)]


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              envelope.content.decode("utf-8")))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def smtp_server():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


def test_failures_are_e_mailed_through_smtp(smtp_server):
    port, inbox = smtp_server
    smtp = SmtpSettings(host="127.0.0.1", port=port, sender="reports@example.com",
                        to=["ops@example.com", "lead@example.com"])
    done = send_notice(NoticeSettings(smtp=smtp), FAILURES)
    assert done == ["notice e-mailed to ops@example.com, lead@example.com"]
    ((sender, to, content),) = inbox.messages
    assert sender == "reports@example.com" and to == ["ops@example.com", "lead@example.com"]
    message = message_from_string(content, policy=default)
    assert message["Subject"] == "salesanalysis schedule: 2 reports failed"
    body = message.get_content()
    assert "monthly_review 2026-10 (monthly_review, run abc123, 2 attempts): boom in cell 3" \
        in body
    assert "weekly_review 2026-W45" in body


def test_a_command_gets_the_failures_in_env_and_stdin(tmp_path):
    out = tmp_path / "got.txt"
    script = ("import os, sys; open(sys.argv[1], 'w').write(os.environ['SALESANALYSIS_FAILED_COUNT']"
              " + '|' + os.environ['SALESANALYSIS_RUN_ID'] + '|' + os.environ['SALESANALYSIS_FAILURES']"
              " + '|' + sys.stdin.read())")
    done = send_notice(NoticeSettings(command=[sys.executable, "-c", script, str(out)]), FAILURES)
    assert done == [f"notice command {sys.executable} ran"]
    count, run_id, lines, stdin = out.read_text().split("|", 3)
    assert (count, run_id) == ("2", "abc123")
    assert lines.splitlines()[1].startswith("weekly_review 2026-W45")
    assert "The last good reports were left in place" in stdin


def test_undeliverable_notices_are_reported_not_raised(tmp_path, monkeypatch):
    smtp = SmtpSettings(host="127.0.0.1", port=_free_port(), sender="a@b", to=["c@d"],
                        timeout_seconds=2)
    failing = [sys.executable, "-c", "import sys; print('no route', file=sys.stderr); sys.exit(3)"]
    done = send_notice(NoticeSettings(command=failing, smtp=smtp), FAILURES)
    assert done[0] == f"notice command {sys.executable} exited 3: no route"
    assert done[1].startswith(f"notice e-mail to 127.0.0.1:{smtp.port} failed: ")
    monkeypatch.delenv("SMTP_PW", raising=False)
    locked = SmtpSettings(host="127.0.0.1", port=1, sender="a@b", to=["c@d"], username="u",
                          password_env="SMTP_PW")
    assert send_notice(NoticeSettings(smtp=locked), FAILURES) == [
        "notice e-mail not sent: environment variable SMTP_PW (the SMTP password) is not set"]
    assert send_notice(NoticeSettings(command=failing), []) == []  # nothing failed
