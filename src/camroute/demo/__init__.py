"""The one-command demo: real city data, simulated cameras and calls (``camroute demo``)."""
