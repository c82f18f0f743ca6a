"""``equisis invoice pdf NUMBER --out FILE`` on a real instance folder."""
from __future__ import annotations

from equisis.documents import service as documents
from equisis.sales import service as sales
from equisis.schema import all_migrations
from equisis.store import Instance
from tests.factories import make_company
from tests.sales.conftest import doc, line, make_customer, make_item
from tests.test_cli import instance_path, run  # noqa: F401 (fixtures)


def test_invoice_pdf_writes_and_archives_the_pdf(run, instance_path, tmp_path):  # noqa: F811
    instance = Instance(instance_path, all_migrations())
    slug = make_company(instance)
    with instance.get(slug).session():
        make_item()
        invoice = sales.post_invoice(sales.create_invoice(doc(make_customer(), line("CHAIR"))).id)
    instance.close()
    out = tmp_path / "f1.pdf"
    result = run("invoice", "pdf", "F2026/00001", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-") and "F2026/00001" in result.output
    instance = Instance(instance_path, all_migrations())
    with instance.get(slug).session():
        assert len(documents.documents_of("sales_invoice", invoice.id)) == 1
    instance.close()
    missing = run("invoice", "pdf", "F2026/00099", "--out", str(out))
    assert missing.exit_code == 2 and "F2026/00099 was not found" in missing.output
