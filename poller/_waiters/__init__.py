"""The public waiters: one module per resource, each a thin call into the engine."""
