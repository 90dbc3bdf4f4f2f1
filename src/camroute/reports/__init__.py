"""Reports for the public and for auditors, built from the audit chain (no personal data)."""
