"""Users, roles, passwords, PINs and API tokens of a company."""
