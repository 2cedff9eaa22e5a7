"""Pieces the apps share — quarters, form widgets, export helpers, bounded archive reads.

A plain library, not an app: it has no tables and imports no domain app (only Django, the
standard library, `workflow` and `portal.clock`), so every app may stand on it.
"""
