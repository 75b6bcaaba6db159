"""API clients, one package per channel: auth, signing, pagination, retries and rate budgets.

Clients import nothing of the platform (and never the sandbox): they are written from the
channels' public contracts, so a sandbox bug cannot hide a client bug. Everything a client
needs to reach a shop (base URLs, credentials, limits) comes from configuration.
"""
