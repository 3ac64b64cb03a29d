"""Interoperability: the surfaces other tools already speak — the CKAN Action API (``ckan``)."""
