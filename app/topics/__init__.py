"""Resident topics: what residents ask, which texts answer it, and who answers it when they do not."""
