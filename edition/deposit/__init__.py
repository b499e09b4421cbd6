"""Deposit packages: a BagIt bag with the TEI, schemas, a teiCorpus and repository metadata.

Modules: ``metadata`` (teiHeader → record), ``dublincore`` (oai_dc),
``datacite`` (DataCite XML), ``citation_cff``, ``corpus`` (teiCorpus),
``readiness`` (deposit-ready Schematron), ``bag`` (BagIt, zip, check) and
``package`` (assembles them: ``write_deposit``, ``check_deposit``). Diagnostics: D6xx;
deposit-ready rules V450-<id>.

Nothing is imported here: the site build reads headers with ``metadata`` and should
not load the packaging code with it.
"""
