"""The answer log: every answer (question redacted) with its citations, timings and later feedback."""
