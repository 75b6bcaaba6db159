"""The oversell benchmark: what Tributary prevents, measured the same way as the alternatives.

Every scenario runs each strategy on its own sandbox built from the same seed, so the worlds and
the shoppers' arrivals (drawn per storefront per world minute from the seed) are identical; only
what the channels display, which is what a strategy changes, differs. See benchmarks/README.md.

    uv run python -m benchmarks.oversell
"""
