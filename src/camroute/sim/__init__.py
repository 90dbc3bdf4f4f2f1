"""Demo and test helpers: a camera simulator and a local-server runner. Never used in production."""
