"""The catalog: items, families, units, barcodes, eco-fees, kits and price lists (issue 4)."""
