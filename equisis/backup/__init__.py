"""Backups and restores of company folders: one verified zip per backup, nightly and on a USB stick.

* :mod:`equisis.backup.service` — ``back_up``, ``verify_archive``, ``restore``, listing and retention;
* :mod:`equisis.backup.archive` — the zip written as a stream and cut into parts, read back verified;
* :mod:`equisis.backup.rules` — names, retention, manifest, schedule, settings (pure);
* :mod:`equisis.backup.history` — the history and USB status files the backup page shows;
* :mod:`equisis.backup.scheduler` — the nightly backup thread started by ``equisis serve``;
* :mod:`equisis.backup.usb` — the USB stick job (mount, back up, sync, unmount);
* :mod:`equisis.backup.accountant` — ``equisis open``: a folder or an archive in a local browser.
"""
