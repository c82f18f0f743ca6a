"""A year of books for the demo company, and the planner the ledger bench shares with it.

``build_books(today)`` gives Déco Lambert SRL its fiscal year from 1 January up
to ``today`` (an argument: ``build_demo`` reads the clock, nothing here does):

* 42 customers — hotels, architects, restaurants and shops of Namur, Liège,
  Gent, Brussels, Eupen…, each writing in French, Dutch or German, with a
  Belgian VAT number (mod 97, checked by python-stdnum when the party is
  created); four across the border (France, the Netherlands, Germany,
  Luxembourg: intra-Community supplies, grid 46L, no VAT); seven private
  persons without a VAT number — and 13 suppliers;
* the opening entry (OUV, 1 January): capital 100, profit brought forward 140,
  the bank loan (1730, and 4230 for this year's part), shop fittings and van
  (24), stock 340, bank and till float, last December's invoices still open
  and the fourth quarter's VAT (4512);
* sales invoices (VEN: 21 % and 6 %, grids 03 / 01, VAT 54) and credit notes
  (VNC: grids 49 / 64) collected on BNK1 and reconciled: on time, late, in two
  instalments, three invoices in one transfer, or never (and the last weeks'
  not yet: the aged balance has something to show);
* purchase invoices (ACH: goods 604 grid 81, services 61x grid 82, a shop
  fitting 24 grid 83; VAT 411 grid 59) and their payments;
* each shop day's till takings (CSH1: cash on 570001, Bancontact on 58 until
  the card acquirer pays it on BNK1 the next bank day) and the weekly cash
  deposit; monthly salaries (OD) and their payments, loan instalments and bank
  fees; the quarterly VAT returns (4512) and their payment; on 31 December,
  once ``today`` reaches it, the depreciation and the loan's next-year part.

One seeded generator draws it all: the same ``today`` gives the same books.
About 2,000 entries for a whole year, posted with ``post_entries`` in one
transaction (a second or two).

The shared machinery: a :class:`Planner` writes **events** first —
``(date, seq, journal, description, lines, register, match)`` where lines
are ``(account, debit, credit, partner, document_ref, due_date, grids)`` —
and :class:`Poster` posts them in batches and reconciles: ``register`` names
the event's first line (or, as a tuple, its first lines one by one) for
later events whose ``match`` lists those names. ``bench/ledger.py`` plans its
three-year, million-line books with the same Planner (sales and receipts,
purchases and payments, payroll, bank fees, cash deposits, VAT returns) and
posts them with the same Poster.
"""
from __future__ import annotations

import collections
import datetime as dt
import random
import time
from dataclasses import dataclass

from stdnum import luhn
from stdnum.eu import vat as eu_vat
from stdnum.iso7064 import mod_11_10

from equisis.ledger import service as ledger
from equisis.ledger.models import EntryLine
from equisis.parties import service as parties
from equisis.store.database import write

SEED = 2026
BATCH = 1000
ROLE = "accountant"

CUSTOMER, SUPPLIER, BANK, CASH, CAPITAL = "400", "440", "550001", "570001", "100"
GOODS, SERVICES, VAT_DUE, VAT_DEDUCTIBLE, VAT_ACCOUNT = "7000", "7001", "451", "411", "4512"
EU_GOODS, EU_SERVICES = "7006", "70061"
PURCHASE_GOODS = "604"
SALARIES, EMPLOYER_NSSO, NSSO, WITHHOLDING, NET_PAY = "6202", "621", "454", "453", "455"
DEPRECIATION, BANK_FEES = "6302", "657200"
EQUIPMENT, EQUIPMENT_DEPR, CARS, CARS_DEPR = "240000", "240009", "241000", "241009"
STOCK, RETAINED, LOAN, LOAN_CURRENT, INTEREST, CARD_TRANSIT = "340", "140", "1730", "4230", "6500", "58"
RENT, ENERGY, TELECOM, ACCOUNTANT, ADVERTISING, MAINTENANCE = "6100", "6125", "6162", "61320", "61652", "611"

# Entry descriptions are data, written in the company's language.
LABELS = {
    "en": {"invoice": "Invoice {ref}", "credit_note": "Credit note on {ref}", "receipt": "Payment {ref}",
           "purchase": "Purchase {ref}", "payment": "Payment {ref}", "salary": "Salary {end:%Y-%m} {name}",
           "net_salary": "Net salary {end:%Y-%m} {name}", "nsso": "NSSO {end:%Y-%m}",
           "withholding": "Withholding tax {end:%Y-%m}", "bank_fees": "Bank fees {end:%Y-%m}",
           "deposit": "Cash deposit week of {monday}", "vat_return": "VAT return {year}-Q{quarter}",
           "vat_payment": "VAT payment {year}-Q{quarter}", "vat_ref": "VAT{year}Q{quarter}"},
    "fr": {"invoice": "Facture {ref}", "credit_note": "Note de crédit sur {ref}",
           "receipt": "Encaissement {ref}", "purchase": "Facture fournisseur {ref}",
           "payment": "Paiement {ref}",
           "salary": "Salaire {end:%m/%Y} {name}", "net_salary": "Salaire net {end:%m/%Y} {name}",
           "nsso": "ONSS {end:%m/%Y}", "withholding": "Précompte professionnel {end:%m/%Y}",
           "bank_fees": "Frais bancaires {end:%m/%Y}",
           "deposit": "Versement espèces semaine du {monday:%d/%m/%Y}",
           "vat_return": "Déclaration TVA T{quarter} {year}", "vat_payment": "Paiement TVA T{quarter} {year}",
           "vat_ref": "TVA{year}T{quarter}", "opening": "Bilan d'ouverture au {day:%d/%m/%Y}",
           "takings": "Recette caisse du {day:%d/%m/%Y}", "cards": "Bancontact du {day:%d/%m/%Y}",
           "loan": "Crédit d'investissement : mensualité {day:%m/%Y}",
           "depreciation": "Amortissements {year}", "loan_current": "Crédit d'investissement : part à un an"},
}


def vat(base: int, rate: int) -> int:
    """The VAT in cents of a base in cents at a rate in percent, rounded half up."""
    return (base * rate + 50) // 100


# =========================================================================== planning

class Planner:
    """Events of books between ``first_day`` and ``last_day``; nothing after ``cutoff`` (default last_day).

    ``holidays`` ((month, day) pairs) are left out of the business days; with ``bank_days_only`` a bank
    event falling on a weekend or a holiday moves to the next bank day (the bench keeps neither).
    """

    def __init__(self, first_day: dt.date, last_day: dt.date, *, customers: list[int], suppliers: list[int],
                 seed: int = SEED, cutoff: dt.date | None = None, language: str = "en",
                 eu_customers: frozenset[int] = frozenset(), holidays: frozenset = frozenset(),
                 bank_days_only: bool = False):
        self.rnd = random.Random(seed)
        self.first_day, self.last_day, self.cutoff = first_day, last_day, cutoff or last_day
        self.customers, self.suppliers, self.eu_customers = customers, suppliers, eu_customers
        self.holidays, self.bank_days_only = holidays, bank_days_only
        self.words = LABELS[language]
        self.events: list[tuple] = []
        #: VAT (quarter, account) of documents posted outside the events (the demo's invoices)
        self.vat_outside_events: collections.Counter = collections.Counter()
        self.seq = 0
        self.keys = 0

    def add(self, day, journal, description, lines, register=None, match=()) -> bool:
        if self.bank_days_only and journal.startswith("BNK"):
            moved = self.bank_day(day)
            lines = [x[:5] + (moved if x[5] == day else x[5],) + x[6:] for x in lines]
            day = moved
        if day > self.cutoff:
            return False
        self.seq += 1
        self.events.append((day, self.seq, journal, description, tuple(lines), register, tuple(match)))
        return True

    def key(self) -> int:
        self.keys += 1
        return self.keys

    def lines(self) -> int:
        return sum(len(e[4]) for e in self.events)

    def business_days(self, weekdays: int):
        """The days of the span whose weekday (Monday 0) is below ``weekdays``: 5 = Monday to Friday."""
        day = self.first_day
        while day <= self.last_day:
            if day.weekday() < weekdays and (day.month, day.day) not in self.holidays:
                yield day
            day += dt.timedelta(days=1)

    def bank_day(self, day: dt.date) -> dt.date:
        """``day``, or the next weekday that is not a holiday."""
        while day.weekday() >= 5 or (day.month, day.day) in self.holidays:
            day += dt.timedelta(days=1)
        return day

    def month_ends(self):
        year, month = self.first_day.year, self.first_day.month
        while True:
            end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
            if end > self.last_day:
                return
            yield end
            year, month = year + month // 12, month % 12 + 1

    # ---------------------------------------------------------------- sales and receipts
    def sales(self, count: int) -> None:
        """``count`` invoices on weekdays, to customers weighted towards the first ones, and their fate."""
        rnd = self.rnd
        weights = [1 / (i + 1) ** 0.8 for i in range(len(self.customers))]
        terms = {c: rnd.choice((30, 30, 30, 60, 15)) for c in self.customers}
        days = list(self.business_days(5))
        grouped: dict[int, list] = collections.defaultdict(list)
        for n, day in enumerate(sorted(rnd.choice(days) for _ in range(count)), start=1):
            customer = rnd.choices(self.customers, weights)[0]
            ref = f"F{day.year}-{n:06d}"
            due = day + dt.timedelta(days=terms[customer])
            shape = rnd.random()
            bases = [(GOODS, rnd.randint(2_000, 150_000), 21)]
            if 0.55 <= shape < 0.75 or shape >= 0.9:
                bases.append((SERVICES, rnd.randint(5_000, 80_000), 21))
            if shape >= 0.75:
                bases.append((GOODS, rnd.randint(1_000, 40_000), 6))
            total, lines, refund = self.invoice_lines(customer, bases, day)
            key = self.key()
            self.add(day, "VEN", self.words["invoice"].format(ref=ref),
                     [(CUSTOMER, total, 0, customer, ref, due, ())] + lines, register=key)
            fate = rnd.random()
            if fate < 0.015 and len(bases) == 1:  # cancelled by a credit note
                when = day + dt.timedelta(days=rnd.randint(1, 20))
                self.add(when, "VNC", self.words["credit_note"].format(ref=ref),
                         [(CUSTOMER, 0, total, customer, f"C{ref}", when, ())] + refund, match=[key])
            elif fate < 0.045:  # disputed or bad debtor: stays open
                pass
            elif fate < 0.125:  # two instalments
                first = total * rnd.randint(30, 70) // 100
                when = day + dt.timedelta(days=rnd.randint(10, 30))
                self.receipt(when, customer, first, ref, [key])
                later = when + dt.timedelta(days=rnd.randint(25, 50))
                self.receipt(later, customer, total - first, ref, [key])
            elif fate < 0.245:  # paid together with two other invoices of the customer
                grouped[customer].append((day, total, ref, key))
                if len(grouped[customer]) == 3:
                    group = grouped.pop(customer)
                    when = max(g[0] for g in group) + dt.timedelta(days=rnd.randint(5, 30))
                    self.receipt(when, customer, sum(g[1] for g in group), "+".join(g[2] for g in group),
                                 [g[3] for g in group])
            else:
                self.receipt(day + dt.timedelta(days=self.delay()), customer, total, ref, [key])
        for customer, group in grouped.items():
            for day, total, ref, key in group:
                self.receipt(day + dt.timedelta(days=self.delay()), customer, total, ref, [key])

    def invoice_lines(self, customer: int, bases: list[tuple[str, int, int]],
                      day: dt.date | None = None) -> tuple[int, list, list]:
        """(total, the invoice's lines after its 400 line, the lines of a credit note cancelling it).

        A Belgian customer pays VAT per rate (grids 03 / 01, VAT 54; credit note 49, VAT 64); a customer
        of another member state gets an intra-Community supply without VAT: goods 7006 in grid 46L,
        services 70061 in 44 (credit notes 48s46L / 48s44).
        """
        if customer in self.eu_customers:
            moved = {GOODS: (EU_GOODS, "46L", "48s46L"), SERVICES: (EU_SERVICES, "44", "48s44")}
            lines = [(moved[a][0], 0, base, None, None, None, (moved[a][1],)) for a, base, _rate in bases]
            refund = [(moved[a][0], base, 0, None, None, None, (moved[a][2],)) for a, base, _rate in bases]
            return sum(base for _a, base, _r in bases), lines, refund
        by_rate = collections.Counter()
        for _account, base, rate in bases:
            by_rate[rate] += base
        taxes = {rate: vat(base, rate) for rate, base in by_rate.items()}
        total = sum(b for _a, b, _r in bases) + sum(taxes.values())
        lines = [(account, 0, base, None, None, None, ("03",) if rate == 21 else ("01",))
                 for account, base, rate in bases]
        lines += [(VAT_DUE, 0, tax, None, None, None, ("54",)) for _rate, tax in sorted(taxes.items())]
        refund = [(account, base, 0, None, None, None, ("49",)) for account, base, _rate in bases]
        refund += [(VAT_DUE, tax, 0, None, None, None, ("64",)) for _rate, tax in sorted(taxes.items())]
        return total, lines, refund

    def delay(self) -> int:
        r = self.rnd.random()
        if r < 0.6:
            return self.rnd.randint(5, 30)
        if r < 0.85:
            return self.rnd.randint(31, 60)
        if r < 0.95:
            return self.rnd.randint(61, 100)
        return self.rnd.randint(101, 200)

    def receipt(self, day, customer, amount, ref, keys) -> None:
        self.add(day, "BNK1", self.words["receipt"].format(ref=ref)[:250],
                 [(CUSTOMER, 0, amount, customer, ref[:80], day, ()),
                  (BANK, amount, 0, None, None, None, ())], match=keys)

    # ---------------------------------------------------------------- purchases and payments
    def purchase(self, day, supplier, ref, bases, paid=True, *, rate: int = 21,
                 pay_after: tuple[int, int] = (15, 45)) -> None:
        """A purchase invoice of ``bases`` (account, base, grid) at ``rate`` (0: exempt, no VAT line)."""
        tax = sum(vat(base, rate) for _a, base, _g in bases)
        total = sum(base for _a, base, _g in bases) + tax
        key = self.key()
        due = day + dt.timedelta(days=30)
        lines = [(SUPPLIER, 0, total, supplier, ref, due, ())]
        lines += [(account, base, 0, None, None, None, (grid,)) for account, base, grid in bases]
        if tax:
            lines.append((VAT_DEDUCTIBLE, tax, 0, None, None, None, ("59",)))
        self.add(day, "ACH", self.words["purchase"].format(ref=ref), lines, register=key)
        if paid:
            self.pay(day + dt.timedelta(days=self.rnd.randint(*pay_after)), supplier, total, ref, [key])

    def pay(self, day, supplier, amount, ref, keys) -> None:
        self.add(day, "BNK1", self.words["payment"].format(ref=ref),
                 [(SUPPLIER, amount, 0, supplier, ref, day, ()), (BANK, 0, amount, None, None, None, ())],
                 match=keys)

    # ---------------------------------------------------------------- payroll and the bank
    def payroll(self, end: dt.date, staff: list[tuple[str, int]]) -> None:
        """Each employee's salary of the month (gross cents) at ``end``, paid two days later; NSSO and
        withholding tax paid on the 5th and the 15th after."""
        nsso_total = withholding_total = 0
        paid_on = end + dt.timedelta(days=2)
        for name, amount in staff:
            employee_nsso = amount * 1307 // 10000
            employer = amount * 25 // 100
            withholding = (amount - employee_nsso) * 22 // 100
            net = amount - employee_nsso - withholding
            self.add(end, "OD", self.words["salary"].format(end=end, name=name), [
                (SALARIES, amount, 0, None, None, None, ()),
                (EMPLOYER_NSSO, employer, 0, None, None, None, ()),
                (NSSO, 0, employee_nsso + employer, None, None, None, ()),
                (WITHHOLDING, 0, withholding, None, None, None, ()),
                (NET_PAY, 0, net, None, None, None, ())])
            self.add(paid_on, "BNK1", self.words["net_salary"].format(end=end, name=name), [
                (NET_PAY, net, 0, None, None, None, ()), (BANK, 0, net, None, None, None, ())])
            nsso_total += employee_nsso + employer
            withholding_total += withholding
        self.add(end + dt.timedelta(days=5), "BNK1", self.words["nsso"].format(end=end), [
            (NSSO, nsso_total, 0, None, None, None, ()), (BANK, 0, nsso_total, None, None, None, ())])
        self.add(end + dt.timedelta(days=15), "BNK1", self.words["withholding"].format(end=end), [
            (WITHHOLDING, withholding_total, 0, None, None, None, ()),
            (BANK, 0, withholding_total, None, None, None, ())])

    def bank_fees(self, end: dt.date, amount: int) -> None:
        self.add(end, "BNK1", self.words["bank_fees"].format(end=end), [
            (BANK_FEES, amount, 0, None, None, None, ()), (BANK, 0, amount, None, None, None, ())])

    def deposits_and_vat(self) -> None:
        """Weekly cash deposits (the cash journal's takings of a week, banked the next Monday) and the
        quarterly VAT returns with their payment, from the events planned so far."""
        events = sorted(self.events)
        cash = collections.Counter()
        due = collections.Counter(self.vat_outside_events)
        for day, _seq, journal, _d, lines, _r, _m in events:
            quarter = (day.year, (day.month - 1) // 3)
            for account, debit, credit, *_rest in lines:
                if account == CASH and journal == "CSH1":
                    cash[day - dt.timedelta(days=day.weekday())] += debit - credit
                elif account == VAT_DUE:
                    due[(quarter, VAT_DUE)] += credit - debit
                elif account == VAT_DEDUCTIBLE:
                    due[(quarter, VAT_DEDUCTIBLE)] += debit - credit
        for monday, amount in sorted(cash.items()):
            day = monday + dt.timedelta(days=7)
            if amount > 0:
                self.add(day, "BNK1", self.words["deposit"].format(monday=monday), [
                    (BANK, amount, 0, None, None, None, ()), (CASH, 0, amount, None, None, None, ())])
        for year in range(self.first_day.year, self.last_day.year + 1):
            for q in range(4):
                payable, deductible = due[((year, q), VAT_DUE)], due[((year, q), VAT_DEDUCTIBLE)]
                day = dt.date(year + (q == 3), (3 * q + 3) % 12 + 1, 20)
                balance = payable - deductible
                key = self.key()
                words = {"year": year, "quarter": q + 1}
                ref = self.words["vat_ref"].format(**words)
                if balance <= 0 or not self.add(day, "OD", self.words["vat_return"].format(**words), [
                        (VAT_ACCOUNT, 0, balance, None, ref, None, ()),
                        (VAT_DUE, payable, 0, None, None, None, ()),
                        (VAT_DEDUCTIBLE, 0, deductible, None, None, None, ())], register=key):
                    continue
                self.add(day + dt.timedelta(days=3), "BNK1", self.words["vat_payment"].format(**words), [
                    (VAT_ACCOUNT, balance, 0, None, ref, None, ()),
                    (BANK, 0, balance, None, None, None, ())], match=[key])


# =========================================================================== posting

def draft_of(event) -> ledger.DraftEntry:
    day, _seq, journal, description, lines, _register, _match = event
    return ledger.DraftEntry(journal, day, description, tuple(
        ledger.DraftLine(account, debit, credit, partner_id=partner, document_ref=ref, due_date=due,
                         vat_grids=grids)
        for account, debit, credit, partner, ref, due, grids in lines))


class Poster:
    """Posts planned events (in date order) and reconciles each ``match`` with the lines it names."""

    def __init__(self, role: str = ROLE):
        self.role = role
        self.registered: dict[int, int] = {}  # register name -> line id
        self.stats = collections.Counter()
        self.seconds = collections.Counter()

    def post(self, events: list[tuple], *, single: bool = False) -> None:
        drafts = [draft_of(e) for e in events]
        started = time.perf_counter()
        if single:
            entry_ids = [ledger.post_entry(d, role=self.role).id for d in drafts]
        else:
            entry_ids = [p.entry_id for p in ledger.post_entries(drafts, role=self.role)]
        kind = "single" if single else "batched"
        self.seconds[kind] += time.perf_counter() - started
        self.stats[f"{kind}_entries"] += len(events)
        self.stats["lines"] += sum(len(e[4]) for e in events)
        wanted = [(e, i) for e, i in zip(events, entry_ids) if e[5] is not None or e[6]]
        if not wanted:
            return
        posted = EntryLine.entry.between(min(entry_ids), max(entry_ids))
        first = dict(EntryLine.select(EntryLine.entry, EntryLine.id)
                     .where(posted & (EntryLine.line_no == 1)).tuples())
        several = [i for e, i in wanted if isinstance(e[5], tuple)]
        line_of = {(entry, n): line_id for entry, n, line_id in EntryLine.select(
            EntryLine.entry, EntryLine.line_no, EntryLine.id).where(EntryLine.entry.in_(several)).tuples()
        } if several else {}
        started = time.perf_counter()
        with write():
            for event, entry_id in wanted:
                register, match = event[5], event[6]
                if isinstance(register, tuple):
                    for n, name in enumerate(register, start=1):
                        if name is not None:
                            self.registered[name] = line_of[(entry_id, n)]
                elif register is not None:
                    self.registered[register] = first[entry_id]
                if match:
                    ledger.reconcile([self.registered[k] for k in match] + [first[entry_id]])
                    self.stats["reconciliations"] += 1
        self.seconds["reconcile"] += time.perf_counter() - started

    def post_all(self, events: list[tuple], batch: int = BATCH) -> None:
        for start in range(0, len(events), batch):
            self.post(events[start:start + batch])


# =========================================================================== the demo's parties

def belgian_vat(body: int) -> str:
    """'BE' and the enterprise number: 8 digits (the first 0 or 1) and 97 − (those digits mod 97).

    >>> belgian_vat(4031707)
    'BE0403170701'
    """
    return f"BE{body:08d}{97 - body % 97:02d}"


def foreign_vat(country: str, rnd: random.Random) -> str:
    """A VAT number of France, the Netherlands, Germany or Luxembourg with its check digits right."""
    while True:
        head = str(rnd.randint(10_000_000, 99_999_999))
        if country == "FR":  # SIREN (Luhn) behind a key of (SIREN·100 + 12) mod 97
            siren = head + luhn.calc_check_digit(head)
            number = f"FR{int(siren + '12') % 97:02d}{siren}"
        elif country == "NL":  # 9 digits weighted 9..2, −1 (mod 11), then B01
            check = sum((9 - i) * int(d) for i, d in enumerate(head)) % 11
            number = f"NL{head}{check}B01"
        elif country == "DE":  # ISO 7064 mod 11,10
            number = f"DE{head}{mod_11_10.calc_check_digit(head)}"
        else:  # LU: 6 digits and their remainder mod 89
            number = f"LU{head[:6]}{int(head[:6]) % 89:02d}"
        if eu_vat.is_valid(number):  # NL's check digit 10 does not exist: draw again
            return number


# name, city, language, country (None: a private person, no VAT number)
CUSTOMERS = (
    ("Hôtel des Remparts SRL", "Namur", "fr", "BE"),
    ("Atelier d'architecture Renard SRL", "Liège", "fr", "BE"),
    ("Interieur Van Damme BV", "Gent", "nl", "BE"),
    ("Brasserie Le Marronnier SRL", "Namur", "fr", "BE"),
    ("Hotel Zum Venn GmbH", "Eupen", "de", "BE"),
    ("Intérieurs Lejeune SRL", "Dinant", "fr", "BE"),
    ("Architectenbureau Claes BV", "Antwerpen", "nl", "BE"),
    ("Brussels Lofts SA", "Bruxelles", "fr", "BE"),
    ("Home Staging Wallonie SRL", "Mons", "fr", "BE"),
    ("Bloemen Peeters BV", "Leuven", "nl", "BE"),
    ("Innenausbau Kessler GmbH", "Eupen", "de", "BE"),
    ("Gîtes de la Molignée SRL", "Anhée", "fr", "BE"),
    ("Maison Delattre SARL", "Lille", "fr", "FR"),
    ("Restaurant La Table de Jambes SRL", "Namur", "fr", "BE"),
    ("Hotel De Vlaamse Pot BV", "Brugge", "nl", "BE"),
    ("Agence immobilière Hubert SRL", "Namur", "fr", "BE"),
    ("Woonwinkel De Linde BV", "Maastricht", "nl", "NL"),
    ("Château de Namêche SA", "Namêche", "fr", "BE"),
    ("Wonen & Stijl Maes BV", "Mechelen", "nl", "BE"),
    ("Blumen Heinen GmbH", "Sankt Vith", "de", "BE"),
    ("Café des Arts SRL", "Ixelles", "fr", "BE"),
    ("Résidence Les Tilleuls ASBL", "Charleroi", "fr", "BE"),
    ("Raumdesign Hoffmann GmbH", "Aachen", "de", "DE"),
    ("Brasserie De Oude Schuur BV", "Hasselt", "nl", "BE"),
    ("Chambres d'hôtes Le Vieux Moulin SRL", "Durbuy", "fr", "BE"),
    ("Gasthof Schröder GmbH", "Kelmis", "de", "BE"),
    ("Décor Événements Mathieu SRL", "Arlon", "fr", "BE"),
    ("Kantoorinrichting Wouters NV", "Brussel", "nl", "BE"),
    ("Décor Luxembourg Sàrl", "Luxembourg", "fr", "LU"),
    ("Pâtisserie Marchal SRL", "Andenne", "fr", "BE"),
    ("Vakantiewoningen Janssens BV", "De Panne", "nl", "BE"),
    ("Fleurs & Maison Collignon SRL", "Gembloux", "fr", "BE"),
    ("Ferienwohnungen Eifel GmbH", "Bütgenbach", "de", "BE"),
    ("Eventbureau Goossens BV", "Aalst", "nl", "BE"),
    ("Cabinet dentaire Lemaire SRL", "Wavre", "fr", "BE"),
    ("Marie Dupont", "Namur", "fr", None),
    ("Pieter De Smet", "Gent", "nl", None),
    ("Jean-Luc Lambotte", "Jambes", "fr", None),
    ("Jürgen Kreutz", "Eupen", "de", None),
    ("Nathalie Gérard", "Liège", "fr", None),
    ("Anke Wouters", "Leuven", "nl", None),
    ("Claire Vandenberghe", "Bruxelles", "fr", None),
)


@dataclass(frozen=True)
class Supplier:
    tag: str
    name: str
    city: str
    language: str
    code: str  # how their invoice numbers start
    rate: int = 21  # VAT on what they sell us
    low: int = 0  # a goods invoice's base, in cents
    high: int = 0


SUPPLIERS = (
    Supplier("goods", "Meubles Lecomte SA", "Liège", "fr", "ML", 21, 80_000, 650_000),
    Supplier("goods", "Textielfabriek Verhaeghe NV", "Kortrijk", "nl", "TV", 21, 40_000, 380_000),
    Supplier("goods", "Poteries de Bouffioulx SRL", "Châtelet", "fr", "PB", 21, 25_000, 180_000),
    Supplier("goods", "Kaarsen Van Hecke BV", "Brugge", "nl", "KVH", 21, 15_000, 120_000),
    Supplier("goods", "Luminaires Dewitte SRL", "Mouscron", "fr", "LD", 21, 30_000, 260_000),
    Supplier("goods", "Groothandel Bloemen Willems BV", "Sint-Katelijne-Waver", "nl", "GBW", 6, 12_000,
             90_000),
    Supplier("rent", "Immo Confluent SA", "Namur", "fr", "IC", 0),
    Supplier("energy", "Énergie Mosane SA", "Namur", "fr", "EM"),
    Supplier("telecom", "Netwave SRL", "Bruxelles", "fr", "NW"),
    Supplier("accountant", "Fiduciaire Dubois SRL", "Namur", "fr", "FD"),
    Supplier("advertising", "Imprimerie Mosane SRL", "Jambes", "fr", "IM"),
    Supplier("maintenance", "Garage Delvaux SRL", "Bouge", "fr", "GD"),
    Supplier("fittings", "Agencements Gillet SRL", "Ciney", "fr", "AG"),
)


@dataclass
class DemoParties:
    customers: list[int]  # in the order of CUSTOMERS: the first ones buy the most
    eu_customers: frozenset[int]
    suppliers: dict[int, Supplier]  # party id -> its line of SUPPLIERS

    def supplier(self, tag: str) -> int:
        return next(i for i, s in self.suppliers.items() if s.tag == tag)


def create_parties(seed: int = SEED) -> DemoParties:
    """The customers and suppliers; their VAT numbers come from a generator of their own."""
    rnd = random.Random(seed)
    customers, eu, suppliers, taken = [], set(), {}, set()

    def number(country):
        while True:
            if country == "BE":
                found = belgian_vat(rnd.randint(4_000_000, 9_999_999))
            else:
                found = foreign_vat(country, rnd)
            if found not in taken:
                taken.add(found)
                return found

    with write():
        for name, _city, language, country in CUSTOMERS:
            party = parties.create_party(name, vat_number=number(country) if country else None,
                                         language=language, is_customer=True)
            customers.append(party.id)
            if country not in (None, "BE"):
                eu.add(party.id)
        for supplier in SUPPLIERS:
            party = parties.create_party(supplier.name, vat_number=number("BE"), language=supplier.language,
                                         is_supplier=True)
            suppliers[party.id] = supplier
    return DemoParties(customers, frozenset(eu), suppliers)


# =========================================================================== the demo's year

INVOICES_PER_YEAR, GOODS_PURCHASES_PER_YEAR = 360, 200
#: the staff on the payroll (monthly gross, cents); Sophie runs the company as its manager, not on it
PAYROLL = [("Karim Benali", 265_000), ("Els Peeters", 248_000), ("Tom Janssens", 272_000),
           ("Julie Martin", 290_000)]
#: fixed public holidays: the shop and the banks close (Easter Monday, Ascension and Whit Monday it opens)
HOLIDAYS = frozenset({(1, 1), (5, 1), (7, 21), (8, 15), (11, 1), (11, 11), (12, 25)})
#: till takings through the year: January sales, a quiet February, Christmas
SEASON = {1: 0.9, 2: 0.75, 3: 0.9, 4: 1.0, 5: 1.05, 6: 0.95, 7: 0.85, 8: 0.8, 9: 1.0, 10: 1.05, 11: 1.25,
          12: 1.8}
FITTINGS = 680_000  # the shop fitting bought in March (cents, before VAT)
EQUIPMENT_OPENING, CARS_OPENING = 4_600_000, 2_950_000  # acquisition values; 10 and 5 years linear
LOAN_INSTALMENT, LOAN_RATE_BP = 80_000, 310


class DemoPlanner(Planner):
    """The fiscal year ``first_day``..``last_day`` of Déco Lambert SRL, up to ``today``."""

    def __init__(self, first_day: dt.date, last_day: dt.date, today: dt.date, found: DemoParties, *,
                 scale: float = 1.0, seed: int = SEED):
        super().__init__(first_day, last_day, customers=found.customers, suppliers=list(found.suppliers),
                         seed=seed, cutoff=today, language="fr", eu_customers=found.eu_customers,
                         holidays=HOLIDAYS, bank_days_only=True)
        self.found, self.scale = found, scale
        self.numbers = collections.Counter()

    def plan(self) -> list[tuple]:
        self.opening()
        self.sales(round(INVOICES_PER_YEAR * self.scale))
        self.supplies()
        self.tills()
        for end in self.month_ends():
            self.bank_fees(end, 1_850)
            self.payroll(end, PAYROLL)
        self.loan()
        self.year_end()
        self.deposits_and_vat()
        self.events.sort()
        return self.events

    def supplier_ref(self, supplier: int, day: dt.date) -> str:
        """The supplier's own invoice number: 'ML-26-0007'."""
        self.numbers[supplier] += 1
        return f"{self.found.suppliers[supplier].code}-{day:%y}-{self.numbers[supplier]:04d}"

    def opening(self) -> None:
        """The balances carried from last year's books, with last December's open invoices as items."""
        day, year = self.first_day, self.first_day.year - 1
        customers = [(self.customers[0], f"F{year}-000587", 184_230, dt.date(year, 12, 28), None),
                     (self.customers[3], f"F{year}-000601", 96_800, day + dt.timedelta(days=13), 16),
                     (self.customers[6], f"F{year}-000612", 241_750, day + dt.timedelta(days=24), 27)]
        suppliers = [(self.found.supplier("goods"), f"ML-{year % 100:02d}-0163", 312_460, 8),
                     (self.found.supplier("energy"), f"EM-{year % 100:02d}-0012", 58_900, 15)]
        vat_ref, vat_due = self.words["vat_ref"].format(year=year, quarter=4), 1_864_235
        lines = [(CUSTOMER, amount, 0, party, ref, due, ()) for party, ref, amount, due, _paid in customers]
        lines += [(SUPPLIER, 0, amount, party, ref, day + dt.timedelta(days=paid), ())
                  for party, ref, amount, paid in suppliers]
        lines.append((VAT_ACCOUNT, 0, vat_due, None, vat_ref, None, ()))
        keys = [self.key() for _ in lines]
        fixed = [(EQUIPMENT, EQUIPMENT_OPENING, 0), (EQUIPMENT_DEPR, 0, EQUIPMENT_OPENING * 4 // 10),
                 (CARS, CARS_OPENING, 0), (CARS_DEPR, 0, CARS_OPENING * 2 // 5), (STOCK, 3_850_000, 0),
                 (BANK, 4_218_537, 0), (CASH, 25_000, 0), (CAPITAL, 0, 2_000_000),
                 (LOAN, 0, LOAN_INSTALMENT * 36), (LOAN_CURRENT, 0, LOAN_INSTALMENT * 12)]
        lines += [(account, debit, credit, None, None, None, ()) for account, debit, credit in fixed]
        brought = sum(x[1] - x[2] for x in lines)
        lines.append((RETAINED, max(-brought, 0), max(brought, 0), None, None, None, ()))
        self.add(day, "OUV", self.words["opening"].format(day=day), lines,
                 register=tuple(keys) + (None,) * (len(lines) - len(keys)))
        for (party, ref, amount, _due, paid), key in zip(customers, keys):
            if paid is not None:  # the oldest is disputed: still open
                self.receipt(day + dt.timedelta(days=paid), party, amount, ref, [key])
        for (party, ref, amount, paid), key in zip(suppliers, keys[len(customers):]):
            self.pay(day + dt.timedelta(days=paid), party, amount, ref, [key])
        self.add(dt.date(day.year, 1, 20), "BNK1", self.words["vat_payment"].format(year=year, quarter=4), [
            (VAT_ACCOUNT, vat_due, 0, None, vat_ref, None, ()), (BANK, 0, vat_due, None, None, None, ())],
            match=[keys[-1]])

    def supplies(self) -> None:
        """Goods from the wholesalers on weekdays; rent, energy, telephone, the accountant, advertising,
        the van's repairs and a shop fitting on their own rhythm."""
        rnd, found = self.rnd, self.found
        wholesalers = [i for i, s in found.suppliers.items() if s.tag == "goods"]
        days = list(self.business_days(5))
        for day in sorted(rnd.choice(days) for _ in range(round(GOODS_PURCHASES_PER_YEAR * self.scale))):
            supplier = rnd.choice(wholesalers)
            terms = found.suppliers[supplier]
            self.purchase(day, supplier, self.supplier_ref(supplier, day),
                          [(PURCHASE_GOODS, rnd.randint(terms.low, terms.high), "81")], rnd.random() < 0.97,
                          rate=terms.rate)
        year = self.first_day.year
        for month in range(1, 13):
            first = dt.date(year, month, 1)
            for tag, day, account, base, pay_after in (
                    ("rent", 1, RENT, 235_000, (0, 4)),
                    ("energy", 8, ENERGY, rnd.randint(30_000, 52_000), (10, 20)),
                    ("telecom", 12, TELECOM, 8_926, (5, 15)),
                    ("accountant", 15, ACCOUNTANT, 115_000 if month % 3 == 1 else 0, (15, 45)),
                    ("advertising", 18, ADVERTISING, rnd.randint(45_000, 140_000) if month in (2, 4, 6, 9, 11)
                     else 0, (15, 45)),
                    ("maintenance", 22, MAINTENANCE, rnd.randint(18_000, 95_000) if month in (3, 7, 10)
                     else 0, (15, 45))):
                if base:
                    supplier = found.supplier(tag)
                    when = first.replace(day=day)
                    self.purchase(when, supplier, self.supplier_ref(supplier, when), [(account, base, "82")],
                                  rate=found.suppliers[supplier].rate, pay_after=pay_after)
        fitter = found.supplier("fittings")
        day = dt.date(year, 3, 16)
        self.purchase(day, fitter, self.supplier_ref(fitter, day), [(EQUIPMENT, FITTINGS, "83")])

    def tills(self) -> None:
        """Each shop day's Z: goods at 21 % and plants at 6 %, paid in cash or by Bancontact; the card
        acquirer pays the cards the next bank day (the 58 line is matched with it)."""
        rnd = self.rnd
        for day in self.business_days(6):
            factor = SEASON[day.month] * (1.6 if day.weekday() == 5 else 1.0)
            bases = [(round(rnd.randint(40_000, 110_000) * factor), 21, "03"),
                     (round(rnd.randint(3_000, 16_000) * factor), 6, "01")]
            total = sum(base + vat(base, rate) for base, rate, _grid in bases)
            card = total * rnd.randint(60, 80) // 100
            lines = [(CARD_TRANSIT, card, 0, None, None, None, ()),
                     (CASH, total - card, 0, None, None, None, ())]
            for base, rate, grid in bases:
                lines += [(GOODS, 0, base, None, None, None, (grid,)),
                          (VAT_DUE, 0, vat(base, rate), None, None, None, ("54",))]
            key = self.key()
            self.add(day, "CSH1", self.words["takings"].format(day=day), lines, register=key)
            self.add(day + dt.timedelta(days=1), "BNK1", self.words["cards"].format(day=day), [
                (CARD_TRANSIT, 0, card, None, None, None, ()), (BANK, card, 0, None, None, None, ())],
                match=[key])

    def loan(self) -> None:
        """The investment loan's instalments on the 5th: this year's part of the capital and the interest."""
        owed = LOAN_INSTALMENT * 48
        for month in range(1, 13):
            day = dt.date(self.first_day.year, month, 5)
            interest = (owed * LOAN_RATE_BP + 60_000) // 120_000
            self.add(day, "BNK1", self.words["loan"].format(day=day), [
                (LOAN_CURRENT, LOAN_INSTALMENT, 0, None, None, None, ()),
                (INTEREST, interest, 0, None, None, None, ()),
                (BANK, 0, LOAN_INSTALMENT + interest, None, None, None, ())])
            owed -= LOAN_INSTALMENT

    def year_end(self) -> None:
        """31 December: a year's depreciation (fittings 10 years, the van 5) and next year's loan part."""
        end = self.last_day
        equipment, cars = (EQUIPMENT_OPENING + FITTINGS) // 10, CARS_OPENING // 5
        self.add(end, "OD", self.words["depreciation"].format(year=end.year), [
            (DEPRECIATION, equipment + cars, 0, None, None, None, ()),
            (EQUIPMENT_DEPR, 0, equipment, None, None, None, ()),
            (CARS_DEPR, 0, cars, None, None, None, ())])
        self.add(end, "OD", self.words["loan_current"], [
            (LOAN, LOAN_INSTALMENT * 12, 0, None, None, None, ()),
            (LOAN_CURRENT, 0, LOAN_INSTALMENT * 12, None, None, None, ())])
