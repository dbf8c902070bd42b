"""Storage: SQLAlchemy 2 tables, imperative mapping, repositories and the unit of work.

The only package that imports SQLAlchemy; the domain classes stay plain dataclasses.
"""
