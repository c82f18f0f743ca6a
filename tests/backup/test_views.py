"""The backup page through the Flask client: history, back up now, settings, restore, USB sticks."""
from __future__ import annotations

import io
import json

import pytest

from equisis.backup import history, service, usb, views
from equisis.users.models import User
from tests.backup.conftest import add_documents
from tests.web.conftest import (add_user, admin, app, client, csrf_in, instance_path, make_app,  # noqa: F401
                                sign_in, slug, store, text_of)


def page(client, slug):
    response = client.get(f"/c/{slug}/backups/")
    assert response.status_code == 200, response.status_code
    return response


def post(client, slug, path, data=None, **kwargs):
    token = csrf_in(page(client, slug).get_data(as_text=True))
    return client.post(f"/c/{slug}/backups/{path}", data={"_csrf": token, **(data or {})}, **kwargs)


def test_only_administrators_see_the_page_and_its_menu_entry(app, client, slug, store, admin):
    assert "Backups" in text_of(client.get(f"/c/{slug}/"))
    add_user(store, "dubois", "accountant")
    other = app.test_client()
    sign_in(other, slug, "dubois", "password-xxxx")
    assert other.get(f"/c/{slug}/backups/").status_code == 403
    assert other.post(f"/c/{slug}/backups/run").status_code in (400, 403)


def test_back_up_now_shows_in_the_history_and_the_list(client, slug, store, admin):
    add_documents(store)
    response = post(client, slug, "run")
    assert response.status_code == 303
    views.wait_for_jobs()
    text = text_of(page(client, slug))
    assert "verified" in text and "by hand" in text
    [archive] = service.list_archives(history.company_backups(store.folder.parent.parent, slug), slug)
    assert archive.name in text
    download = client.get(f"/c/{slug}/backups/file/{archive.name}")
    assert download.status_code == 200 and download.data == archive.first_path.read_bytes()
    assert client.get(f"/c/{slug}/backups/file/equisis-{slug}-20000101-000000.zip").status_code == 404
    fragment = client.get(f"/c/{slug}/backups/status")
    assert fragment.status_code == 200 and "hx-trigger" not in fragment.get_data(as_text=True)


def test_a_running_backup_is_polled(client, slug, store, admin):
    history.started(store.folder.parent.parent, slug, "r1", started_at="2026-03-14T02:30:00+01:00",
                    trigger="nightly", destination="x")
    html = page(client, slug).get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in html and "running" in html


def test_a_failed_run_says_why_in_the_readers_language(client, slug, store, admin):
    root = store.folder.parent.parent
    history.started(root, slug, "r1", started_at="2026-03-14T02:30:00+01:00", trigger="usb", destination="/x")
    history.append(root, slug, {"run_id": "r1", "status": "failed", "error": "BackupDestinationFull",
                                "params": {"path": "/media/stick"}, "message": "english"})
    text = text_of(page(client, slug))
    assert "There is not enough room in /media/stick" in text and "failed" in text


def test_settings_are_saved_and_checked(client, slug, store, admin):
    response = post(client, slug, "settings", {"backup.daily_time": "03:45", "backup.keep_daily": "10",
                                               "backup.keep_monthly": "6"})
    assert response.status_code == 303
    settings = service.settings(store)
    assert (settings.daily_time.strftime("%H:%M"), settings.keep_daily, settings.keep_monthly) == ("03:45", 10, 6)
    response = post(client, slug, "settings", {"backup.daily_time": "27:00", "backup.keep_daily": "0",
                                               "backup.keep_monthly": "6"})
    assert response.status_code == 422
    text = text_of(response)
    assert "a time of day such as 02:30" in text and "a whole number from 1 to 120" in text


def _backup(store):
    from equisis import doctor

    return service.back_up(store, checks=doctor.run)


def test_restore_from_the_list_needs_the_slug_typed_and_signs_everyone_out(client, slug, store, admin):
    result = _backup(store)
    add_user(store, "late", "sales")
    response = post(client, slug, "restore", {"archive": result.name, "confirm": "wrong"})
    assert response.status_code == 303
    assert f"short name “{slug}” to confirm" in text_of(client.get(f"/c/{slug}/backups/"))
    with store.session():
        assert User.select().where(User.username == "late").exists()
    response = post(client, slug, "restore", {"archive": result.name, "confirm": slug})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/c/{slug}/login")
    assert client.get(f"/c/{slug}/backups/").status_code == 302  # signed out
    instance = client.application.extensions["equisis.instance"]
    restored = instance.get(slug)
    assert restored is not store
    with restored.session():
        assert not User.select().where(User.username == "late").exists()
    assert [p.name.split(".before-restore-")[0] for p in instance.companies_dir.iterdir()
            if ".before-restore-" in p.name] == [slug]


def test_restore_from_an_upload(app, client, slug, store, admin):
    result = _backup(store)
    content = result.paths[0].read_bytes()
    add_user(store, "late", "sales")
    token = csrf_in(page(client, slug).get_data(as_text=True))
    response = client.post(f"/c/{slug}/backups/restore", content_type="multipart/form-data",
                           data={"_csrf": token, "confirm": slug, "file": (io.BytesIO(content), "my-backup.zip")})
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")
    restored = app.extensions["equisis.instance"].get(slug)
    with restored.session():
        assert not User.select().where(User.username == "late").exists()
    assert not list((history.company_backups(store.folder.parent.parent, slug) / "uploads").iterdir())


def test_a_corrupted_upload_is_refused_and_nothing_changes(app, client, slug, store, admin):
    content = bytearray(_backup(store).paths[0].read_bytes())
    content[len(content) // 2] ^= 0x55
    token = csrf_in(page(client, slug).get_data(as_text=True))
    response = client.post(f"/c/{slug}/backups/restore", content_type="multipart/form-data",
                           data={"_csrf": token, "confirm": slug, "file": (io.BytesIO(bytes(content)), "b.zip")},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "damaged" in text_of(response) or "is not an Equisis backup" in text_of(response)
    assert app.extensions["equisis.instance"].get(slug) is store


@pytest.fixture
def fake_stick(tmp_path, monkeypatch, app):
    """A folder listed in /proc/mounts under the configured removable root (the listing is what is tested)."""
    root = tmp_path / "media"
    mount_point = root / "sophie" / "STICK"
    mount_point.mkdir(parents=True)
    app.config["BACKUP_REMOVABLE_ROOTS"] = (str(root),)
    monkeypatch.setattr(usb, "proc_mounts", lambda: f"/dev/sdz1 {mount_point} vfat rw 0 0\n/dev/sda1 / ext4 rw 0 0\n")
    return mount_point


def test_initialise_a_stick_then_back_up_onto_it(client, slug, store, admin, fake_stick):
    html = text_of(page(client, slug))
    assert str(fake_stick) in html and "Initialise as an Equisis stick" in html
    assert post(client, slug, "stick/initialise", {"mount_point": str(fake_stick)}).status_code == 303
    assert json.loads((fake_stick / "EQUISIS.ID").read_text())["equisis"] is True
    assert "Back up to this stick" in text_of(page(client, slug))
    assert post(client, slug, "stick/run", {"mount_point": str(fake_stick)}).status_code == 303
    views.wait_for_jobs()
    assert len(service.list_archives(fake_stick / "equisis-backups", slug)) == 1
    status = history.usb_status(store.folder.parent.parent)
    assert status["phase"] == "done" and status["safe_to_remove"] is False  # mounted by the desktop: eject it
    text = text_of(page(client, slug))
    assert "eject it from the system first" in text


def test_a_path_that_is_not_a_listed_drive_is_refused(client, slug, store, admin, fake_stick, tmp_path):
    response = post(client, slug, "stick/initialise", {"mount_point": str(tmp_path)})
    assert response.status_code == 303
    assert not (tmp_path / "EQUISIS.ID").exists()
    assert "is not a mounted removable drive" in text_of(client.get(f"/c/{slug}/backups/"))
