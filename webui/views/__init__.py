"""Read models of the web pages: read-only queries on the projection tables, never a workflow load.

They sit beside `engine.runtime.queries` for what the pages need and the engine does not offer yet
(inbox filters and paging, timelines with people's names, colleagues to delegate to).
"""
