"""The reward registry: who received which title or commendation, by which decision, and the discipline
and complaint records that put a candidate on hold. Modules: titles (catalogue), subjects (who a record
is about), awards, discipline, history (counting consecutive years), access (who may read and write),
spreadsheet and importer (past rewards from .xlsx)."""
