"""Kept so ``from xlsheet.rollup import rollup`` goes on working: the roll-up lives in :mod:`xlsheet.county`."""
from .county import *  # noqa: F401,F403
from .county import __all__  # noqa: F401
