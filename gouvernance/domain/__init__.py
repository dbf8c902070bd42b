"""The domain core: plain Python, no database and no web framework."""
