import peewee as pw

from equisis.store.database import BaseModel
from equisis.store.fields import DateField


class CompanyProfile(BaseModel):
    """The one row describing the company (id 1): letterhead, VAT filing, first fiscal year."""

    name = pw.CharField(max_length=120)
    legal_form = pw.CharField(max_length=10)
    enterprise_number = pw.CharField(max_length=10)
    vat_number = pw.CharField(max_length=14, null=True)
    street = pw.CharField(max_length=120)
    postcode = pw.CharField(max_length=10)
    city = pw.CharField(max_length=80)
    country = pw.CharField(max_length=2, default="BE")
    iban = pw.CharField(max_length=34)
    bic = pw.CharField(max_length=11, null=True)
    email = pw.CharField(max_length=120, default="")
    phone = pw.CharField(max_length=40, default="")
    language = pw.CharField(max_length=2)
    vat_filing = pw.CharField(max_length=10)
    first_fiscal_year_start = DateField()
    first_fiscal_year_end = DateField()
    logo_path = pw.CharField(max_length=200, null=True)

    def snapshot(self) -> dict:
        return {f: getattr(self, f) for f in self._meta.sorted_field_names if f != "id"}


MODELS = [CompanyProfile]
