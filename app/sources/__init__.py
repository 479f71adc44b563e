"""Staff add and refresh authority sources: drafts (extracted, previewed, approved, published) and source checks.

Nothing here is served to residents: a draft reaches them only when an administrator approves it, which writes
corpus/<id>.md and rebuilds the index (docs/adr/0011-sources.md).
"""
