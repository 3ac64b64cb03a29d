"""Catalog pages, one module per topic: datasets, distributions, organizations."""
