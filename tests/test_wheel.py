"""The wheel: built from the repository, installed into a fresh venv, it renders the monthly
review in a folder outside the checkout (the notebooks ship inside the package).

The fresh venv is made from the base interpreter and sees the test run's own site-packages
through a ``.pth`` line (so the dependencies are not installed again). A path line in a
``.pth`` file puts that folder on ``sys.path`` without running the ``.pth`` files inside it,
so the checkout's editable install (``__editable__*.pth``) stays inactive and the wheel's
copy of ``salesanalysis`` is the one imported; the test asserts it.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import site
import subprocess
import sys
import time
from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
#: What a wheel is built from (a copy: a stale ``build/`` in the checkout never leaks in, and
#: nothing is written into the working tree).
SOURCES = ("pyproject.toml", "README.md", "salesanalysis")
#: The build backend pyproject.toml asks for; older ones cannot read its metadata.
MIN_SETUPTOOLS = Version("77")


def _run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 300):
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=timeout)  # fmt: skip
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} exited {result.returncode}\n"
        f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
    )
    return result


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "SALESANALYSIS_DB", "VIRTUAL_ENV")}  # fmt: skip
    env.update(PYTHONNOUSERSITE="1", MPLBACKEND="Agg", JUPYTER_PREFER_ENV_PATH="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")  # fmt: skip
    return env


def _build_wheel(tmp: Path, env: dict[str, str]) -> Path:
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp / "dist"
    backend = Version(importlib.metadata.version("setuptools"))
    # Offline and fast with the backend of this environment; an environment whose setuptools
    # is too old for pyproject.toml builds in pip's isolated environment instead (PyPI).
    isolation = ["--no-build-isolation"] if backend >= MIN_SETUPTOOLS else []
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", dist, src],
         cwd=tmp, env=env)
    wheels = sorted(dist.glob("salesanalysis-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _venv(tmp: Path, env: dict[str, str]) -> Path:
    venv = tmp / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    _run([base, "-m", "venv", "--system-site-packages", "--without-pip", venv], cwd=tmp, env=env)
    python = venv / "bin" / "python"
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                   cwd=tmp, env=env).stdout.strip()  # fmt: skip
    outer = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "_outer_site_packages.pth").write_text("\n".join(outer) + "\n")
    # The dependencies' data files (nbconvert's HTML templates ...) live in the outer
    # environment's share/jupyter; link them, but not its kernels (the venv gets its own).
    data = venv / "share" / "jupyter"
    data.mkdir(parents=True)
    for entry in (Path(sys.prefix) / "share" / "jupyter").glob("*"):
        if entry.name != "kernels":
            (data / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return python


def test_wheel_renders_the_monthly_review_outside_the_checkout(tmp_path):
    started = time.perf_counter()
    env = _clean_env()
    wheel = _build_wheel(tmp_path, env)
    names = _run([sys.executable, "-m", "zipfile", "-l", wheel], cwd=tmp_path, env=env).stdout
    for shipped in ("salesanalysis/reports/notebooks/monthly_review.ipynb",
                    "salesanalysis/store/sql/review_kpis.sql"):
        assert shipped in names

    python = _venv(tmp_path, env)
    # --ignore-installed: the checkout's editable install is visible to pip through the .pth
    _run([python, "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", wheel],
         cwd=tmp_path, env=env)
    _run([python, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
         cwd=tmp_path, env=env)
    kernel = _run([python, "-c", "from jupyter_client.kernelspec import KernelSpecManager; "
                   "print(KernelSpecManager().get_kernel_spec('python3').argv[0])"],
                  cwd=tmp_path, env=env).stdout.strip()  # fmt: skip
    assert Path(kernel) == python, kernel  # the notebooks run on the venv's python

    work = tmp_path / "work"
    work.mkdir()
    imported = _run([python, "-c", "import salesanalysis; print(salesanalysis.__file__)"],
                    cwd=work, env=env).stdout.strip()  # fmt: skip
    assert Path(imported).resolve().is_relative_to(python.parent.parent.resolve()), imported
    assert not Path(imported).resolve().is_relative_to(ROOT), imported

    cli = python.parent / "salesanalysis"
    _run([cli, "--db", "store.duckdb", "init", "--sample", "--customers", "150"], cwd=work,
         env=env)
    rendered = _run([cli, "--db", "store.duckdb", "report", "monthly_review"], cwd=work, env=env)
    month = re.search(r"rendered monthly_review for (\d{4}-\d{2})", rendered.stdout)
    assert month, rendered.stdout
    page = work / "reports" / month.group(1) / "monthly_review.html"
    assert page.is_file()
    text = page.read_text(encoding="utf-8")
    assert f"Monthly review {month.group(1)}" in text and "Headline numbers" in text
    assert "Amounts in the data" in text  # the currency line, once
    assert (work / "reports" / "index.html").is_file()
    print(f"wheel test took {time.perf_counter() - started:.1f} s")
