"""Live view: incident-bound tickets and the snapshot / MJPEG relay (frames never decoded)."""
