"""The append-only, hash-chained audit log: record, verify, query."""
