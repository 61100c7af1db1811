"""Demo data: the fixtures' small organisation (`seed_organisation`), the whole organisation of the five
seed plans (`seed_seed_organisation`) and cases in flight under each plan (`seed`, used by `tdkt demo`)."""

from engine.demo.base import DEMO_PASSWORD, PEOPLE, UNITS, seed_organisation
from engine.demo.cases import seed
from engine.demo.organisation import seed_seed_organisation

__all__ = ["DEMO_PASSWORD", "PEOPLE", "UNITS", "seed", "seed_organisation", "seed_seed_organisation"]
