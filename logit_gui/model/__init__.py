"""Everything the app needs that is not drawing — Qt-free (a test proves it).

Settings (with each panel's display options and a schema version), the
pipeline that builds a run's inputs from them (shared by the app, ``train``
and ``render``), a run and its history, the trainer process and the messages
it exchanges with the window, and each panel's pure per-frame computation.
"""
