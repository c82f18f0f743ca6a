"""Stock: warehouses, locations, moves, lots and serials, valuation, inventories, WebScan (issue 5)."""
