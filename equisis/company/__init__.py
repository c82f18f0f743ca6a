"""The company itself: its identity, address, bank account, language, VAT filing and fiscal year."""
