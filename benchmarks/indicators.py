"""Median time of the indicators page (and the dashboard) at 100,000 candidates, against the 300 ms
budget.

Usage: python benchmarks/indicators.py [--candidates N] [--runs N] [--database-url URL]
Without --database-url it works in a temporary SQLite file.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.panel import run_pages

BUDGET_MS = 300
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
}


if __name__ == "__main__":
    run_pages(__doc__, BUDGET_MS, PAGES)
