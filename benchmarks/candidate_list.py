"""Median time of the panel's candidate list at 100,000 candidates, against the 200 ms budget.

Usage: python benchmarks/candidate_list.py [--candidates N] [--runs N] [--database-url URL]
Without --database-url it works in a temporary SQLite file.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.panel import run_pages

BUDGET_MS = 200
PAGES = {
    "list, admin (all départements)": ("admin", "/admin/candidate/"),
    "list, coordinator of 33 and 24": ("coordinator", "/admin/candidate/"),
    "list, deadline filter": ("coordinator", "/admin/candidate/?flt0_5=30"),
    "list, sorted by deadline, latest first": ("coordinator", "/admin/candidate/?sort=8&desc=1"),
    "list, search by name": ("coordinator", "/admin/candidate/?search=martin"),
    "list, page 200": ("admin", "/admin/candidate/?page=200"),
}


if __name__ == "__main__":
    run_pages(__doc__, BUDGET_MS, PAGES)
