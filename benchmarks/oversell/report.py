"""The table: one row per scenario and strategy, and the spread of repeated runs."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from benchmarks.oversell.figures import CHANNELS, Figures


def minutes(value: tuple[float, bool]) -> str:
    number, lower_bound = value
    if math.isnan(number):
        return "-"
    return f"{'>' if lower_bound else ''}{number:.0f}"


def row(figures: Figures) -> str:
    exposure = figures.exposure
    latency = "/".join(minutes(exposure.percentile(p)) for p in (0.5, 0.95, 1.0))
    calls = " ".join(f"{figures.calls[c]}({figures.budget_share[c]:.1%})" for c in CHANNELS)
    per_10k = figures.oversold_per_10k
    return (
        f"| {figures.scenario} | {figures.strategy} | {figures.units_sold:,} "
        f"| {figures.oversold_units:,} | {'-' if math.isnan(per_10k) else f'{per_10k:,.0f}'} "
        f"| {figures.unsold_in_stock:,} | {exposure.count} | {latency} | {calls} |"
    )


HEADER = (
    "| scenario | strategy | units sold | oversold units | oversold / 10k sold "
    "| unsold, in stock | drops exposed | exposure p50/p95/max (min) "
    "| API calls (share of budget): shopify amazon tiktok_shop 3PL |\n"
    "|---|---|---:|---:|---:|---:|---:|---|---|"
)


def table(results: Sequence[Figures]) -> str:
    return "\n".join([HEADER, *(row(f) for f in results)])


def actions(results: Sequence[Figures]) -> str:
    return "\n".join(
        f"  {f.scenario} / {f.strategy}: {f.actions}; {f.real_seconds:.0f} s real" for f in results
    )


def spread(runs: Sequence[Sequence[Figures]], strategy: str) -> str:
    """Min-max of one strategy's headline figures over repeated runs, per scenario."""
    by_scenario: dict[str, list[Figures]] = defaultdict(list)
    for results in runs:
        for figures in results:
            if figures.strategy == strategy:
                by_scenario[figures.scenario].append(figures)
    lines = []
    for scenario, repeats in by_scenario.items():

        def span(values: list[float], unit: str = "") -> str:
            low, high = min(values), max(values)
            return f"{low:,.0f}{unit}" if low == high else f"{low:,.0f}-{high:,.0f}{unit}"

        lines.append(
            f"  {scenario}: oversold/10k {span([f.oversold_per_10k for f in repeats])}, "
            f"oversold units {span([f.oversold_units for f in repeats])}, "
            f"unsold {span([f.unsold_in_stock for f in repeats])}, "
            f"exposure p50 {span([f.exposure.percentile(0.5)[0] for f in repeats], ' min')}, "
            f"p95 {span([f.exposure.percentile(0.95)[0] for f in repeats], ' min')}, "
            f"calls {span([sum(f.calls.values()) for f in repeats])}"
        )
    return "\n".join(lines)
