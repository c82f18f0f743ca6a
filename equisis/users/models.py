import peewee as pw

from equisis.store.database import BaseModel
from equisis.store.fields import BooleanField


class User(BaseModel):
    username = pw.CharField(max_length=40, unique=True)
    display_name = pw.CharField(max_length=80)
    role = pw.CharField(max_length=20)
    password_hash = pw.CharField(max_length=200)
    pin_hash = pw.CharField(max_length=200, null=True)
    language = pw.CharField(max_length=2, default="fr")
    active = BooleanField(default=True)
    created_at = pw.CharField(max_length=40)

    def snapshot(self) -> dict:
        """What the audit log keeps of a user (never a hash)."""
        return {"username": self.username, "display_name": self.display_name, "role": self.role,
                "language": self.language, "active": self.active, "has_pin": bool(self.pin_hash)}


class ApiToken(BaseModel):
    """A bearer token for the JSON API, of a user or of a paired terminal. Only its sha256 is kept."""

    token_hash = pw.CharField(max_length=64, unique=True)
    user = pw.ForeignKeyField(User, backref="tokens", on_delete="RESTRICT")
    label = pw.CharField(max_length=80)
    created_at = pw.CharField(max_length=40)
    last_used_at = pw.CharField(max_length=40, null=True)
    revoked_at = pw.CharField(max_length=40, null=True)


MODELS = [User, ApiToken]
