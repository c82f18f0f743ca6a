"""Parties: the customers and suppliers the books and documents refer to (issue 4 extends it)."""
