"""Accounting reports: trial balance, ledgers, journals, partner and aged balances, NBB schemas.

* :mod:`equisis.reports.service` — build each report for any date range (``trial_balance``,
  ``general_ledger``, ``journal_report``, ``partner_balance``, ``partner_ledger``,
  ``aged_balance``, ``internal_accounts``, ``chart_of_accounts``, ``nbb_schema``);
* :mod:`equisis.reports.balances` — totals over a range from the ledger's summaries (lines
  only for partial periods at the edges), and where balances start;
* :mod:`equisis.reports.rules` — ranges, aging buckets, rubric evaluation (pure);
  :mod:`equisis.reports.values` — the reports as frozen values;
* :mod:`equisis.reports.nbb` — our NBB rubric table (``data/nbb_rubrics.csv``, built by
  ``packaging/build_nbb.py``);
* :mod:`equisis.reports.layout` — each report as a sheet; :mod:`equisis.reports.pdf`,
  :mod:`equisis.reports.excel` — the sheet as PDF, xlsx or CSV;
* :mod:`equisis.reports.pack` — the accountant pack: every report, the archived documents and the
  audit log of a period in one zip with a checksum manifest;
* front ends: ``views.py`` (``/c/<slug>/reports``) and ``cli.py`` (``equisis report …``,
  ``equisis accountant-pack``).
"""
