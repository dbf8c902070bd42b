"""Gouvernance: contribution accounting and cooperative governance for PTCE and SCIC."""

__version__ = "0.1.0"
