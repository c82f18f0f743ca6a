"""The point of sale: the till, cash sessions, payments, tickets, vouchers and loyalty."""
