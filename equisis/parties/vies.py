"""A small client of the VIES REST API (the European Commission's check of EU VAT numbers).

``POST {base_url}/check-vat-number`` with ``{"countryCode": "BE", "vatNumber": "0403170701"}`` answers
``{"valid": true, "name": "...", "address": "...", "requestDate": "...", "userError": "VALID", ...}``.
The check is optional and never blocks work: a timeout (5 s by default), an
unreachable server, an HTTP error, a member state's service being down
(``userError`` MS_UNAVAILABLE, TIMEOUT…) or an unreadable answer all give the
status "unavailable", and the caller saves the party anyway. Only "valid" and
"invalid" are answers about the number. VIES writes "---" where a member state
does not disclose the name or address: that is kept as empty.
"""
from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass

DEFAULT_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api"
DEFAULT_TIMEOUT_SECONDS = 5.0
STATUSES = ("valid", "invalid", "unavailable")
_ANSWERS = ("VALID", "INVALID")


def settings(config) -> dict:
    """base_url and timeout from a configuration mapping (VIES_URL, VIES_TIMEOUT_SECONDS), else the defaults."""
    return {"base_url": config.get("VIES_URL") or DEFAULT_URL,
            "timeout": float(config.get("VIES_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS)}


@dataclass(frozen=True)
class ViesResult:
    status: str                 # valid | invalid | unavailable
    name: str = ""
    address: str = ""
    request_date: str = ""
    detail: str = ""            # why it is unavailable (technical, for the log and the tooltip)


def _clean(value) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    return "" if text.strip("- ") == "" else text


def check(vat_number: str, *, base_url: str = DEFAULT_URL,
          timeout: float = DEFAULT_TIMEOUT_SECONDS) -> ViesResult:
    """Ask VIES about a compact VAT number with its prefix ('BE0403170701', 'EL094259216')."""
    country, number = vat_number[:2], vat_number[2:]
    body = json.dumps({"countryCode": country, "vatNumber": number}).encode("utf-8")
    request = urllib.request.Request(base_url.rstrip("/") + "/check-vat-number", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (configured URL)
            answer = json.loads(response.read(1_000_000).decode("utf-8"))
    except (socket.timeout, TimeoutError):
        return ViesResult("unavailable", detail="timeout")
    except urllib.error.HTTPError as exc:
        return ViesResult("unavailable", detail=f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return ViesResult("unavailable", detail="timeout")
        return ViesResult("unavailable", detail=str(reason)[:200])
    except (ValueError, UnicodeDecodeError):
        return ViesResult("unavailable", detail="unreadable answer")
    if not isinstance(answer, dict) or not isinstance(answer.get("valid"), bool):
        return ViesResult("unavailable", detail="unreadable answer")
    user_error = str(answer.get("userError") or ("VALID" if answer["valid"] else "INVALID"))
    if not answer["valid"] and user_error not in _ANSWERS:
        return ViesResult("unavailable", detail=user_error[:200])
    return ViesResult("valid" if answer["valid"] else "invalid", name=_clean(answer.get("name"))[:200],
                      address=_clean(answer.get("address")), request_date=str(answer.get("requestDate") or ""))
