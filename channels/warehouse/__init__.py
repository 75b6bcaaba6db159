"""3PL/WMS client (the contract in sandbox/warehouse/API.md): items, stock, shipments."""

from channels.warehouse.client import WarehouseClient, WarehouseConfig

__all__ = ["WarehouseClient", "WarehouseConfig"]
