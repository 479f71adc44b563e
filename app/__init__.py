"""Källa: cited answers about voluntary return from Sweden, only from vetted authority texts."""
