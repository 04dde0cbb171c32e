"""The sync engine: per-shop cursors, the outbox relay, retries, leadership."""
