"""Vetted source texts: front matter, OCR repair, ingestion and passage splitting."""
