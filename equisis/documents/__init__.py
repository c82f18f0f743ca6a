"""Documents: the PDF base of business documents, the archive of every generated document, attachments, mail.

* :mod:`equisis.documents.pdf` — ``BusinessDocument`` (fpdf2, A4, DejaVu, letterhead, footer, lines table);
* :mod:`equisis.documents.service` — ``archive_document``, ``read_document``, attachments,
  ``check_documents``;
* :mod:`equisis.documents.mail` — ``send_mail`` through the company's SMTP server;
* :mod:`equisis.documents.rules` — the pure rules (safe names, accepted file types, formatting,
  mail settings).

No Flask here: views call the service functions.
"""
