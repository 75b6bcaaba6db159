"""The benchmark's picture: exposure per strategy, and the errors each one makes.

One row per scenario. Left, every exposed stock drop of every run as a point on a log scale of
world seconds (hollow: still unshown when the scenario ended, so a lower bound), with the
median marked: how long a channel could still sell stock that was gone. Right, per 10,000
units demanded, units oversold and units turned away while the warehouse had them, stacked,
so the bar's height is the sum a strategy is judged on.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from benchmarks.oversell.figures import Figures

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "images" / "oversell.png"
OVERSOLD, TURNED_AWAY = "#c0392b", "#e6a23c"


def draw(results: Sequence[Figures], path: Path) -> None:
    scenarios = list(dict.fromkeys(f.scenario for f in results))
    strategies = list(dict.fromkeys(f.strategy for f in results))
    by_cell: dict[tuple[str, str], list[Figures]] = defaultdict(list)
    for figures in results:
        by_cell[figures.scenario, figures.strategy].append(figures)
    rows = len(scenarios)
    # A bare Figure draws to a file without pyplot's global state or a screen backend.
    figure = Figure(figsize=(13, 3.2 * rows))
    axes = figure.subplots(rows, 2, squeeze=False, gridspec_kw={"width_ratios": [3, 2]})
    jitter = random.Random(0)
    for row, scenario in enumerate(scenarios):
        left, right = axes[row]
        for position, strategy in enumerate(strategies):
            repeats = by_cell[scenario, strategy]
            timed = [max(v, 0.5) for f in repeats for v in f.exposure.timed]
            still = [max(v, 0.5) for f in repeats for v in f.exposure.open]
            spread = [position + jitter.uniform(-0.25, 0.25) for _ in timed]
            left.scatter(timed, spread, s=9, alpha=0.5, color="#2c6fbb", linewidths=0)
            spread = [position + jitter.uniform(-0.25, 0.25) for _ in still]
            left.scatter(still, spread, s=12, facecolors="none", edgecolors="#2c6fbb")
            if repeats:
                median = [f.exposure.percentile(0.5)[0] for f in repeats]
                if not any(math.isnan(m) for m in median):
                    value = sorted(median)[len(median) // 2]
                    left.plot([max(value, 0.5)] * 2, [position - 0.35, position + 0.35], "k-")
            oversold = _mean([f.oversold_per_10k for f in repeats])
            turned = _mean([f.unsold_per_10k for f in repeats])
            right.barh(position, oversold, color=OVERSOLD)
            right.barh(position, turned, left=oversold, color=TURNED_AWAY)
            right.text(oversold + turned, position, f" {oversold + turned:,.0f}", va="center")
        left.set_xscale("log")
        left.set_xlim(0.4, 7200)
        left.set_yticks(range(len(strategies)), strategies)
        left.set_title(f"{scenario}: exposure of each stock drop (world seconds)", fontsize=10)
        left.grid(axis="x", which="major", alpha=0.3)
        right.set_yticks(range(len(strategies)), [""] * len(strategies))
        right.set_title("per 10,000 units demanded", fontsize=10)
        right.grid(axis="x", alpha=0.3)
        right.margins(x=0.2)
    axes[0][1].legend(
        handles=[
            Rectangle((0, 0), 1, 1, color=OVERSOLD),
            Rectangle((0, 0), 1, 1, color=TURNED_AWAY),
        ],
        labels=["oversold", "turned away, in stock"],
        loc="lower right",
        fontsize=8,
    )
    figure.text(
        0.01,
        0.005,
        "points: every exposed drop of every run (hollow: still open at the end, a lower bound); "
        "black tick: the median (of the runs' medians)",
        fontsize=8,
    )
    figure.tight_layout(rect=(0, 0.02, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)


def _mean(values: list[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return sum(finite) / len(finite) if finite else 0.0
