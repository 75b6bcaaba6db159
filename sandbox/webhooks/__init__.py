"""Webhooks and notifications: what the real channels push when the world changes.

The world announces changes (`sandbox.world.signals`); `collector` turns them into channel
events, each channel module (`shopify`, `tiktok_shop`, `amazon`, `warehouse`) shapes and signs
them exactly as that channel does, and `delivery` sends them asynchronously with the channel's
deadlines, retries and any delivery faults configured. `hub` ties it together per sandbox;
`control` serves the `/_sandbox/webhooks` routes a merchant's admin stands for.
"""
