"""Protected places: zones a camera's view must not reach, or only with a supervisor's reason."""
