"""X304's culprits: the one figure that explains several failed sums, reported once at its own place."""

from __future__ import annotations

from decimal import Decimal

from scoring.checks.accounts_relations import Accounts, Cell, Outcome

Culprit = tuple[Cell, list[Outcome], Decimal]
"""A figure, the failed sums it explains, and the correction that makes them all hold."""


def culprits(acc: Accounts, outcomes: list[Outcome]) -> tuple[list[Culprit], list[Outcome]]:
    """Failed sums explained by one figure, and the others.

    A figure that stands in two or more failed sums, in no sum that holds,
    and whose one correction would make all of them hold, is the figure to
    report (a 项 changed by 1,000元 breaks its 款 and its own row: it is the
    项 that is reported, once).  Any other failed sum is reported at its total.
    """
    failed = [o for o in outcomes if o.failed]
    held = [o for o in outcomes if not o.failed]
    in_held = {c for o in held for c in [o.relation.total, *o.relation.parts]}
    fixes: dict[Cell, list[tuple[Outcome, Decimal]]] = {}
    for o in failed:
        fixes.setdefault(o.relation.total, []).append((o, o.gap))
        for part in o.relation.parts:
            fixes.setdefault(part, []).append((o, -o.gap))
    candidates = []
    for cell, needed in fixes.items():
        if len(needed) < 2 or cell in in_held:
            continue
        first = needed[0][1]
        if all(abs(x - first) <= o.tolerance for o, x in needed):
            candidates.append((cell, needed))
    candidates.sort(key=lambda c: (-len(c[1]), acc.row(c[0]).source.row or 0, c[0].column))
    explained: set[int] = set()
    found: list[Culprit] = []
    for cell, needed in candidates:
        if any(id(o) in explained for o, _ in needed):
            continue
        explained |= {id(o) for o, _ in needed}
        found.append((cell, [o for o, _ in needed], needed[0][1]))
    return found, [o for o in failed if id(o) not in explained]
