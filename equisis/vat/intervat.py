"""Intervat XML: the periodic return (NewTVA), the annual client listing (NewLK), the intra-Community
listing (NewICO); each checked against its schema before anyone sees a byte.

The schemas are the FPS Finance's own, official reference data that the project does not copy: they
are read from ``$EQUISIS_REFERENCE_DIR/xsd/intervat`` (default ``../shared/belgium`` beside the
checkout; on an appliance, install the FPS Finance's Intervat XSD files there and set the variable).
Without them the files are still made, unchecked, and the log says so. Files are ISO-8859-1 with an XML declaration; amounts are euros with two decimals
(``1234.56``). The declarant is the company: its Belgian VAT number (10 digits), name and address.
Output is deterministic (same data, same bytes): the golden files in tests/vat/golden rely on it.
"""
from __future__ import annotations

import functools
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from lxml import etree

from equisis.core.i18n import N_, lazy_gettext
from equisis.vat import rules
from equisis.vat.errors import InvalidXml

log = logging.getLogger(__name__)
SCHEMAS = {"return": "NewTVA-in_v0_9.xsd", "client-listing": "NewLK-in_v0_9.xsd",
           "intra-listing": "NewICO-in_v0_9.xsd"}
WHAT = {"return": N_("VAT return"), "client-listing": N_("annual client listing"),
        "intra-listing": N_("intra-Community listing")}
NS_COMMON = "http://www.minfin.fgov.be/InputCommon"
NS = {"return": "http://www.minfin.fgov.be/VATConsignment",
      "client-listing": "http://www.minfin.fgov.be/ClientListingConsignment",
      "intra-listing": "http://www.minfin.fgov.be/IntraConsignment"}
ENCODING = "ISO-8859-1"
_EMAIL = re.compile(r"^([a-zA-Z0-9_\-\.]+)@([a-zA-Z0-9_\-\.]+)\.([a-zA-Z]{2,5})\Z")
_PHONE = re.compile(r"^(\+)?[0-9 \-]{0,20}\Z")
REPLACED_REFERENCE = re.compile(r"^[0-9]+-[0-9]{10}-[0-9]{6}\Z")


@dataclass(frozen=True)
class Declarant:
    """The company as Intervat names it (from the company profile)."""

    vat_number: str  # 10 digits
    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "BE"
    email: str = ""
    phone: str = ""


def schema_dir() -> Path:
    """Where the Intervat XSD files are: EQUISIS_REFERENCE_DIR/xsd/intervat (default ../shared/belgium)."""
    base = os.environ.get("EQUISIS_REFERENCE_DIR") or str(Path(__file__).resolve().parents[3] / "shared" / "belgium")
    return Path(base) / "xsd" / "intervat"


@functools.lru_cache(maxsize=None)
def _schema_at(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def schema(kind: str) -> etree.XMLSchema | None:
    """The official schema of ``kind``, or None when the schemas are not installed."""
    path = schema_dir() / SCHEMAS[kind]
    return _schema_at(str(path)) if path.is_file() else None


def validate(kind: str, content: bytes) -> bytes:
    """``content`` if its schema accepts it, else InvalidXml naming the first problem (unchecked without schemas)."""
    document = etree.fromstring(content)
    checker = schema(kind)
    if checker is None:
        log.warning("Intervat schemas not found in %s: %s not checked", schema_dir(), kind)
        return content
    if not checker.validate(document):
        error = checker.error_log.last_error
        detail = f"line {error.line}: {error.message}" if error else "?"
        raise InvalidXml(what=lazy_gettext(WHAT[kind]), detail=detail)
    return content


def _serialise(kind: str, root: etree._Element) -> bytes:
    content = etree.tostring(root, xml_declaration=True, encoding=ENCODING, pretty_print=True)
    return validate(kind, content)


def _sub(parent, ns: str, tag: str, text=None, **attributes):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def _declarant(parent, ns: str, declarant: Declarant) -> None:
    block = _sub(parent, ns, "Declarant")
    _sub(block, NS_COMMON, "VATNumber", declarant.vat_number)
    _sub(block, NS_COMMON, "Name", declarant.name[:200])
    for tag, value, limit in (("Street", declarant.street, 200), ("PostCode", declarant.postcode, 15),
                              ("City", declarant.city, 184)):
        if value:
            _sub(block, NS_COMMON, tag, value[:limit])
    _sub(block, NS_COMMON, "CountryCode", declarant.country or "BE")
    if declarant.email and _EMAIL.match(declarant.email):
        _sub(block, NS_COMMON, "EmailAddress", declarant.email)
    if declarant.phone and _PHONE.match(declarant.phone):
        _sub(block, NS_COMMON, "Phone", declarant.phone)


def _yes(flag: bool) -> str:
    return "YES" if flag else "NO"


def return_grids_to_declare(grids: Mapping[str, int]) -> list[tuple[str, int]]:
    """The grids written to the XML, in form order: every non-zero one, and 71 or 72 always (71 = 0.00
    when the balance is nil); grid 91 only when typed."""
    out = [(g, grids.get(g, 0)) for g in rules.RETURN_GRIDS if g not in rules.COMPUTED and grids.get(g, 0)]
    if grids.get("72", 0) > 0:
        out.append(("72", grids["72"]))
    else:
        out.append(("71", grids.get("71", 0)))
    order = {g: i for i, g in enumerate(rules.RETURN_GRIDS)}
    return sorted(out, key=lambda x: order[x[0]])


def return_xml(declarant: Declarant, period: rules.VatPeriod, grids: Mapping[str, int], *,
               client_listing_nihil: bool = False, restitution: bool = False, payment_forms: bool = False,
               replaced_reference: str | None = None) -> bytes:
    """The NewTVA consignment of one periodic return (negative grids are refused by the schema)."""
    ns = NS["return"]
    root = etree.Element(f"{{{ns}}}VATConsignment", {"VATDeclarationsNbr": "1"},
                         nsmap={None: ns, "common": NS_COMMON})
    declaration = _sub(root, ns, "VATDeclaration", SequenceNumber=1)
    if replaced_reference:
        _sub(declaration, ns, "ReplacedVATDeclaration", replaced_reference)
    _declarant(declaration, ns, declarant)
    when = _sub(declaration, ns, "Period")
    _sub(when, ns, "Month" if period.kind == "month" else "Quarter", period.number)
    _sub(when, ns, "Year", period.year)
    data = _sub(declaration, ns, "Data")
    for grid, cents in return_grids_to_declare(grids):
        _sub(data, ns, "Amount", rules.amount_text(cents), GridNumber=grid)
    _sub(declaration, ns, "ClientListingNihil", _yes(client_listing_nihil))
    _sub(declaration, ns, "Ask", Restitution=_yes(restitution), Payment=_yes(payment_forms))
    return _serialise("return", root)


def client_listing_xml(declarant: Declarant, year: int, lines: Sequence[rules.ClientLine]) -> bytes:
    """The NewLK consignment: every listed customer, or none (a nil listing) with zero sums."""
    ns = NS["client-listing"]
    root = etree.Element(f"{{{ns}}}ClientListingConsignment", {"ClientListingsNbr": "1"},
                         nsmap={None: ns, "common": NS_COMMON})
    listing = _sub(root, ns, "ClientListing", SequenceNumber=1, ClientsNbr=len(lines),
                   TurnOverSum=rules.amount_text(sum(x.turnover_cents for x in lines)),
                   VATAmountSum=rules.amount_text(sum(x.vat_cents for x in lines)))
    _declarant(listing, ns, declarant)
    _sub(listing, ns, "Period", year)
    for number, line in enumerate(lines, start=1):
        client = _sub(listing, ns, "Client", SequenceNumber=number)
        _sub(client, ns, "CompanyVATNumber", line.vat_number, issuedBy="BE")
        _sub(client, ns, "TurnOver", rules.amount_text(line.turnover_cents))
        _sub(client, ns, "VATAmount", rules.amount_text(line.vat_cents))
    return _serialise("client-listing", root)


def intra_listing_xml(declarant: Declarant, period: rules.VatPeriod, lines: Sequence[rules.IntraLine]) -> bytes:
    """The NewICO consignment: one IntraClient per customer VAT number and code (at least one)."""
    ns = NS["intra-listing"]
    root = etree.Element(f"{{{ns}}}IntraConsignment", {"IntraListingsNbr": "1"},
                         nsmap={None: ns, "common": NS_COMMON})
    listing = _sub(root, ns, "IntraListing", SequenceNumber=1, ClientsNbr=len(lines),
                   AmountSum=rules.amount_text(sum(x.amount_cents for x in lines)))
    _declarant(listing, ns, declarant)
    when = _sub(listing, ns, "Period")
    if period.kind != "year":
        _sub(when, ns, "Month" if period.kind == "month" else "Quarter", period.number)
    _sub(when, ns, "Year", period.year)
    for number, line in enumerate(lines, start=1):
        client = _sub(listing, ns, "IntraClient", SequenceNumber=number)
        _sub(client, ns, "CompanyVATNumber", line.vat.number, issuedBy=line.vat.country)
        _sub(client, ns, "Code", line.code)
        _sub(client, ns, "Amount", rules.amount_text(line.amount_cents))
    return _serialise("intra-listing", root)
