"""``salesanalysis schedule``: two runs at once (one works, one says so), a held lock, status,
the crontab line and clean (old leftovers of failed runs go, good reports stay)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from salesanalysis.cli import main
from salesanalysis.schedule.runner import schedule_lock

ONE_MONTH = 'definitions: {m: {report: toy_month, cron: "0 6 1 * *", period: month, ' \
            'max_staleness: 1}}\n'


def _argv(project, *args: str) -> list[str]:
    return ["--db", str(project.db), "schedule", *args, "--reports-dir", str(project.reports)]


def _run_args(project) -> list[str]:
    return [*_argv(project, "run", "--now", "2026-11-16"), "--config",
            str(project.root / "schedule.yaml"), "--notebooks-dir", str(project.notebooks)]


def test_two_runs_at_once_one_works_and_the_other_says_so(project):
    project.schedule(ONE_MONTH)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    procs = [subprocess.Popen([sys.executable, "-m", "salesanalysis", *_run_args(project)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    busy = [o for o in outs if "another schedule run holds the lock" in o]
    worked = [o for o in outs if "1 rendered, 0 failed" in o]
    assert len(busy) == 1 and len(worked) == 1, outs
    assert project.runs()["status"].tolist() == ["succeeded"]


def test_a_held_lock_means_nothing_is_done(project, capsys):
    project.schedule(ONE_MONTH)
    lock = schedule_lock(project.db.resolve())
    lock.acquire(timeout=0)
    try:
        main(_run_args(project))  # exits 0: returns normally
    finally:
        lock.release()
    out = capsys.readouterr().out
    assert "another schedule run holds the lock" in out and "this run did nothing" in out
    assert not project.reports.exists()


def test_status_and_cron_lines(project, capsys):
    project.schedule(ONE_MONTH)
    main([*_argv(project, "status", "--now", "2026-11-16"), "--config",
          str(project.root / "schedule.yaml")])
    out = capsys.readouterr().out
    assert out.splitlines()[:4] == ["m (toy_month, all)", "  last success: never",
                                    "  due now: 2026-10",
                                    "  next run: 2026-12-01 06:00 UTC for 2026-11"]
    main([*_argv(project, "cron"), "--config", str(project.root / "schedule.yaml"),
          "--minute", "15"])
    line = capsys.readouterr().out.strip()
    assert line.startswith("15 * * * * cd ")
    assert f"--db {project.db.resolve()} schedule run --reports-dir {project.reports.resolve()}" \
        in line
    assert f"--config {(project.root / 'schedule.yaml').resolve()}" in line
    assert line.endswith(f">> {project.reports.resolve() / 'schedule.log'} 2>&1")


def test_a_bad_now_and_a_bad_config_are_one_line_errors(project, capsys):
    (project.root / "bad.yaml").write_text("definitions: {m: {cron: nope, period: month}}")
    with pytest.raises(SystemExit) as info:
        main([*_argv(project, "run"), "--config", str(project.root / "bad.yaml")])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "bad.yaml: definitions.m.cron:" in err
    project.schedule(ONE_MONTH)
    with pytest.raises(SystemExit):
        main([*_argv(project, "status", "--now", "soon"), "--config",
              str(project.root / "schedule.yaml")])
    assert "--now 'soon' is not a date" in capsys.readouterr().err


def test_clean_removes_old_failed_leftovers_and_keeps_good_reports(project, capsys):
    project.schedule('retention_days: 10\n' + ONE_MONTH.replace("max_staleness: 1",
                                                               "max_staleness: 1, "
                                                               "retention_days: 3"))
    folder = project.reports / "2026-10"
    folder.mkdir(parents=True)
    names = ["toy_month.html", "toy_month.ipynb", "toy_month.aaa111.failed.ipynb",
             "toy_month.aaa111.failed.kernel.log", "toy_month.bbb222.failed.ipynb",
             "other.ccc333.failed.ipynb", ".toy_month.html.x1.tmp"]
    for name in names:
        (folder / name).write_text("x")
    day = 86400
    now = time.time()
    ages = {"toy_month.bbb222.failed.ipynb": 1, "other.ccc333.failed.ipynb": 5}
    for name in names:  # everything old, except a recent failure and one within the default
        age = ages.get(name, 40)
        os.utime(folder / name, (now - age * day, now - age * day))
    main([*_argv(project, "clean"), "--config", str(project.root / "schedule.yaml")])
    out = capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == [
        "other.ccc333.failed.ipynb", "toy_month.bbb222.failed.ipynb", "toy_month.html",
        "toy_month.ipynb"]
    assert "removed 3 file(s)" in out and "kept 2 younger than the retention" in out
