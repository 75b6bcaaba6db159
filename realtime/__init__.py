"""The fast path: a receiver that stores every channel's sale signal before acknowledging it,
and a reactor that turns those signals into stock pushes within seconds.

The batch graph stays the source of truth and reconciles this package's state at every
refresh; see ../shared/REALTIME.md and DESIGN.md, "The fast path".
"""
