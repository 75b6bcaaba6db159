"""Reverse ETL: push each listing's reconciled stock target back to its channel.

plan (inventory_push_targets -> the listings whose target differs from what the channel
shows) -> guard (block the whole push on a suspicious plan) -> write (absolute quantities,
through `channels/`, inside the shared rate budgets) -> read back (what each channel now
shows) -> ledger (every intent and outcome, in the warehouse).
"""
