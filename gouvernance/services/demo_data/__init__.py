"""The demonstration organisation, loaded from data."""
