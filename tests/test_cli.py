"""The ``equisis`` command on real instance folders, through click's CliRunner."""
from __future__ import annotations

import apsw
import click
import pytest
from click.testing import CliRunner

from equisis import create_app
from equisis.cli import main
from equisis.core import i18n
from equisis.schema import all_migrations
from equisis.store import Instance
from equisis.store.models import AuditEvent
from equisis.users import service as user_service
from equisis.users.errors import InvalidCredentials
from equisis.version import __version__
from tests.factories import make_company

COMPANY_ARGS = ["company", "create", "--name", "Déco Sophie SRL", "--enterprise-number", "0403.170.701",
                "--vat-number", "BE0403170701", "--street", "Rue de Fer 12", "--postcode", "5000",
                "--city", "Namur", "--iban", "BE68 5390 0754 7034", "--fiscal-year-start", "2026-01-01",
                "--fiscal-year-end", "2026-12-31", "--admin", "sophie", "--password-stdin"]


@pytest.fixture
def instance_path(tmp_path):
    return tmp_path / "instance"


@pytest.fixture
def run(instance_path):
    """Run ``equisis --instance <tmp> ARGS`` in English; returns click's Result."""
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(main, ["--instance", str(instance_path), *args], input=input,
                             env={"LANG": "en_BE.UTF-8"}, catch_exceptions=False)

    return invoke


@pytest.fixture
def shop(instance_path):
    """A company made by the factory; the folder is closed again (unlocked) for the command."""
    instance = Instance(instance_path, all_migrations())
    slug = make_company(instance)
    instance.close()
    return slug


def _opened(instance_path, slug):
    instance = Instance(instance_path, all_migrations())
    return instance, instance.get(slug)


# ---------------------------------------------------------------- version and help


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"equisis, version {__version__}"


def _command_paths(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _command_paths(command, (*prefix, name))


COMMANDS = sorted(_command_paths(main))


def test_the_commands_the_brief_names_exist():
    assert {("serve",), ("demo",), ("doctor",), ("company", "create"), ("company", "list"), ("user", "add"),
            ("user", "passwd"), ("user", "token")} <= set(COMMANDS)


@pytest.mark.parametrize("path", [()] + COMMANDS, ids=lambda p: " ".join(p) or "equisis")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_on_every_command(run, path, flag):
    result = run(*path, flag)
    assert result.exit_code == 0, result.output
    usage = result.stdout.splitlines()[0]
    assert usage.startswith("Usage: ") and usage.split(" [OPTIONS]")[0].endswith(" ".join(("",) + path).rstrip())
    command = main
    for name in path:
        command = command.commands[name]
    assert command.help, f"{' '.join(path)} has no help text"
    assert command.help.split("\n")[0].split("(")[0].strip()[:30] in result.stdout


# ---------------------------------------------------------------- company


def test_company_create_and_list(run, instance_path):
    result = run(*COMPANY_ARGS, input="correct horse\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "deco-sophie-srl"
    listed = run("company", "list")
    assert listed.exit_code == 0
    assert listed.stdout == "deco-sophie-srl\tDéco Sophie SRL\n"
    instance, store = _opened(instance_path, "deco-sophie-srl")
    try:
        with store.session():
            admin = user_service.authenticate("sophie", "correct horse")
            assert admin.role == "admin"
    finally:
        instance.close()


def test_company_create_with_a_chosen_slug(run):
    result = run(*COMPANY_ARGS, "--slug", "shop", input="correct horse\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "shop"


@pytest.mark.parametrize("option,value,field,words", [
    ("--enterprise-number", "0403.170.702", "enterprise_number", "check digits"),
    ("--iban", "BE69 5390 0754 7034", "iban", "check digits"),
    ("--vat-number", "BE0766555267", "vat_number", "differs from the enterprise number"),
    ("--postcode", "50", "postcode", "Belgian postcode"),
])
def test_company_create_refuses_invalid_numbers(run, instance_path, option, value, field, words):
    args = list(COMPANY_ARGS)
    args[args.index(option) + 1] = value
    result = run(*args, input="correct horse\n")
    assert result.exit_code == 2
    assert f"Error: {field}: " in result.stderr
    assert words in result.stderr
    assert result.stdout == ""
    assert run("company", "list").stdout == ""  # nothing created


def test_company_create_refuses_a_weak_password(run):
    result = run(*COMPANY_ARGS, input="short\n")
    assert result.exit_code == 2
    assert "admin_password" in result.stderr and "at least 8 characters" in result.stderr


def test_company_create_refuses_an_existing_slug(run, shop):
    result = run(*COMPANY_ARGS, "--slug", shop, input="correct horse\n")
    assert result.exit_code == 2
    assert "already exists" in result.stderr


def test_company_list_on_an_empty_instance(run):
    result = run("company", "list")
    assert result.exit_code == 0
    assert result.stdout == ""


# ---------------------------------------------------------------- demo


def test_demo(run, instance_path):
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "Created 'demo'" in result.stdout and "sophie" in result.stdout
    assert run("company", "list").stdout == "demo\tDéco Lambert SRL\n"
    instance, store = _opened(instance_path, "demo")
    try:
        with store.session():
            assert user_service.authenticate("karim", "equisis-demo").role == "cashier"
            assert {u.username for u in user_service.pin_users()} >= {"karim", "els"}
    finally:
        instance.close()
    again = run("demo")
    assert again.exit_code == 2
    assert "already exists" in again.stderr


# ---------------------------------------------------------------- users


def test_user_add(run, shop, instance_path):
    result = run("user", "add", "karim", "--role", "cashier", "--pin", "1234", "--password-stdin",
                 input="karim-password\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "User karim added (cashier)."
    instance, store = _opened(instance_path, shop)
    try:
        with store.session():
            karim = user_service.authenticate("karim", "karim-password")
            assert karim.role == "cashier"
            assert user_service.authenticate_pin(karim.id, "1234").id == karim.id
            last = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
            assert last.actor.startswith("cli")
    finally:
        instance.close()


@pytest.mark.parametrize("args,input,words", [
    (["karim", "--role", "cashier"], "short\n", "at least 8 characters"),
    (["sophie", "--role", "cashier"], "long-enough\n", "already exists"),
    (["a b", "--role", "cashier"], "long-enough\n", "cannot be a user name"),
    (["karim", "--role", "cashier", "--pin", "12"], "long-enough\n", "4 to 6 digits"),
])
def test_user_add_refusals(run, shop, args, input, words):
    result = run("user", "add", *args, "--password-stdin", input=input)
    assert result.exit_code == 2
    assert words in result.stderr


def test_user_add_refuses_an_unknown_role(run, shop):
    result = run("user", "add", "karim", "--role", "boss", "--password-stdin", input="long-enough\n")
    assert result.exit_code == 2
    assert "boss" in result.stderr


def test_user_passwd(run, shop, instance_path):
    result = run("user", "passwd", "sophie", "--password-stdin", input="a-new-password\n")
    assert result.exit_code == 0, result.output
    assert "Password of sophie changed." in result.stdout
    instance, store = _opened(instance_path, shop)
    try:
        with store.session():
            assert user_service.authenticate("sophie", "a-new-password")
            with pytest.raises(InvalidCredentials):
                user_service.authenticate("sophie", "correct horse")
    finally:
        instance.close()
    unknown = run("user", "passwd", "nobody", "--password-stdin", input="a-new-password\n")
    assert unknown.exit_code == 2
    assert "nobody" in unknown.stderr


def test_user_token_authenticates_on_the_api(run, shop, instance_path):
    result = run("user", "token", "sophie", "--label", "webshop")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith(f"{shop}.") and len(token) > len(shop) + 30
    app = create_app({"INSTANCE_PATH": str(instance_path), "SECRET_KEY": "test", "TESTING": True})
    try:
        response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        assert response.get_json()["username"] == "sophie"
    finally:
        app.extensions["equisis.instance"].close()


def test_several_companies_need_company(run, instance_path):
    instance = Instance(instance_path, all_migrations())
    make_company(instance, slug="alpha-co")
    make_company(instance, slug="beta-co")
    instance.close()
    result = run("user", "token", "sophie")
    assert result.exit_code == 2
    assert "several companies" in result.stderr and "--company" in result.stderr
    chosen = run("user", "token", "sophie", "--company", "beta-co")
    assert chosen.exit_code == 0
    assert chosen.stdout.startswith("beta-co.")


def test_commands_on_an_empty_instance_explain_what_to_do(run):
    result = run("user", "token", "sophie")
    assert result.exit_code == 2
    assert "equisis company create" in result.stderr


# ---------------------------------------------------------------- doctor


def test_doctor_on_a_healthy_company(run, shop):
    result = run("doctor")
    assert result.exit_code == 0, result.output
    assert f"{shop}:" in result.stdout
    for check in ("SQLite integrity", "foreign keys", "migrations", "audit chain"):
        assert f"ok    {check}" in result.stdout
    assert "FAIL" not in result.stdout
    assert "all healthy" in result.stdout


def test_doctor_and_company_list_work_beside_a_running_server(run, shop, instance_path):
    """The server holds the folder lock; doctor and company list read the database read-only."""
    server = Instance(instance_path, all_migrations())
    server.get(shop)  # takes the lock, as `equisis serve` does
    try:
        assert run("doctor").exit_code == 0
        assert "Déco Sophie SRL" in run("company", "list").stdout
    finally:
        server.close()


def test_doctor_finds_a_tampered_audit_log(run, shop, instance_path):
    db = apsw.Connection(str(instance_path / "companies" / shop / "company.db"))
    db.execute("DROP TRIGGER audit_event_no_update")  # what someone with the file and sqlite3 could do
    db.execute("UPDATE audit_event SET actor = 'someone-else' WHERE id = 1")
    db.close()
    result = run("doctor")
    assert result.exit_code == 1
    assert "FAIL  audit chain" in result.stdout
    assert "event 1: content altered" in result.stdout
    assert "problems found" in result.stdout


def test_doctor_finds_a_deleted_audit_event(run, shop, instance_path):
    db = apsw.Connection(str(instance_path / "companies" / shop / "company.db"))
    db.execute("DROP TRIGGER audit_event_no_delete")
    db.execute("DELETE FROM audit_event WHERE id = 1")
    db.close()
    result = run("doctor")
    assert result.exit_code == 1
    assert "link altered" in result.stdout


@pytest.mark.parametrize("damage", ["not-sqlite", "torn-pages"])
def test_doctor_reports_a_corrupt_database(run, shop, instance_path, damage):
    path = instance_path / "companies" / shop / "company.db"
    data = bytearray(path.read_bytes())
    if damage == "not-sqlite":
        data[:16] = b"garbage garbage!"
    else:
        page_size = int.from_bytes(data[16:18], "big")
        for offset in range(page_size, len(data), 7):  # scribble over every page after the first
            data[offset] = 0xA5
    path.write_bytes(bytes(data))
    result = run("doctor")
    assert result.exit_code == 1
    assert "FAIL  open:" in result.stdout
    assert "damaged" in result.stdout
    assert path.read_bytes() == bytes(data)  # left untouched


def test_doctor_checks_every_company_and_one_on_request(run, instance_path):
    instance = Instance(instance_path, all_migrations())
    make_company(instance, slug="alpha-co")
    make_company(instance, slug="beta-co")
    instance.close()
    (instance_path / "companies" / "beta-co" / "company.db").write_bytes(b"garbage" * 100)
    everything = run("doctor")
    assert everything.exit_code == 1
    assert "alpha-co:" in everything.stdout and "beta-co:" in everything.stdout
    assert "2 companies checked" in everything.stdout
    alpha = run("doctor", "--company", "alpha-co")
    assert alpha.exit_code == 0
    assert "beta-co" not in alpha.stdout


# ---------------------------------------------------------------- language


class _Marked:
    """A stand-in catalog marking each message with its language."""

    def __init__(self, language):
        self.language = language

    def gettext(self, message):
        return f"[{self.language}] {message}"

    def ngettext(self, singular, plural, n):
        return f"[{self.language}] {singular if n == 1 else plural}"


@pytest.mark.parametrize("lang,expected", [("nl_BE.UTF-8", "nl"), ("de_BE.UTF-8", "de"), ("fr_BE.UTF-8", "fr"),
                                           ("C.UTF-8", "en"), ("POSIX", "en"), ("", "en")])
def test_messages_follow_lang(instance_path, shop, monkeypatch, lang, expected):
    monkeypatch.setattr(i18n, "translations", _Marked)
    before = i18n.current_language()
    result = CliRunner().invoke(main, ["--instance", str(instance_path), "user", "passwd", "nobody",
                                       "--password-stdin"], input="long-enough\n", env={"LANG": lang})
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: [{expected}] ")
    assert i18n.current_language() == before  # the command's language does not outlive it


def test_module_commands_are_registered_under_their_own_names():
    """COMMAND_MODULES maps each name to the module that defines it, and lists every module command."""
    import importlib

    from equisis.cli import COMMAND_MODULES

    for module in set(COMMAND_MODULES.values()):
        names = {command.name for command in importlib.import_module(module).COMMANDS}
        assert names == {n for n, m in COMMAND_MODULES.items() if m == module}, module
