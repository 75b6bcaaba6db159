"""`python -m benchmarks.oversell`: every scenario, every strategy, one table. Never pass/fail."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.oversell import picture, report
from benchmarks.oversell.figures import Figures
from benchmarks.oversell.run import run_strategy
from benchmarks.oversell.scenarios import Scenario
from benchmarks.oversell.strategies import Strategy
from benchmarks.oversell.strategies.interval_sync import IntervalStockSync
from benchmarks.oversell.strategies.no_sync import NoSync
from benchmarks.oversell.strategies.tributary import Tributary, bootstrap
from benchmarks.oversell.strategies.tributary_realtime import TributaryRealtime

STRATEGIES = ("no_sync", "interval_sync", "tributary", "tributary_realtime")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.oversell", description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", default="small")
    parser.add_argument(
        "--demand-factor",
        type=float,
        default=60.0,
        help="every storefront's usual order rate times this (the small world's history is a "
        "shop of ~22 orders a day; x60 is a brand of ~1,300 a day, whose low-stock SKUs run "
        "out within hours)",
    )
    parser.add_argument("--normal-hours", type=float, default=1.0)
    parser.add_argument("--sale-hours", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1, help="runs of everything, for the spread")
    parser.add_argument(
        "--strategies",
        default=",".join(STRATEGIES),
        help=f"comma-separated, from {', '.join(STRATEGIES)}",
    )
    parser.add_argument(
        "--scenarios", default="normal,flash_sale,restock_mid_sale", help="comma-separated"
    )
    parser.add_argument(
        "--picture",
        type=Path,
        default=picture.DEFAULT_PATH,
        help="where to write the PNG of exposure and errors per strategy",
    )
    return parser.parse_args()


def main() -> None:
    options = arguments()
    chosen = [name for name in options.scenarios.split(",") if name]
    scenario_list = [
        scenario
        for scenario in (
            Scenario("normal", options.normal_hours),
            Scenario("flash_sale", options.sale_hours, sale=True),
            Scenario("restock_mid_sale", options.sale_hours, sale=True, restock_mid_sale=True),
        )
        if scenario.name in chosen
    ]
    names = [name for name in options.strategies.split(",") if name]
    unknown = sorted(set(names) - set(STRATEGIES))
    if unknown:
        raise SystemExit(f"unknown strategies {unknown}; choose from {', '.join(STRATEGIES)}")
    started = time.perf_counter()
    bootstrapped = Path()
    if {"tributary", "tributary_realtime"} & set(names):
        print(f"bootstrapping Tributary's warehouse (seed {options.seed}, {options.scale})")
        bootstrapped = bootstrap(options.seed, options.scale)
    makers: dict[str, Callable[[], Strategy]] = {
        "no_sync": NoSync,
        "interval_sync": IntervalStockSync,
        "tributary": lambda: Tributary(bootstrapped),
        "tributary_realtime": lambda: TributaryRealtime(bootstrapped),
    }
    strategies = [makers[name] for name in STRATEGIES if name in names]
    runs: list[list[Figures]] = []
    for repeat in range(options.repeat):
        results: list[Figures] = []
        for scenario in scenario_list:
            for make in strategies:
                figures = run_strategy(
                    scenario, make, options.seed, options.scale, options.demand_factor
                )
                print(f"  run {repeat + 1}: {report.row(figures)}", flush=True)
                results.append(figures)
        runs.append(results)
    print()
    for scenario in scenario_list:
        print(f"{scenario.name}: {scenario.describe()}")
    print(f"demand x{options.demand_factor:g} the world's usual rate; seed {options.seed}\n")
    print(report.table(runs[-1]))
    print("\nwhat each strategy did (last run):")
    print(report.actions(runs[-1]))
    if len(runs) > 1:
        print(f"\nover {len(runs)} runs (min-max):")
        print(report.spread(runs))
    picture.draw([figures for results in runs for figures in results], options.picture)
    print(f"\npicture: {options.picture}")
    print(f"{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
