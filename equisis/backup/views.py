"""The backup page: history, back up now, settings, restore (from the list or an upload), USB sticks."""
from __future__ import annotations

import logging
import threading
import uuid
from pathlib import Path

from flask import (Blueprint, current_app, flash, g, redirect, render_template, request, send_file,
                   url_for)

from equisis import doctor
from equisis.backup import history, rules, service, usb
from equisis.backup.errors import NotRemovableMedia, RestoreNotConfirmed, UploadMissing
from equisis.core.errors import EquisisError
from equisis.core.i18n import gettext
from equisis.store.errors import ReadOnlyCompany
from equisis.web import security
from equisis.web.access import roles
from equisis.web.app import instance
from equisis.web.forms import field_errors

bp = Blueprint("backup", __name__, url_prefix="/c/<slug>")
log = logging.getLogger("equisis.backup")

#: Backups started from the page, by (instance folder, slug): one at a time, in a thread of their own.
_jobs: dict[tuple[str, str], threading.Thread] = {}
_jobs_guard = threading.Lock()


def wait_for_jobs(timeout: float = 60.0) -> None:
    """Wait for the backups started from the page (tests, and a clean shutdown)."""
    with _jobs_guard:
        threads = list(_jobs.values())
    for thread in threads:
        thread.join(timeout)


def _start_job(target, *args) -> bool:
    key = (str(instance().root), g.company.slug)
    with _jobs_guard:
        running = _jobs.get(key)
        if running is not None and running.is_alive():
            return False

        def run():
            try:
                target(*args)
            except EquisisError as exc:
                log.warning("backup of %s failed: %s", key[1], exc.message("en"))
            except Exception:  # noqa: BLE001 - the history records it; the thread must not die noisily
                log.exception("backup of %s failed", key[1])

        thread = threading.Thread(target=run, name=f"equisis-backup-{key[1]}", daemon=True)
        _jobs[key] = thread
        thread.start()
    return True


def _destination() -> Path:
    return history.company_backups(instance().root, g.company.slug)


def _removable() -> list[rules.Mount]:
    roots = current_app.config.get("BACKUP_REMOVABLE_ROOTS", rules.REMOVABLE_ROOTS)
    return rules.removable_mounts(usb.proc_mounts(), roots)


def _sticks() -> list[dict]:
    return [{"mount": m, "initialised": usb.is_equisis_stick(Path(m.mount_point), None)} for m in _removable()]


def _usb_message(status: dict | None) -> str:
    if not status or not status.get("error"):
        return ""
    run = rules.BackupRun("", "", "", "", "failed", message=status.get("message", ""), error=status["error"],
                          params=status.get("params") or {})
    return service.run_message(run)


def _status_context() -> dict:
    runs = history.runs(instance().root, g.company.slug)[:30]
    usb_status = history.usb_status(instance().root)
    return {"runs": runs, "messages": {r.run_id: service.run_message(r) for r in runs if r.error},
            "usb": usb_status, "usb_message": _usb_message(usb_status), "human_size": rules.human_size,
            "busy": any(r.status == "running" for r in runs) or bool(
                usb_status and usb_status.get("phase") not in ("done", "failed", "refused", "interrupted"))}


@bp.get("/backups/")
@roles("admin")
def backups(errors=None, status=200):
    settings = service.settings(g.company)
    archives = service.list_archives(_destination(), g.company.slug)
    return render_template("backup/backups.html", settings=settings, archives=archives, sticks=_sticks(),
                           errors=errors or {}, **_status_context()), status


@bp.get("/backups/status")
@roles("admin")
def backup_status():
    """The history and USB panel alone, polled by htmx while a backup runs."""
    return render_template("backup/_status.html", **_status_context())


@bp.post("/backups/run")
@roles("admin")
def run_backup():
    store = g.company
    if _start_job(lambda: service.back_up(store, checks=doctor.run, trigger="manual")):
        flash(gettext("Backup started; this page shows its progress."), "success")
    else:
        flash(gettext("A backup of this company is already running."), "warning")
    return redirect(url_for("backup.backups"), code=303)


@bp.post("/backups/settings")
@roles("admin")
def save_settings():
    try:
        service.save_settings(request.form.to_dict())
    except EquisisError as exc:
        return backups(errors=field_errors(exc), status=exc.status)
    flash(gettext("Backup settings saved."), "success")
    return redirect(url_for("backup.backups"), code=303)


@bp.get("/backups/file/<name>")
@roles("admin")
def download(name: str):
    archive = service.find_archive(_destination(), name, g.company.slug)
    if len(archive.paths) != 1:
        flash(gettext("This backup is split into parts: copy them from the backups folder or a stick."), "warning")
        return redirect(url_for("backup.backups"), code=303)
    return send_file(archive.first_path, mimetype="application/zip", as_attachment=True, download_name=archive.name)


@bp.before_app_request
def _allow_large_uploads():
    """A backup to restore may be far larger than the usual upload limit (the body is read by CSRF checks)."""
    if request.endpoint == "backup.restore":
        request.max_content_length = current_app.config.get("BACKUP_UPLOAD_MAX_BYTES", 64 * 1024**3)


@bp.post("/backups/restore")
@roles("admin")
def restore():
    slug = g.company.slug
    upload_path = None
    try:
        if instance().read_only:
            raise ReadOnlyCompany()
        if (request.form.get("confirm") or "").strip() != slug:
            raise RestoreNotConfirmed(slug=slug, field="confirm")
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            folder = _destination() / "uploads"
            folder.mkdir(parents=True, exist_ok=True)
            upload_path = folder / f"{uuid.uuid4().hex}.zip"
            upload.save(upload_path)
            archive = upload_path
        elif request.form.get("archive"):
            archive = service.find_archive(_destination(), request.form["archive"], slug).first_path
        else:
            raise UploadMissing(field="file")
        result = service.restore(instance(), archive, checks=doctor.run, slug=slug, running=True,
                                 expect_slug=slug)
    except EquisisError as exc:
        flash(exc.message(), "error")
        return redirect(url_for("backup.backups"), code=303)
    finally:
        if upload_path is not None:
            upload_path.unlink(missing_ok=True)
    security.sign_out(slug)  # the restored company may know other users and roles: sign in again
    flash(gettext("The company was restored from the backup of {date}; sign in again.",
                  date=result.manifest.get("created_at", "")[:16].replace("T", " ")), "success")
    if result.warnings:
        flash(gettext("The restored data has problems the doctor reports: {problems}",
                      problems="; ".join(result.warnings[:5])), "warning")
    return redirect(url_for("users.login", slug=slug), code=303)


def _chosen_stick() -> rules.Mount:
    chosen = request.form.get("mount_point") or ""
    for mount in _removable():
        if mount.mount_point == chosen:
            return mount
    raise NotRemovableMedia(path=chosen)


@bp.post("/backups/stick/initialise")
@roles("admin")
def initialise_stick():
    try:
        mount = _chosen_stick()
        usb.initialise_stick(Path(mount.mount_point), _removable())
    except (EquisisError, OSError) as exc:
        flash(exc.message() if isinstance(exc, EquisisError) else str(exc), "error")
    else:
        flash(gettext("The drive {path} is now an Equisis backup stick.", path=mount.mount_point), "success")
    return redirect(url_for("backup.backups"), code=303)


@bp.post("/backups/stick/run")
@roles("admin")
def stick_backup():
    try:
        mount = _chosen_stick()
    except EquisisError as exc:
        flash(exc.message(), "error")
        return redirect(url_for("backup.backups"), code=303)
    store, root = g.company, instance().root

    def back_up_this_company(folder: Path, progress) -> list:
        return [service.back_up(store, folder, checks=doctor.run, trigger="usb",
                                progress=lambda phase, done, total: progress(store.slug, phase, done, total))]

    if _start_job(usb.usb_backup, root, mount.mount_point, back_up_this_company):
        flash(gettext("Backup to {path} started.", path=mount.mount_point), "success")
    else:
        flash(gettext("A backup of this company is already running."), "warning")
    return redirect(url_for("backup.backups"), code=303)
