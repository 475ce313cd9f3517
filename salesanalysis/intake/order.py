"""The order in which a source's targets are applied: dependencies first.

A mapping lists a source's targets in any order. A target that ``inherit``\\ s a column takes
it from the target that makes it (the target whose table is keyed by that column, else the
one that places or derives it, else the first target); a target with a ``lookups`` entry on
a table another target of the same source feeds needs that target's rows staged first.
:func:`target_order` sorts by those dependencies (the mapping's order among independent
targets) and names a true cycle in one line.
"""

from __future__ import annotations

from salesanalysis.exceptions import MappingError
from salesanalysis.intake.mapping import Source, Target, as_list
from salesanalysis.store import table_specs


def _makes(target: Target, column: str) -> bool:
    placed = {c for cols in target.columns.values() for c in as_list(cols)}
    return column in placed or column in target.derive or column in target.defaults


def inherit_parent(source: Source, i: int) -> int | None:
    """Index of the target that target ``i`` inherits from (None without ``inherit``)."""
    target = source.targets[i]
    if not target.inherit:
        return None
    wanted = next(iter(target.inherit.values()))
    others = [j for j in range(len(source.targets)) if j != i]
    keyed = [j for j in others if table_specs()[source.targets[j].table].key[0] == wanted]
    making = [j for j in others if _makes(source.targets[j], wanted)]
    for found in (keyed, making):
        if found:
            return found[0]
    return 0 if i != 0 else None


def _needs(source: Source, i: int) -> set[int]:
    target = source.targets[i]
    needs = {j for j in range(len(source.targets)) if j != i
             and source.targets[j].table in {lk.table for lk in target.lookups.values()}}
    parent = inherit_parent(source, i)
    return needs | ({parent} if parent is not None else set())


def target_order(source: Source, mapping_file: str, source_name: str) -> list[int]:
    """Target indices, each after the targets it depends on.

    Raises
    ------
    MappingError
        When targets depend on each other in a cycle.
    """
    needs = {i: _needs(source, i) for i in range(len(source.targets))}
    order: list[int] = []
    while len(order) < len(needs):
        ready = [i for i in needs if i not in order and needs[i] <= set(order)]
        if not ready:
            stuck = [source.targets[i].table for i in needs if i not in order]
            raise MappingError(
                mapping_file, f"sources.{source_name}.targets",
                f"the targets {', '.join(stuck)} depend on each other in a cycle (inherit / "
                "lookups); let one of them derive its key or look it up in the store instead",
            )  # fmt: skip
        order.append(ready[0])
    return order
