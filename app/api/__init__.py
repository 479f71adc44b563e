"""HTTP layer: routes, request/response schemas, dependencies."""
