"""Documents: a whole disclosure (or workbook) — where its self-assessment tables stand, its 决算 tables, its claims."""
