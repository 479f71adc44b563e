"""Resident-facing texts (a reviewed catalogue per language) and the table of supported languages."""
