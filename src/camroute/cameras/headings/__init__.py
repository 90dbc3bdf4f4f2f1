"""Heading suggestions for cameras without one, from the street network around them."""
