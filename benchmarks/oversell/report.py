"""The table: one row per scenario and strategy, and the spread of repeated runs."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from benchmarks.oversell.figures import CHANNELS, Exposure, Figures


def seconds(value: tuple[float, bool]) -> str:
    number, lower_bound = value
    if math.isnan(number):
        return "-"
    return f"{'>' if lower_bound else ''}{number:,.0f}"


def per_10k(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.0f}"


def percentiles(exposure: Exposure) -> str:
    return "/".join(seconds(exposure.percentile(p)) for p in (0.5, 0.95, 1.0))


def row(figures: Figures) -> str:
    latency = percentiles(figures.exposure)
    mapped = percentiles(figures.exposure_mapped)
    behind = figures.exposure.count - figures.exposure_mapped.count
    calls = " ".join(f"{figures.calls[c]}({figures.budget_share[c]:.1%})" for c in CHANNELS)
    return (
        f"| {figures.scenario} | {figures.strategy} | {figures.units_demanded:,} "
        f"| {figures.units_sold:,} | {figures.oversold_units:,} | {figures.unsold_in_stock:,} "
        f"| {per_10k(figures.oversold_per_10k)} | {per_10k(figures.unsold_per_10k)} "
        f"| {per_10k(figures.errors_per_10k)} | {figures.exposure.count} | {latency} "
        f"| {behind} | {mapped} | {calls} |"
    )


HEADER = (
    "| scenario | strategy | units demanded | units sold | oversold units "
    "| turned away, in stock | oversold / 10k demanded | turned away / 10k demanded "
    "| sum / 10k demanded | drops exposed | exposure p50/p95/max (world s) "
    "| of them behind an unmapped sale | exposure without those p50/p95/max (world s) "
    "| API calls (share of budget): shopify amazon tiktok_shop 3PL |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|"
)


def table(results: Sequence[Figures]) -> str:
    return "\n".join([HEADER, *(row(f) for f in results)])


def actions(results: Sequence[Figures]) -> str:
    return "\n".join(
        f"  {f.scenario} / {f.strategy}: {f.actions}; {f.real_seconds:.0f} s real" for f in results
    )


def span(values: Sequence[float], unit: str = "") -> str:
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return "-"
    low, high = min(finite), max(finite)
    return f"{low:,.0f}{unit}" if round(low) == round(high) else f"{low:,.0f}-{high:,.0f}{unit}"


def spread(runs: Sequence[Sequence[Figures]]) -> str:
    """Min-max of every strategy's headline figures over repeated runs, per scenario."""
    grouped: dict[tuple[str, str], list[Figures]] = defaultdict(list)
    for results in runs:
        for figures in results:
            grouped[figures.scenario, figures.strategy].append(figures)
    lines = []
    for (scenario, strategy), repeats in grouped.items():
        lines.append(
            f"  {scenario} / {strategy}: "
            f"oversold/10k {span([f.oversold_per_10k for f in repeats])}, "
            f"turned away/10k {span([f.unsold_per_10k for f in repeats])}, "
            f"sum/10k {span([f.errors_per_10k for f in repeats])}, "
            f"exposure p50 {span([f.exposure.percentile(0.5)[0] for f in repeats], ' s')}, "
            f"p95 {span([f.exposure.percentile(0.95)[0] for f in repeats], ' s')}, "
            f"p95 without unmapped sales "
            f"{span([f.exposure_mapped.percentile(0.95)[0] for f in repeats], ' s')}, "
            f"calls {span([sum(f.calls.values()) for f in repeats])}"
        )
    return "\n".join(lines)
