"""The CKAN Action API v3 (``/api/3/action/{name}``), so that CKAN's clients and harvesters work
against Townsquare unmodified: ``errors`` (CKAN's error bodies), ``params`` (its parameters as
clients send them), ``queries`` (``q``, ``fq`` and ``sort`` of ``package_search``), ``dicts``
(the package, resource, organization and group dicts), ``actions`` (one function per action)."""
