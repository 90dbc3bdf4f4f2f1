"""HTTP edge: problem+json rendering and shared dependencies."""
