"""Calls become incidents: lifecycle, location history, re-ranking, retention."""
