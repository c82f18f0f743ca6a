"""Onboarding gives a company its books: the chart of its legal form, journals, the first fiscal year."""
import datetime as dt

from equisis.ledger import service as ledger
from equisis.ledger.models import Account, AccountGroup
from tests.factories import make_company

D = dt.date


def test_a_new_company_has_its_chart_journals_and_fiscal_year(company):
    receivable = ledger.find_account("400")
    assert (receivable.kind, receivable.reconcilable, receivable.is_standard) == ("receivable", True, True)
    assert [receivable.name(lang) for lang in ("fr", "nl", "de", "en")] == [
        "Clients", "Klanten", "Kunden", "Customers"]
    assert Account.select().count() > 490 and AccountGroup.select().count() > 300
    assert ledger.find_account("693").name_fr == "Bénéfices à reporter"
    assert {j.code: j.kind for j in ledger.journals()} == {
        "VEN": "sale", "VNC": "sale_refund", "ACH": "purchase", "ANC": "purchase_refund", "OD": "misc",
        "OUV": "opening", "CLO": "closing", "BNK1": "bank", "CSH1": "cash"}
    bank = ledger.find_journal("BNK1")
    assert (bank.account.code, bank.iban, bank.account.kind) == ("550001", "BE68539007547034", "bank")
    assert ledger.find_journal("CSH1").account.code == "570001"
    (year,) = ledger.fiscal_years()
    assert (year.code, year.start, year.end, year.state) == ("2026", D(2026, 1, 1), D(2026, 12, 31), "open")
    assert [p.code for p in ledger.periods("2026")] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert ledger.chart_model() == "micro"
    assert [g.code_start for g in ledger.groups_of_account("550001")] == ["5", "55", "550"]


def test_journal_names_follow_the_company_language(instance):
    slug = make_company(instance, name="Textiel Peeters BV", language="nl", slug="peeters")
    with instance.get(slug).session():
        assert ledger.find_journal("VEN").name == "Verkoopfacturen"
        assert ledger.find_journal("BNK1").name == "Bank BE68 5390 0754 7034"
        bank = ledger.find_account("550001")
        assert (bank.name_fr, bank.name_de) == ("Banque BE68 5390 0754 7034", "Bank BE68 5390 0754 7034")


def test_an_association_gets_the_association_chart_and_a_long_first_year(instance):
    slug = make_company(instance, name="Les Amis ASBL", legal_form="asbl", slug="amis",
                        fiscal_year_start="2026-09-15", fiscal_year_end="2027-12-31")
    with instance.get(slug).session():
        assert ledger.find_account("100").name_fr == "Fonds de l'association ou de la fondation"
        assert Account.select().where(Account.code.in_(["693", "793"])).count() == 0
        assert ledger.find_account("730").kind == "income"
        assert ledger.chart_model() == "asso"
        (year,) = ledger.fiscal_years()
        assert year.code == "2026-2027" and len(ledger.periods(year.code)) == 16


def test_more_bank_accounts_and_cash_desks(company):
    second = ledger.add_bank_journal("BE71 0961 2345 6769")
    assert (second.code, second.account.code) == ("BNK2", "550002")
    assert ledger.add_cash_journal(name="Caisse atelier").account.code == "570002"
