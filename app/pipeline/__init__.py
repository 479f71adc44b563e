"""The answer pipeline: detect language → guard → retrieve → compose → localise. Knows no HTTP, no database."""
