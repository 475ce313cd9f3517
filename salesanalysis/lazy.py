"""Package namespaces that import a name's module when the name is first used (PEP 562).

``salesanalysis.intake`` and ``salesanalysis.playbook`` offer a small public API from many
modules; importing one of their modules (a report kernel needs the playbook's metrics, not
its workbook reader, which loads the whole intake and pandera) runs the package's
``__init__`` first. With :func:`lazy_exports` that ``__init__`` imports nothing: each public
name is fetched from its module on first use, then kept in the package namespace.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[
        Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package exporting ``exports`` lazily.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : dict of str to str
        Public name -> the module (relative to ``package``, e.g. ``"pipeline"``) defining it.

    Returns
    -------
    tuple of callables
        ``(__getattr__, __dir__)`` to assign at the package's top level.

    Examples
    --------
    In a package ``__init__``::

        __all__ = ["import_files"]
        __getattr__, __dir__ = lazy_exports(__name__, {"import_files": "pipeline"})
    """
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value  # found directly from now on
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__
