"""Demo data: accounts for every role and a deterministic, realistic caseload.

``ensure_demo_accounts(engine)`` creates the demo users; ``load_demo(engine, cases=..., seed=...)``
generates a caseload following the published figures (DOMAIN.md §6, §8.3) and bulk-inserts it;
``generate(cases, seed, as_of)`` is the pure generator behind it.

Imports the core and every stage; nothing but the command line imports it.
"""

from workbench.demo.accounts import DEMO_ACCOUNTS, DemoAccount, ensure_demo_accounts
from workbench.demo.generator import generate
from workbench.demo.loader import DemoSummary, load_demo
from workbench.demo.records import DemoActors, GeneratedData

__all__ = [
    "DEMO_ACCOUNTS",
    "DemoAccount",
    "DemoActors",
    "DemoSummary",
    "GeneratedData",
    "ensure_demo_accounts",
    "generate",
    "load_demo",
]
