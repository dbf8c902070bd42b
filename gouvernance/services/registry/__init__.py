"""The register of members: creating and changing records, importing and exporting files."""
