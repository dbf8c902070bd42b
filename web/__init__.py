"""The French web application: server-rendered pages for the people who are not programmers.

A shell beside ``api`` and ``gouvernance.cli``, over the same services: it imports neither of
them. ``gouvernance.server`` mounts it at ``/`` in the process that serves the API.
"""
