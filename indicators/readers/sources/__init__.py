"""Sources: bytes → a grid of cell texts with their places (line, sheet row, sheet name).

Nothing here knows what a self-assessment is: :mod:`~indicators.readers.tables`
reads the grids, :mod:`~indicators.readers.detect` chooses who reads what.
"""
