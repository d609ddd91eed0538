"""Every table of the product, in one place: importing this module registers all model
modules on `Base.metadata`. Alembic (migrations/env.py) and the schema tests use it."""

import stokvel.id_numbers  # noqa: F401  (members' optional ID numbers)
import stokvel.links  # noqa: F401  (single-use personal links)
import stokvel.models  # noqa: F401  (the domain: members, stokvels, ledger, grants, ...)
import stokvel.notify.models  # noqa: F401  (messaging window, dedup, delivery statuses)
import stokvel.settlement  # noqa: F401  (settlement bookkeeping)
from stokvel.db import Base

metadata = Base.metadata
