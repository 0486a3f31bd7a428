"""The scale benchmark (issue 11): N tenants of the real application in a database of its
own, each figure of the issue measured against its target (``manage.py bench``).

``harness`` runs it, ``database`` owns the throw-away database, ``population`` makes the
tenants and their data, and each figure lives in its own module (``onboarding``,
``migrations``, ``routing``, ``pages``, ``reporting``, ``operations``) as functions that
take the ``Bench`` and return ``Figure`` rows, so figures can be added without touching
the rest.
"""
