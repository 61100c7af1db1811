"""Plans (kế hoạch) as data: the timeline importer (timeline.py, pure), plan documents (spec.py),
the database side (repository.py) and JSON views (views.py).

Instants follow one convention (instants.py): a due is an exclusive end at local midnight, so
"Trước ngày 11/11/2023" and "hết ngày 10/11/2023" are both 2023-11-11T00:00+07:00.
"""
