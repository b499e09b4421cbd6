"""Deposit packages: a BagIt bag with the TEI, schemas, a teiCorpus and repository metadata.

Modules: ``metadata`` (teiHeader → record), ``dublincore`` (oai_dc),
``datacite`` (DataCite XML), ``citation_cff``, ``corpus`` (teiCorpus),
``readiness`` (deposit-ready Schematron), ``bag`` (BagIt, zip, check) and
``package`` (assembles them). Diagnostics: D6xx; deposit-ready rules V450-<id>.
"""

from __future__ import annotations

from edition.deposit.package import DepositResult, check_deposit, default_target, write_deposit

__all__ = ["DepositResult", "check_deposit", "default_target", "write_deposit"]
