"""YAML as people write it in tables and rule sets: numbers as written, bounded work, no surprises.

PyYAML follows YAML 1.1, where ``010`` is the octal 8, ``1:30`` the
sexagesimal 90 and ``2020-02-30`` a date that crashes the constructor.  A
weight of 010 means 10 and 1:30 is text, as YAML 1.2 says, so the loaders
here resolve numbers the YAML 1.2 way (decimal integers, decimal floats as
:class:`~decimal.Decimal` in the precision written) and leave dates as text.

Aliases (``*a``) let a few hundred bytes stand for billions of nodes
(billion laughs); :func:`expanded_size` measures what a document would
expand to, in time linear in its size, so a loader can refuse it first.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from indicators.limits import MAX_EXPANDED_NODES

LONG_INTEGER = 30  # digits: longer integers are read as Decimal (the model then refuses them as out of range)

_INT_TAG, _FLOAT_TAG, _TIMESTAMP_TAG = (f"tag:yaml.org,2002:{t}" for t in ("int", "float", "timestamp"))
_INT = re.compile(r"^[-+]?[0-9][0-9_]*$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    digits = text.lstrip("+-")
    return Decimal(text) if len(digits) > LONG_INTEGER else int(text, 10)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return loader.construct_yaml_float(node)  # .inf, .nan: floats the model refuses by name


def yaml12(loader: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """Make a SafeLoader subclass resolve numbers as YAML 1.2 does and read dates as text."""
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_INT_TAG, _FLOAT_TAG, _TIMESTAMP_TAG)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(_INT_TAG, _INT, list("-+0123456789"))
    loader.add_implicit_resolver(_FLOAT_TAG, _FLOAT, list("-+0123456789."))
    loader.add_constructor(_INT_TAG, _construct_int)
    loader.add_constructor(_FLOAT_TAG, _construct_decimal)
    return loader


def expanded_size(node: yaml.Node, limit: int = MAX_EXPANDED_NODES) -> int:
    """How many nodes the document stands for once every alias is expanded (stops counting past ``limit``).

    A node reached through several aliases counts each time, as a reader
    walking the loaded data would meet it; each distinct node is measured
    once, so the work is linear in the file, whatever the aliases multiply.
    """
    sizes: dict[int, int] = {}

    def size(current: yaml.Node, depth: int = 0) -> int:
        known = sizes.get(id(current))
        if known is not None:
            return known
        if depth > 500:
            return limit + 1  # nesting this deep is no table
        sizes[id(current)] = limit + 1  # a node inside itself (an alias loop) is unbounded
        total = 1
        if isinstance(current, yaml.MappingNode):
            children = [child for pair in current.value for child in pair]
        elif isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        else:
            children = []
        for child in children:
            total += size(child, depth + 1)
            if total > limit:
                break
        sizes[id(current)] = min(total, limit + 1)
        return sizes[id(current)]

    return size(node)
