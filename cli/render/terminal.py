"""Text bound for a terminal: one line, with no character that moves the cursor, colours or reorders it.

File names, keys and cell texts come from the inputs, and a hostile one
(``\\n`` to forge a line, ``ESC[2J`` to clear the screen, U+202E to show
text backwards) must not reach the terminal as it is: every message and
every cell of a table is written through :func:`one_line`.
"""

from __future__ import annotations

import re

# C0 and C1 controls (newline, carriage return, ESC …), line and paragraph separators, bidi overrides
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    """``text`` as one line of a terminal: every control character written as an escape (``\\n``, ``\\x1b``)."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        code = ord(char)
        return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")

    return _CONTROL.sub(escape, text)
