"""The Debian package: built from the checkout, clean for lintian, installed, run and purged.

Building needs dpkg-deb and PyPI once (the wheels are cached under build/deb/cache). Installing
needs root: elsewhere that test is skipped with its reason. CI (.ci/run) installs lintian.
"""
from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "deb"
DATA = Path("/var/lib/equisis")
VENV = Path("/opt/equisis")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _run(*args, check=True, timeout=300, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing: .ci/run installs it")
        pytest.skip(f"{tool} is not installed (apt-get install {tool})")


@pytest.fixture(scope="module")
def deb() -> Path:
    _need("dpkg-deb")
    started = time.perf_counter()
    result = _run("bash", ROOT / "packaging" / "deb" / "build.sh", "--out", OUT,
                  env={**os.environ, "PYTHON": sys.executable}, timeout=840)
    path = Path(result.stdout.strip().splitlines()[-1])
    print(f"built {path.name} ({path.stat().st_size // 1024} KiB) in {time.perf_counter() - started:.1f} s")
    return path


def _field(deb: Path, name: str) -> str:
    return _run("dpkg-deb", "--field", deb, name).stdout.strip()


def _unit_dir(deb: Path) -> str:
    names = _run("dpkg-deb", "--contents", deb).stdout
    return "/usr/lib/systemd/system" if "./usr/lib/systemd/system/" in names else "/lib/systemd/system"


def _appliance(pattern: str) -> list[str]:
    return sorted(p.name for p in (ROOT / "appliance").glob(pattern))


def test_package_holds_the_wheelhouse_units_rules_and_logrotate(deb):
    listing = _run("dpkg-deb", "--contents", deb).stdout
    names = {line.split()[5].removeprefix(".") for line in listing.splitlines()}
    unit_dir = _unit_dir(deb)
    rules_dir = unit_dir.replace("systemd/system", "udev/rules.d")
    version = re.search(r'"(.+)"', (ROOT / "equisis" / "version.py").read_text()).group(1)
    expected = {f"/usr/lib/equisis/wheels/equisis-{version}-py3-none-any.whl", "/etc/logrotate.d/equisis",
                "/usr/share/doc/equisis/copyright", "/usr/share/man/man1/equisis.1.gz"}
    expected |= {f"{unit_dir}/{name}" for name in _appliance("*.service")}
    expected |= {f"{rules_dir}/{name}" for name in _appliance("*.rules")}
    assert expected <= names, sorted(expected - names)
    assert "/usr/bin/equisis -> /opt/equisis/bin/equisis" in listing
    assert not any(name.startswith("/opt") for name in names)  # made by the postinst, never shipped
    wheels = [n for n in names if n.startswith("/usr/lib/equisis/wheels/") and n.endswith(".whl")]
    assert any("/apsw-" in w for w in wheels) and any("/lxml-" in w for w in wheels)
    # Platform wheels inside: the package says which platform (packaging/README.md).
    assert _field(deb, "Architecture") == _run("dpkg", "--print-architecture").stdout.strip()
    depends = _field(deb, "Depends")
    assert re.search(r"python3 \(>= 3\.1\d\), python3 \(<< 3\.1\d\), python3-venv", depends), depends
    assert _field(deb, "Version").startswith(version)


def test_lintian_finds_no_error(deb):
    _need("lintian")
    result = _run("lintian", "--pedantic", "--fail-on", "error", deb, check=False, timeout=600)
    report = (result.stdout + result.stderr).strip()
    print(report or "lintian: no tag")
    errors = [line for line in report.splitlines() if line.startswith("E:")]
    assert result.returncode == 0 and not errors, report


# ---------------------------------------------------------------- install, run, purge (root)


def _serve_as_service_user() -> None:
    """The unit's ExecStart, as its user, on a free loopback port: /health answers from /opt/equisis."""
    server = subprocess.Popen(
        ["runuser", "-u", "equisis", "--", "env", "EQUISIS_INSTANCE=/var/lib/equisis", "/usr/bin/equisis", "serve",
         "--host", "127.0.0.1", "--port", "0", "--log-file", "/var/log/equisis/equisis.log"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        port = re.search(r"http://localhost:(\d+)/", line)
        assert port, f"no address in {line!r}: {server.stderr.read() if server.poll() is not None else ''}"
        with urllib.request.urlopen(f"http://127.0.0.1:{port.group(1)}/health", timeout=10) as response:
            assert response.status == 200
            assert b'"status":"ok"' in response.read()
    finally:
        server.terminate()
        server.wait(timeout=20)
    log = Path("/var/log/equisis/equisis.log").read_text()
    assert '"logger": "equisis.access"' in log and '"path": "/health"' in log, log


def _purge_everything(deb: Path) -> None:
    """Leave the machine as found: purge, then the postrm's data-removing path."""
    if _run("dpkg", "-s", "equisis", check=False).returncode == 0:
        _run("dpkg", "--purge", "equisis", check=False)
    with tempfile.TemporaryDirectory() as control:
        _run("dpkg-deb", "--control", deb, control)
        _run("sh", f"{control}/postrm", "purge", check=False,
             env={**os.environ, "EQUISIS_PURGE_DATA": "yes", "DPKG_MAINTSCRIPT_PACKAGE": "equisis",
                  "DPKG_MAINTSCRIPT_NAME": "postrm"})


def _user_exists() -> bool:
    try:
        pwd.getpwnam("equisis")
    except KeyError:
        return False
    return True


def test_install_run_and_purge(deb):
    if os.geteuid() != 0:
        pytest.skip("installing a .deb needs root (dpkg -i); run the tests as root, as CI does")
    if _run("dpkg", "-s", "equisis", check=False).returncode == 0 or DATA.exists() or VENV.exists() \
            or _user_exists():
        pytest.skip(f"Equisis is installed here, or {DATA} or the user 'equisis' exists: the test will not "
                    "touch a real installation")
    missing = [p for p in ("python3-venv", "adduser")
               if _run("dpkg-query", "-W", "-f", "${Status}", p, check=False).stdout != "install ok installed"]
    if missing:
        pytest.skip(f"the package's dependencies are not installed: {missing}")
    unit_dir = _unit_dir(deb)
    rules_dir = unit_dir.replace("systemd/system", "udev/rules.d")
    try:
        started = time.perf_counter()
        install = _run("dpkg", "-i", deb, timeout=600)
        print(install.stdout, install.stderr, f"installed in {time.perf_counter() - started:.1f} s", sep="\n")

        version = _run(VENV / "bin" / "equisis", "--version").stdout.strip()
        assert version.startswith("equisis, version ")
        assert _run("/usr/bin/equisis", "--version").stdout.strip() == version
        for name in _appliance("*.service"):
            assert Path(unit_dir, name).is_file(), name
        for name in _appliance("*.rules"):
            assert Path(rules_dir, name).is_file(), name
        assert Path("/etc/logrotate.d/equisis").is_file()
        assert Path("/etc/systemd/system/multi-user.target.wants/equisis.service").is_symlink()  # on at boot
        assert DATA.is_dir() and DATA.owner() == "equisis" and DATA.stat().st_mode & 0o777 == 0o750
        assert Path("/var/log/equisis").owner() == "equisis"
        if shutil.which("systemd-analyze"):
            man = [] if shutil.which("man") else ["--man=no"]  # with man: Documentation=man:equisis(1) is found
            _run("systemd-analyze", "verify", *man, f"{unit_dir}/equisis.service")
        if shutil.which("logrotate"):
            _run("logrotate", "--debug", "--state", DATA / "logrotate.state", "/etc/logrotate.d/equisis")
        _serve_as_service_user()

        # A company's folder: the default purge keeps it, and the user who owns it.
        company = DATA / "companies" / "shop"
        company.mkdir(parents=True)
        (company / "company.db").write_bytes(b"books")
        purge = _run("dpkg", "--purge", "equisis", timeout=300)
        assert "EQUISIS_PURGE_DATA=yes" in purge.stderr
        for gone in (VENV, Path("/usr/bin/equisis"), Path(unit_dir, "equisis.service"), Path("/var/log/equisis"),
                     Path("/etc/logrotate.d/equisis"), Path("/etc/systemd/system/multi-user.target.wants/equisis.service"),
                     *(Path(rules_dir, name) for name in _appliance("*.rules"))):
            assert not os.path.lexists(gone), gone
        assert (company / "company.db").read_bytes() == b"books"
        assert _user_exists()
    finally:
        _purge_everything(deb)
    # EQUISIS_PURGE_DATA=yes removes the data and the user as well.
    assert not DATA.exists()
    assert not _user_exists()
