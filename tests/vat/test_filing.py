"""Filing: the frozen return, the locked periods, double filing refused, corrective returns, archives."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from equisis.core.errors import ValidationErrors
from equisis.documents import service as documents
from equisis.ledger.models import Period
from equisis.store.audit import acting_as
from equisis.store.errors import PostedRowImmutable
from equisis.store.database import write
from equisis.vat import service
from equisis.vat.errors import (AlreadyFiled, Grid91OnlyInDecember, InvalidGrid, InvalidReplacedReference,
                                NoOriginalReturn, PeriodNotEnded, ReasonRequired)
from equisis.vat.models import VatReturn

D = dt.date
AFTER = D(2026, 4, 20)


def test_filing_freezes_the_grids_and_locks_the_quarter(company, books, cast):
    books.sell(cast.dupont, [(10_000, 2100)], D(2026, 2, 10))
    with acting_as("user:sophie"):
        row = service.file_and_archive(company, "2026-Q1", today=AFTER)
    assert (row.kind, row.period, row.filed_by) == ("original", "2026-Q1", "user:sophie")
    assert row.grids["03"] == 10_000 and row.grids["71"] == 2_100
    assert {p.code: (p.state, p.locked_by) for p in Period.select() if p.code <= "2026-04"} == {
        "2026-01": ("locked", "vat"), "2026-02": ("locked", "vat"), "2026-03": ("locked", "vat"),
        "2026-04": ("open", None)}
    # posting into the filed quarter is refused; the next quarter is open
    with pytest.raises(ValidationErrors) as caught:
        books.sell(cast.dupont, [(10_000, 2100)], D(2026, 3, 31))
    assert "PeriodLocked" in {type(p).__name__ for p in caught.value.problems}
    books.sell(cast.dupont, [(10_000, 2100)], D(2026, 4, 1))
    # the XML and the PDF are archived, and the XML is the one filed
    archived = {d.mime_type: d for d in documents.documents_of("vat_return", row.id)}
    assert set(archived) == {"application/xml", "application/pdf"}
    xml = documents.read_document(company, archived["application/xml"].id)
    assert xml == service.xml_of(row) and hashlib.sha256(xml).hexdigest() == row.xml_sha256
    assert documents.read_document(company, archived["application/pdf"].id).startswith(b"%PDF-")


def test_a_period_is_filed_once(company, books, cast):
    service.file_return("2026-Q1", today=AFTER)
    with pytest.raises(AlreadyFiled):
        service.file_return("2026-Q1", today=AFTER)
    assert VatReturn.select().count() == 1


def test_an_overlapping_period_counts_as_filed(company):
    from equisis.company import service as company_service

    company_service.update_profile(vat_filing="monthly")
    service.file_return("2026-02", today=AFTER)
    company_service.update_profile(vat_filing="quarterly")
    with pytest.raises(AlreadyFiled):
        service.file_return("2026-Q1", today=AFTER)


def test_a_period_not_over_cannot_be_filed(company):
    with pytest.raises(PeriodNotEnded):
        service.file_return("2026-Q1", today=D(2026, 3, 31))


def test_filed_returns_never_change(company):
    row = service.file_return("2026-Q1", today=AFTER)
    with pytest.raises(PostedRowImmutable):
        with write():
            VatReturn.update(grids_json="{}").where(VatReturn.id == row.id).execute()
    with pytest.raises(PostedRowImmutable):
        with write():
            VatReturn.delete().where(VatReturn.id == row.id).execute()


def test_corrective_return_needs_an_original_and_a_reason(company):
    with pytest.raises(NoOriginalReturn):
        service.file_return("2026-Q1", kind="corrective", reason="x", today=AFTER)
    service.file_return("2026-Q1", today=AFTER)
    with pytest.raises(ReasonRequired):
        service.file_return("2026-Q1", kind="corrective", today=AFTER)
    with pytest.raises(InvalidGrid):
        service.file_return("2026-Q1", kind="corrective", reason="x", adjustments={"71": 5}, today=AFTER)
    with pytest.raises(InvalidReplacedReference):
        service.file_return("2026-Q1", kind="corrective", reason="x", replaced_reference="abc", today=AFTER)


def test_corrective_return_keeps_its_differences(company, books, cast):
    books.sell(cast.dupont, [(10_000, 2100)], D(2026, 2, 10))
    original = service.file_return("2026-Q1", today=AFTER)
    corrective = service.file_return(
        "2026-Q1", kind="corrective", reason="Investment booked as goods", today=AFTER,
        adjustments={"83": 50_000, "59": 10_500}, replaced_reference="123456-0403170701-000001")
    assert corrective.corrects_id == original.id
    assert service.differences_of(corrective) == {"83": 50_000, "59": 10_500, "71": -2_100, "72": 8_400}
    assert corrective.grids["03"] == 10_000 and corrective.grids["72"] == 8_400
    assert b"<ReplacedVATDeclaration>123456-0403170701-000001</ReplacedVATDeclaration>" in service.xml_of(corrective)
    second = service.file_return("2026-Q1", kind="corrective", reason="again", today=AFTER)
    assert second.corrects_id == corrective.id
    assert [r.kind for r in service.returns_of("2026-Q1")] == ["original", "corrective", "corrective"]


def test_grid_91_only_in_the_december_monthly_return(monthly, books, cast):
    with pytest.raises(Grid91OnlyInDecember):
        service.file_return("2026-11", grid_91=5_000, today=D(2027, 1, 10))
    row = service.file_return("2026-12", grid_91=5_000, today=D(2027, 1, 10))
    assert row.grids["91"] == 5_000 and row.grids["71"] == 0  # 91 is an advance, not part of the balance
    assert b'<Amount GridNumber="91">50.00</Amount>' in service.xml_of(row)


def test_restitution_is_asked_only_for_a_credit(company, books, cast):
    books.buy(cast.wholesaler, [(10_000, 2100)], D(2026, 2, 10))
    row = service.file_return("2026-Q1", restitution=True, payment_forms=True, today=AFTER)
    assert b'<Ask Restitution="YES" Payment="YES"/>' in service.xml_of(row)
    books.sell(cast.dupont, [(10_000, 2100)], D(2026, 5, 10))
    row = service.file_return("2026-Q2", restitution=True, today=D(2026, 7, 2))
    assert b'<Ask Restitution="NO" Payment="NO"/>' in service.xml_of(row)


def test_an_archive_lost_after_filing_is_made_again(company, books, cast):
    row = service.file_return("2026-Q1", today=AFTER)
    assert documents.documents_of("vat_return", row.id) == []
    assert service.return_document(company, row, "application/xml") == service.xml_of(row)
    assert service.return_document(company, row, "application/pdf").startswith(b"%PDF-")
    assert len(documents.documents_of("vat_return", row.id)) == 2


def test_doctor_checks_filed_returns(company):
    from equisis.vat import doctor

    service.file_return("2026-Q1", today=AFTER)
    assert doctor.check_filed_returns() == [] and doctor.check_filed_periods_locked() == []
    with write():
        Period.update(state="open", locked_by=None).where(Period.code == "2026-02").execute()
    assert len(doctor.check_filed_periods_locked()) == 1


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_the_return_prints_in_each_language(company, books, cast, language):
    from equisis.vat import pdf

    books.sell(cast.dupont, [(10_000, 2100)], D(2026, 2, 10))
    view = service.compute_return("2026-Q1")
    letterhead = documents.letterhead_from_profile(company.folder)
    assert pdf.preview_pdf(view, letterhead, language=language).startswith(b"%PDF-")
    row = service.file_return("2026-Q1", today=AFTER)
    corrective = service.file_return("2026-Q1", kind="corrective", reason="r", adjustments={"61": 100}, today=AFTER)
    for filed in (row, corrective):
        assert pdf.return_pdf(filed, letterhead, language=language).startswith(b"%PDF-")
