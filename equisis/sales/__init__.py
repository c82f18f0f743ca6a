"""Sales: invoices and credit notes, their PDF and mail, statistics (issue 4)."""
