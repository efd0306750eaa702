"""The sync engine: streams, cursors, idempotent writes through entity links."""
