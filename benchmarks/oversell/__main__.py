"""`python -m benchmarks.oversell`: every scenario, every strategy, one table. Never pass/fail."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from benchmarks.oversell import report
from benchmarks.oversell.figures import Figures
from benchmarks.oversell.run import run_strategy
from benchmarks.oversell.scenarios import Scenario
from benchmarks.oversell.strategies import Strategy
from benchmarks.oversell.strategies.interval_sync import IntervalStockSync
from benchmarks.oversell.strategies.no_sync import NoSync
from benchmarks.oversell.strategies.tributary import Tributary, bootstrap


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
    return parser.parse_args()


def main() -> None:
    options = arguments()
    scenario_list = [
        Scenario("normal", options.normal_hours),
        Scenario("flash_sale", options.sale_hours, sale=True),
        Scenario("restock_mid_sale", options.sale_hours, sale=True, restock_mid_sale=True),
    ]
    started = time.perf_counter()
    print(f"bootstrapping Tributary's warehouse (seed {options.seed}, {options.scale})", flush=True)
    bootstrapped = bootstrap(options.seed, options.scale)
    strategies: list[Callable[[], Strategy]] = [
        NoSync,
        IntervalStockSync,
        lambda: Tributary(bootstrapped),
    ]
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
        print(f"\nTributary over {len(runs)} runs (min-max):")
        print(report.spread(runs, "Tributary"))
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
