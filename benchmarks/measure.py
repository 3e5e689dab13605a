"""What every benchmark shares: requests made as production makes them, figures against the
design's budgets (DESIGN.md), the verdict printed, and the JSON summary `make bench` gathers.

A request runs in a context of its own, as under a WSGI server: its own `g`, its own database
session and transaction (ended when the request ends), its own Flask-Login user loaded from the
session cookie. Pushing one app context around many requests would share all three: the first
request's user would serve every later one, and a single transaction would stay open.
"""

import contextvars
import json
import statistics
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from flask.testing import FlaskClient


class ProductionClient(FlaskClient):
    """A test client whose every request runs in a context of its own."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


def p95(timings: list[float]) -> float:
    if len(timings) < 2:
        return timings[0]
    return statistics.quantiles(timings, n=20, method="inclusive")[-1]


@dataclass
class Figure:
    """One measured thing and its budgets (milliseconds; None: no budget of that kind)."""

    label: str
    median: float
    p95: float
    max: float
    median_budget: float | None = None
    p95_budget: float | None = None
    max_budget: float | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def of(cls, label: str, timings: list[float], **budgets) -> "Figure":
        return cls(label, statistics.median(timings), p95(timings), max(timings), **budgets)

    @property
    def misses(self) -> list[str]:
        """What is over budget, in words; empty when every budget is met."""
        over = []
        for name in ("median", "p95", "max"):
            budget = getattr(self, f"{name}_budget")
            if budget is not None and getattr(self, name) > budget:
                over.append(f"{name} {getattr(self, name):.1f} ms > {budget:g} ms")
        over += self.extra.get("misses", [])
        return over


class Report:
    """The figures of one benchmark run, printed as they come, then the verdict."""

    def __init__(self, benchmark: str, backend: str, sizes: dict):
        self.benchmark = benchmark
        self.backend = backend
        self.sizes = sizes
        self.figures: list[Figure] = []

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        budgets = ", ".join(
            f"{name} ≤ {getattr(figure, f'{name}_budget'):g}"
            for name in ("median", "p95", "max")
            if getattr(figure, f"{name}_budget") is not None
        )
        verdict = "ok" if not figure.misses else "OVER: " + "; ".join(figure.misses)
        print(
            f"{figure.label:<40} median {figure.median:7.1f} ms  p95 {figure.p95:7.1f} ms  "
            f"max {figure.max:7.1f} ms  [{budgets}] {verdict}",
            flush=True,
        )
        return figure

    @property
    def met(self) -> bool:
        return all(not figure.misses for figure in self.figures)

    def finish(self, summary: str | None) -> None:
        """Print the verdict, write the summary when asked, exit 1 when a budget is missed."""
        missed = [figure.label for figure in self.figures if figure.misses]
        if missed:
            print(f"\n{self.benchmark} ({self.backend}): budget MISSED by {', '.join(missed)}")
        else:
            print(f"\n{self.benchmark} ({self.backend}): every budget met")
        if summary:
            Path(summary).write_text(
                json.dumps(
                    {
                        "benchmark": self.benchmark,
                        "backend": self.backend,
                        "sizes": self.sizes,
                        "met": self.met,
                        "figures": [
                            {**asdict(figure), "misses": figure.misses} for figure in self.figures
                        ],
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
        sys.exit(0 if self.met else 1)
