"""The general ledger to Belgian standards: chart (PCMN), journals, fiscal years, posting, reconciliation.

Other modules post through :mod:`equisis.ledger.service` (``post_entry``);
nothing writes ledger tables directly.
"""
