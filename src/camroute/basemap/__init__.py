"""The city basemap: OSM extracts and GIS layers imported once, served as vector tiles."""
