"""Guards the ToolRunner enforces in code, whatever the model says: identity, confirmation, idempotency."""
