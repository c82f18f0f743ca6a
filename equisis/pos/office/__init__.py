"""The till's back-office settings screens: the tills (name, stock place, cash journal, receipt printer) and
the till invoices (one ticket invoiced at once, or a customer's month) with their PDFs."""
