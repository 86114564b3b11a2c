"""The consistency checks, registered by code (see ``registry``).

Importing this package registers every check: A1xx (arithmetic), L2xx (logic),
X3xx (the disclosure around the tables) and D4xx (how targets are set: drafts).
"""

from scoring.checks import accounts, arithmetic, disclosure, drafting, logic  # noqa: F401  (registration)
from scoring.checks.registry import (
    CHECKS,
    INTERNAL_ERROR,
    Check,
    DocumentContext,
    at_or_above,
    run_checks,
    run_document_checks,
    selected_checks,
)

__all__ = [
    "CHECKS",
    "INTERNAL_ERROR",
    "Check",
    "DocumentContext",
    "at_or_above",
    "run_checks",
    "run_document_checks",
    "selected_checks",
]
