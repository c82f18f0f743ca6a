"""The check screen before export: every inconsistency of a period's return and listings, with where to look.

Arithmetic checks come from :func:`equisis.vat.rules.check_grids` (54 against
01–03 × rates, 64 against 49 × 21 %, 55 against 86 + 88, negative grids…);
this module adds what needs the books: intra-Community sales to customers
without a valid EU VAT number, co-contractor sales to customers without a
Belgian VAT number, customers whose Belgian VAT number is invalid (left out of
the client listing), sales lines without a customer, and a filed period whose
books changed since (entries posted after the filing).
"""
from __future__ import annotations

from equisis.core.i18n import N_
from equisis.ledger.models import Entry, EntryLine
from equisis.vat import rules, service
from equisis.vat.rules import Finding

BLOCKING_CODES = ("negative", "intra-vat")


def _first_entry(period: rules.VatPeriod, partner_id: int | None, codes: tuple[str, ...]) -> int | None:
    from peewee import Value

    padded = Value(" ").concat(EntryLine.vat_grids).concat(" ")
    condition = None
    for code in codes:
        part = padded.contains(f" {code} ")
        condition = part if condition is None else (condition | part)
    query = (EntryLine.select(EntryLine.entry)
             .where((EntryLine.date >= period.start.isoformat()) & (EntryLine.date <= period.end.isoformat())
                    & condition)
             .order_by(EntryLine.date, EntryLine.id))
    query = query.where(EntryLine.partner.is_null()) if partner_id is None else \
        query.where(EntryLine.partner == partner_id)
    row = query.first()
    return row.entry_id if row else None


def _about(partner: rules.PartnerGrids, period, code, message, grid, codes, blocking=False, **params) -> Finding:
    return Finding(code, message, tuple({"party": partner.name or "?", **params}.items()), grid=grid,
                   entry_id=_first_entry(period, partner.partner_id, codes), party_id=partner.partner_id,
                   blocking=blocking)


def findings(code: str) -> list[Finding]:
    """The inconsistencies of a return period, blocking ones first."""
    view = service.compute_return(code)
    period = view.period
    found = list(rules.check_grids(view.grids))
    partners = service.partner_grids(period.start, period.end)
    for partner in partners:
        intra = tuple(c for c in rules.INTRA_GRIDS if c in partner.totals)
        if intra:
            problem = rules.intra_problem(partner)
            if problem:
                found.append(_about(partner, period, "intra-vat",
                                    N_("Intra-Community sale to {party}: {problem}."),
                                    "44" if intra[0] in ("44", "48s44") else "46", intra, blocking=True,
                                    problem=problem))
        if "45" in partner.totals and partner.partner_id is not None and rules.belgian_vat(partner.vat_number) is None:
            found.append(_about(partner, period, "cocontractor-vat",
                                N_("Sale to co-contractor {party} (grid 45) without a valid Belgian VAT number."),
                                "45", ("45",)))
        sales = tuple(c for c in rules.LISTING_TURNOVER if c in partner.totals)
        vat_number = (partner.vat_number or "").replace(" ", "").upper()
        if sales and partner.partner_id is not None and vat_number.startswith("BE") \
                and rules.belgian_vat(vat_number) is None:
            found.append(_about(partner, period, "listing-vat",
                                N_("Customer {party} has an invalid Belgian VAT number ({vat}): it is left out of "
                                   "the annual client listing."), sales[0], sales, vat=partner.vat_number))
        if partner.partner_id is None:
            codes = tuple(c for c in service.SALES_CODES if c in partner.totals)
            if codes:
                grid = next((g for g in rules.DRILLABLE if set(rules.codes_of(g)) & set(codes)), None)
                found.append(_about(partner, period, "no-customer",
                                    N_("Sales lines on grid {grid} name no customer: the listings cannot count "
                                       "them."), grid, codes, grid_=grid))
    found.extend(_changed_since_filing(view))
    return sorted(found, key=lambda f: (not f.blocking, f.code))


def _changed_since_filing(view: service.ReturnView) -> list[Finding]:
    latest = view.latest
    if latest is None:
        return []
    out = []
    late = (Entry.select(Entry.id, Entry.reference)
            .where((Entry.date >= view.period.start.isoformat()) & (Entry.date <= view.period.end.isoformat())
                   & (Entry.posted_at > latest.filed_at))
            .order_by(Entry.id))
    for entry in late:
        if EntryLine.select().where((EntryLine.entry == entry.id) & (EntryLine.vat_grids != "")).exists():
            out.append(Finding("posted-after-filing",
                               N_("Entry {entry} was posted with VAT grids after the return of {period} was "
                                  "filed: file a corrective return."),
                               (("entry", entry.reference), ("period", view.period.code)), entry_id=entry.id))
    books_now = rules.return_grids(service.grid_totals(view.period.start, view.period.end),
                                   grid_91=latest.grids.get("91", 0), adjustments=latest.adjustments)
    changed = rules.differences(books_now, latest.grids)
    if changed:
        grid = next(iter(changed))
        out.append(Finding("changed-after-filing",
                           N_("The books of {period} changed since the return was filed (grid {grid} and others): "
                              "file a corrective return."),
                           (("period", view.period.code), ("grid", grid)), grid=grid if grid in rules.DRILLABLE
                           else None))
    return out


def message_of(finding: Finding) -> str:
    from equisis.core.i18n import gettext

    values = {k.rstrip("_"): (gettext(v) if k == "problem" else v) for k, v in finding.values.items()}
    return gettext(finding.message, **values)
