"""Tables every company database has, whatever modules it uses."""
import peewee as pw

from equisis.store.database import BaseModel


class SchemaMigration(BaseModel):
    """One applied migration: (package, number) with the Equisis version that applied it."""

    package = pw.CharField(max_length=40)
    number = pw.IntegerField()
    name = pw.CharField(max_length=120)
    applied_at = pw.CharField(max_length=40)
    app_version = pw.CharField(max_length=20)

    class Meta:
        primary_key = pw.CompositeKey("package", "number")


class NumberSequence(BaseModel):
    """The next free number of a journal in a fiscal year (gapless: taken inside the posting transaction)."""

    journal = pw.CharField(max_length=20)
    fiscal_year = pw.CharField(max_length=20)
    next_number = pw.IntegerField(default=1)

    class Meta:
        primary_key = pw.CompositeKey("journal", "fiscal_year")


class IdempotencyKey(BaseModel):
    """A submit already carried out: the same key again returns ``ref`` instead of creating twice."""

    key = pw.CharField(max_length=80, primary_key=True)
    scope = pw.CharField(max_length=60)
    ref = pw.CharField(max_length=200)
    created_at = pw.CharField(max_length=40)
    actor = pw.CharField(max_length=80)


class AuditEvent(BaseModel):
    """Who did what, when, with the record before and after; append-only and hash-chained."""

    at = pw.CharField(max_length=40)
    actor = pw.CharField(max_length=80, index=True)
    action = pw.CharField(max_length=20, index=True)
    object_type = pw.CharField(max_length=60, index=True)
    object_id = pw.CharField(max_length=80)
    before_json = pw.TextField(null=True)
    after_json = pw.TextField(null=True)
    prev_hash = pw.CharField(max_length=64)
    hash = pw.CharField(max_length=64, unique=True)


class Setting(BaseModel):
    key = pw.CharField(max_length=80, primary_key=True)
    value_json = pw.TextField()


SPINE_MODELS = [SchemaMigration, NumberSequence, IdempotencyKey, AuditEvent, Setting]
