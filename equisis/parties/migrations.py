"""Migrations of the parties package.

Written out, not generated from the current models: a released migration never
changes, so migration 1 creates the party table as it was released (a frozen
copy of the model) and migration 2 adds the columns and tables of issue 4.
"""
import peewee as pw

from equisis.parties import rules
from equisis.parties.models import DETAIL_MODELS
from equisis.store.database import BaseModel, current_database
from equisis.store.fields import BooleanField
from equisis.store.migrate import Migration, PackageMigrations


class _PartyV1(BaseModel):
    name = pw.CharField(max_length=200)
    vat_number = pw.CharField(max_length=20, null=True, index=True)
    enterprise_number = pw.CharField(max_length=10, null=True, index=True)
    language = pw.CharField(max_length=2, default="fr")
    is_customer = BooleanField(default=False)
    is_supplier = BooleanField(default=False)
    created_at = pw.CharField(max_length=40)

    class Meta:
        table_name = "party"


PARTY_COLUMNS_2 = [
    "name_key VARCHAR(200) NOT NULL DEFAULT ''",
    "vat_regime VARCHAR(12) NOT NULL DEFAULT 'be'",
    "country VARCHAR(2) NOT NULL DEFAULT 'BE'",
    "payment_terms_days INTEGER NOT NULL DEFAULT 30",
    "credit_limit_cents INTEGER",
    "peppol_id VARCHAR(60)",
    "iban VARCHAR(34)",
    "bic VARCHAR(11)",
    "email VARCHAR(200)",
    "phone VARCHAR(40)",
    "invoice_by_email INTEGER NOT NULL DEFAULT 0",
    "notes TEXT NOT NULL DEFAULT ''",
    "vies_status VARCHAR(12)",
    "vies_checked_at VARCHAR(40)",
    "vies_name VARCHAR(200)",
    "vies_address TEXT",
    "vies_detail VARCHAR(200)",
    "updated_at VARCHAR(40)",
]


def _details():
    database = current_database()
    for column in PARTY_COLUMNS_2:
        database.execute_sql(f'ALTER TABLE "party" ADD COLUMN {column}')
    database.execute_sql('CREATE INDEX IF NOT EXISTS "party_name_key" ON "party" ("name_key")')
    database.create_tables(DETAIL_MODELS)
    rows = database.execute_sql('SELECT "id", "name", "vat_number", "enterprise_number" FROM "party"').fetchall()
    for party_id, name, vat_number, enterprise in rows:  # existing parties get their key, regime and Peppol id
        database.execute_sql('UPDATE "party" SET "name_key" = ?, "vat_regime" = ?, "peppol_id" = ? WHERE "id" = ?',
                             (rules.name_key(name), rules.default_regime(vat_number),
                              rules.default_peppol_id(enterprise), party_id))


MIGRATIONS = PackageMigrations("parties", (
    Migration(1, "parties", lambda: current_database().create_tables([_PartyV1])),
    Migration(2, "party details: regime, bank, Peppol, VIES, addresses, contacts, categories", _details),
))
