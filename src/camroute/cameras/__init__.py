"""Camera registry: the camera model, field of view, importers, store, API and CLI."""
