"""Users, roles, API keys and login tokens; ``deps`` guards every protected route."""
