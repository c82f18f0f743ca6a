"""Purchase invoices and credit notes received: entry, VAT by the one tax engine, posting to ACH/ANC."""
