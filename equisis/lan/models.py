import peewee as pw

from equisis.store.database import BaseModel
from equisis.users.models import ApiToken, User


class Terminal(BaseModel):
    """A paired till, kiosk or laptop: its own technical user (role cashier, no usable password) and token."""

    name = pw.CharField(max_length=80)
    user = pw.ForeignKeyField(User, on_delete="RESTRICT")
    token = pw.ForeignKeyField(ApiToken, on_delete="RESTRICT")
    paired_at = pw.CharField(max_length=40)
    paired_from = pw.CharField(max_length=64, null=True)
    last_seen_at = pw.CharField(max_length=40, null=True)
    last_seen_from = pw.CharField(max_length=64, null=True)
    revoked_at = pw.CharField(max_length=40, null=True)

    def snapshot(self) -> dict:
        return {"name": self.name, "user": self.user_id, "token": self.token_id,
                "paired_from": self.paired_from, "revoked": self.revoked_at is not None}


class PairingCode(BaseModel):
    """A one-time code shown on the server; only its sha256 is kept."""

    code_hash = pw.CharField(max_length=64, unique=True)
    created_at = pw.CharField(max_length=40)
    created_by = pw.CharField(max_length=80)
    expires_at = pw.CharField(max_length=40)
    used_at = pw.CharField(max_length=40, null=True)
    terminal = pw.ForeignKeyField(Terminal, null=True, on_delete="RESTRICT")


MODELS = [Terminal, PairingCode]
