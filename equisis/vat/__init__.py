"""VAT: the one tax engine (tax.py), the periodic return, the listings and their Intervat XML."""
