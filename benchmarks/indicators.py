"""The indicators page (and the dashboard) against their budgets (DESIGN.md): ≤ 100 ms at
100,000 candidates, ≤ 150 ms at 1,000,000 (above 100,000 the larger budget applies); admin and
coordinator (scoped) alike.

Usage: python benchmarks/indicators.py [--candidates N] [--runs N] [--database-url URL]
    [--summary FILE]
Without --database-url it works in a temporary SQLite file. Exits 1 when a budget is missed.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.panel import arguments, run_pages

PAGES = {
    "indicators, admin (all départements)": ("admin", "/admin/indicators/"),
    "indicators, coordinator of 33 and 24": ("coordinator", "/admin/indicators/"),
    "indicators, 33, one cohort": ("admin", "/admin/indicators/?departement=33&cohorte=2025-09"),
    "indicators, one year's period": (
        "admin",
        "/admin/indicators/?debut=2025-03-16&fin=2026-03-16",
    ),
    "indicators CSV export, admin": ("admin", "/admin/indicators/export.csv"),
    "dashboard, admin": ("admin", "/admin/"),
    "dashboard, coordinator of 33 and 24": ("coordinator", "/admin/"),
}


def budget_ms(candidates: int) -> float:
    return 100 if candidates <= 100_000 else 150


if __name__ == "__main__":
    budget = budget_ms(arguments(__doc__).candidates)
    run_pages("indicators", __doc__, {label: (*page, budget) for label, page in PAGES.items()})
