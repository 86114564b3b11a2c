"""The consistency checks, registered by code (see ``registry``).

Importing this package registers every check: A1xx (arithmetic) and L2xx (logic).
"""

from scoring.checks import arithmetic, logic  # noqa: F401  (registration)
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
