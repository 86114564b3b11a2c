"""Tables: a grid of cells (or a canonical document) → assessments.

The template layouts (:mod:`.layout` with its indicator and budget blocks),
the flat exports (:mod:`.flat`), the canonical YAML/JSON (:mod:`.canonical`),
and the readers of single cells they share (:mod:`.cells`).
"""
