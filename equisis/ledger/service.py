"""Use cases of the general ledger: set up the books, keep the chart, journals, fiscal years and periods.

Posting, reversal, reconciliation and the year-end live in their own modules
and are re-exported here, so that a module posts with
``from equisis.ledger import service as ledger; ledger.post_entry(...)``.

Journals a new company gets (codes are the Belgian habit; each numbers its
entries per fiscal year, ``VEN/2026/00001``):

=====  ===============  ==============================================
code   kind             what goes in
=====  ===============  ==============================================
VEN    sale             sales invoices
VNC    sale_refund      credit notes issued
ACH    purchase         purchase invoices
ANC    purchase_refund  credit notes received
BNK1   bank             the company's bank account (account 550001 + IBAN);
                        BNK2 … for more accounts (550002 …)
CSH1   cash             the cash desk (account 570001); CSH2 … for more tills
OD     misc             miscellaneous operations (opérations diverses)
OUV    opening          opening entries: the balances carried into a year
CLO    closing          year-end closing: the result appropriated to 14
=====  ===============  ==============================================

Settings (company settings, audited): ``ledger.chart_model`` (full, abbr,
micro or asso; unset, it follows the legal form: asso for an ASBL, micro
otherwise), ``ledger.lock_date`` and ``ledger.lock_date_accountant`` (see
:func:`equisis.ledger.rules.lock_date_for`).
"""
from __future__ import annotations

import contextlib
import re

from equisis.company import service as company_service
from equisis.core.i18n import LANGUAGES, N_, gettext, language
from equisis.ledger import chart, rules
from equisis.ledger.balances import account_totals, partner_totals  # noqa: F401  (re-exported)
from equisis.ledger.bulk import insert_rows
from equisis.ledger.closing import (CHART_MODEL, ClosingResult, chart_model, close_fiscal_year,  # noqa: F401
                                    reopen_fiscal_year)
from equisis.ledger.errors import (AccountExists, AccountInUse, AccountNameRequired, AccountNotFound,
                                   InvalidAccountKind, InvalidJournalAccount, InvalidJournalCode,
                                   JournalExists, JournalNotFound)
from equisis.ledger.models import Account, AccountGroup, EntryLine, Journal
from equisis.ledger.posting import (LOCK_DATE, LOCK_DATE_ACCOUNTANT, Posted, entries_of_source,  # noqa: F401
                                    entry_lines, find_entry, find_entry_by_reference, lock_dates,
                                    post_entries, post_entry, reversal_of, reverse_entry)
from equisis.ledger.reconciliation import (MatchGroupView, MatchResult, OpenItemView,  # noqa: F401
                                           match_groups, matches_of_line, open_items, open_items_at,
                                           reconcile, suggestions, unreconcile)
from equisis.ledger.rules import DraftEntry, DraftLine, line  # noqa: F401  (the drafts callers build)
from equisis.ledger.years import (create_fiscal_year, create_next_fiscal_year, find_fiscal_year,  # noqa: F401
                                  find_period, fiscal_year_of, fiscal_years, lock_period,
                                  lock_periods_for_vat_return, next_open_day, periods, set_lock_dates,
                                  unlock_period)
from equisis.store import audit
from equisis.store.database import write

JOURNAL_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,7}\Z")

STANDARD_JOURNALS = (  # code, kind, name (msgid)
    ("VEN", "sale", N_("Sales invoices")),
    ("VNC", "sale_refund", N_("Sales credit notes")),
    ("ACH", "purchase", N_("Purchase invoices")),
    ("ANC", "purchase_refund", N_("Purchase credit notes")),
    ("OD", "misc", N_("Miscellaneous operations")),
    ("OUV", "opening", N_("Opening entries")),
    ("CLO", "closing", N_("Closing entries")),
)
BANK_ACCOUNT_PREFIX, CASH_ACCOUNT_PREFIX = "5500", "5700"


# --------------------------------------------------------------------------- onboarding

def setup_books(identity) -> None:
    """Onboarding hook: the chart of the company's legal form, the journals, the first fiscal year."""
    model = chart.model_for_legal_form(identity.legal_form)
    with write():
        load_chart(model)
        with language(identity.language):
            for code, kind, name in STANDARD_JOURNALS:
                Journal.create(code=code, kind=kind, name=gettext(name))
        add_bank_journal(identity.iban, language_code=identity.language)
        add_cash_journal(language_code=identity.language)
        create_fiscal_year(identity.fiscal_year.start, identity.fiscal_year.end)
        audit.record("create", "ledger", "books",
                     after={"model": model, "accounts": Account.select().count()})


def set_chart_model(model: str) -> None:
    """Switch a company between the NBB models (full, abbr, micro; asso for associations). The chart stays."""
    if model not in chart.MODELS:
        raise ValueError(f"unknown chart model {model!r}")
    company_service.set_settings({CHART_MODEL: model})


def load_chart(model: str) -> int:
    """Insert the PCMN accounts and groups of ``model`` (full, abbr, micro, asso); returns the accounts."""
    accounts = [(a.code, a.kind, int(a.reconcilable), int(a.postable), 0, 1, a.name_fr, a.name_nl, a.name_de,
                 a.name_en) for a in chart.accounts_for(model)]
    groups = [(g.code_start, g.code_end, g.name_fr, g.name_nl, g.name_de, g.name_en)
              for g in chart.groups_for(model)]
    with write():
        insert_rows(Account, ("code", "kind", "reconcilable", "postable", "is_blocked", "is_standard",
                              "name_fr", "name_nl", "name_de", "name_en"), accounts)
        insert_rows(AccountGroup, ("code_start", "code_end", "name_fr", "name_nl", "name_de", "name_en"),
                    groups)
    return len(accounts)


# --------------------------------------------------------------------------- accounts

def find_account(code: str) -> Account:
    account = Account.get_or_none(Account.code == code)
    if account is None:
        raise AccountNotFound(account=code, field="code")
    return account


def accounts(*, include_blocked: bool = True) -> list[Account]:
    query = Account.select().order_by(Account.code)
    if not include_blocked:
        query = query.where(Account.is_blocked == False)  # noqa: E712
    return list(query)


def search_accounts(text: str, *, language: str, limit: int = 12, postable_only: bool = True) -> list[Account]:
    """The accounts an account field proposes while the user types (see rules.account_match_rank).

    Blocked accounts are left out, and so are group accounts unless ``postable_only`` is false.
    A chart holds a few hundred accounts: ranking them in Python keeps accents and word order
    out of SQL.
    """
    query = Account.select().where(Account.is_blocked == False)  # noqa: E712
    if postable_only:
        query = query.where(Account.postable == True)  # noqa: E712
    ranked = []
    for account in query:
        rank = rules.account_match_rank(text, account.code, account.name(language))
        if rank is not None:
            ranked.append((rank, account.code, account))
    ranked.sort(key=lambda item: item[:2])
    return [account for _rank, _code, account in ranked[:limit]]


def groups() -> list[AccountGroup]:
    return list(AccountGroup.select().order_by(AccountGroup.code_start))


def groups_of_account(code: str) -> list[AccountGroup]:
    """The class and sub-classes an account sits in, broadest first."""
    rows = {(g.code_start, g.code_end): g for g in AccountGroup.select()}
    found = rules.groups_of(code, [rules.Group(s, e) for s, e in rows])
    return [rows[(g.code_start, g.code_end)] for g in found]


def _names(name_fr: str, name_nl: str | None, name_de: str | None, name_en: str | None) -> dict:
    name_fr = (name_fr or "").strip()
    if not name_fr:
        raise AccountNameRequired(field="name_fr")
    return {"name_fr": name_fr, "name_nl": (name_nl or "").strip() or name_fr,
            "name_de": (name_de or "").strip() or name_fr, "name_en": (name_en or "").strip() or name_fr}


def add_account(code: str, name_fr: str, *, kind: str, name_nl: str | None = None,
                name_de: str | None = None, name_en: str | None = None, reconcilable: bool | None = None,
                postable: bool = True) -> Account:
    """A new account; a name missing in a language is the French one. Customers and suppliers reconcile."""
    code = rules.check_account_code(code)
    if kind not in rules.ACCOUNT_KINDS:
        raise InvalidAccountKind(kind, field="kind")
    names = _names(name_fr, name_nl, name_de, name_en)
    if reconcilable is None:
        reconcilable = kind in rules.PARTNER_KINDS
    with write():
        if Account.select().where(Account.code == code).exists():
            raise AccountExists(account=code, field="code")
        account = Account.create(code=code, kind=kind, postable=postable, **names,
                                 reconcilable=reconcilable or kind in rules.PARTNER_KINDS)
        audit.record("create", "account", code, after=account.snapshot())
    return account


def _is_used(account: Account) -> bool:
    return EntryLine.select().where(EntryLine.account == account.id).exists()


def update_account(code: str, **changes) -> Account:
    """Rename (name_fr … name_en), block (is_blocked) or, while unused, change kind/postable/reconcilable."""
    allowed = {"name_fr", "name_nl", "name_de", "name_en", "is_blocked", "kind", "postable", "reconcilable"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown account fields {sorted(unknown)}")
    with write():
        account = find_account(code)
        before = account.snapshot()
        structural = {k for k in ("kind", "postable", "reconcilable")
                      if k in changes and changes[k] != before[k]}
        if structural and _is_used(account):
            raise AccountInUse(account=code)
        if "kind" in changes and changes["kind"] not in rules.ACCOUNT_KINDS:
            raise InvalidAccountKind(changes["kind"], field="kind")
        for name in ("name_fr", "name_nl", "name_de", "name_en"):
            if name in changes:
                changes[name] = (changes[name] or "").strip() or account.name_fr
        if "name_fr" in changes and not changes["name_fr"]:
            raise AccountNameRequired(field="name_fr")
        for key, value in changes.items():
            setattr(account, key, value)
        account.save()
        audit.record("update", "account", code, before=before, after=account.snapshot())
    return account


def rename_account(code: str, **names) -> Account:
    return update_account(code, **{f"name_{lang}": names[lang] for lang in LANGUAGES if lang in names})


def block_account(code: str) -> Account:
    return update_account(code, is_blocked=True)


def unblock_account(code: str) -> Account:
    return update_account(code, is_blocked=False)


def delete_account(code: str) -> None:
    """Only an account that was never used may go (a database trigger refuses the others too)."""
    with write():
        account = find_account(code)
        if _is_used(account) or Journal.select().where(Journal.account == account.id).exists():
            raise AccountInUse(account=code)
        before = account.snapshot()
        account.delete_instance()
        audit.record("delete", "account", code, before=before)


# --------------------------------------------------------------------------- journals

def find_journal(code: str) -> Journal:
    journal = Journal.get_or_none(Journal.code == code)
    if journal is None:
        raise JournalNotFound(journal=code, field="journal")
    return journal


def journals(*, kind: str | None = None, active_only: bool = False) -> list[Journal]:
    query = Journal.select().order_by(Journal.code)
    if kind:
        query = query.where(Journal.kind == kind)
    if active_only:
        query = query.where(Journal.is_active == True)  # noqa: E712
    return list(query)


def add_journal(code: str, kind: str, name: str, *, account: str | None = None,
                iban: str | None = None) -> Journal:
    """A journal; bank journals hold a 55 account, cash journals a 57 account."""
    if not JOURNAL_CODE.match(code or ""):
        raise InvalidJournalCode(code, field="code")
    if kind not in rules.JOURNAL_KINDS:
        raise ValueError(f"unknown journal kind {kind!r}")
    with write():
        if Journal.select().where(Journal.code == code).exists():
            raise JournalExists(journal=code, field="code")
        money_account = find_account(account) if account else None
        prefix = {"bank": "55", "cash": "57"}.get(kind)
        if prefix and (money_account is None or not money_account.code.startswith(prefix)):
            raise InvalidJournalAccount(account=account or "-", journal=code, field="account")
        journal = Journal.create(code=code, kind=kind, name=name.strip() or code, account=money_account,
                                 iban=iban)
        audit.record("create", "journal", code, after=journal.snapshot())
    return journal


def _next_code(prefix: str, taken) -> tuple[int, str]:
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return n, f"{prefix}{n}"


def _money_account(prefix: str, n: int, kind: str, msgid: str, **params) -> Account:
    """The 55/57 account of a new bank or cash journal: 550001, 550002 … named in the four languages."""
    code = f"{prefix}{n:02d}"
    while Account.select().where(Account.code == code).exists():
        n += 1
        code = f"{prefix}{n:02d}"
    names = {}
    for lang in LANGUAGES:
        with language(lang):
            names[f"name_{lang}"] = gettext(msgid, **params)
    account = Account.create(code=code, kind=kind, reconcilable=False, postable=True, **names)
    audit.record("create", "account", code, after=account.snapshot())
    return account


def add_bank_journal(iban: str, *, name: str | None = None, language_code: str | None = None) -> Journal:
    """BNK1, BNK2 … on a new 5500nn account named after the IBAN."""
    with write():
        taken = {j.code for j in Journal.select(Journal.code)}
        n, code = _next_code("BNK", taken)
        account = _money_account(BANK_ACCOUNT_PREFIX, n, "bank", N_("Bank {iban}"), iban=_spaced(iban))
        with language(language_code) if language_code else contextlib.nullcontext():
            title = name or gettext(N_("Bank {iban}"), iban=_spaced(iban))
        return add_journal(code, "bank", title, account=account.code, iban=iban)


def add_cash_journal(*, name: str | None = None, language_code: str | None = None) -> Journal:
    """CSH1, CSH2 … on a new 5700nn account (one per cash desk)."""
    with write():
        taken = {j.code for j in Journal.select(Journal.code)}
        n, code = _next_code("CSH", taken)
        account = _money_account(CASH_ACCOUNT_PREFIX, n, "cash", N_("Cash desk {number}"), number=n)
        with language(language_code) if language_code else contextlib.nullcontext():
            title = name or gettext(N_("Cash desk {number}"), number=n)
        return add_journal(code, "cash", title, account=account.code)


def _spaced(iban: str) -> str:
    compact = (iban or "").replace(" ", "")
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def set_journal_active(code: str, active: bool) -> Journal:
    with write():
        journal = find_journal(code)
        before = journal.snapshot()
        journal.is_active = active
        journal.save()
        audit.record("update", "journal", code, before=before, after=journal.snapshot())
    return journal
