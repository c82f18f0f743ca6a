"""Documents: PDF base, archive of every generated document, attachments, mail."""
