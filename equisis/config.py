"""Defaults; ``<instance>/config.py`` overrides them; tests pass a dict to create_app()."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_instance_path() -> Path:
    """EQUISIS_INSTANCE, else the project's instance/ folder (a source checkout), else ~/.local/share/equisis."""
    env = os.environ.get("EQUISIS_INSTANCE")
    if env:
        return Path(env).expanduser().resolve()
    checkout = PROJECT_ROOT / "instance"
    if (PROJECT_ROOT / "pyproject.toml").exists():
        return checkout
    return Path.home() / ".local" / "share" / "equisis"


DEFAULTS = {
    # Sessions: HttpOnly and SameSite always; Secure when the appliance is served over HTTPS.
    "SESSION_COOKIE_NAME": "equisis_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "SESSION_IDLE_MINUTES": 8 * 60,        # a signed-in user idle this long must sign in again
    "LOGIN_MAX_FAILURES": 5,               # per account and per address ...
    "LOGIN_WINDOW_SECONDS": 15 * 60,       # ... within this window
    "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    "LIST_PAGE_SIZE": 50,
    "READ_ONLY": False,                    # an accountant's copy or archive
}
