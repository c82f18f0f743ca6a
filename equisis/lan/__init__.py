"""The shop's LAN: the server advertised with mDNS, terminals found and paired with it.

* :mod:`equisis.lan.mdns` — ``LanAdvertiser`` (started by ``equisis serve``), ``discover()``, ``ServerWatch``;
* :mod:`equisis.lan.service` — pairing codes, ``pair_terminal``, heartbeat, ``revoke_terminal``,
  ``server_id``;
* :mod:`equisis.lan.terminal` — the terminal's side: its pairing file, finding its server again, the kiosk;
* :mod:`equisis.lan.rules` — the pure rules (names, TXT records, addresses, pairing codes).

No Flask here but in views.py: views call the service functions.
"""
