#!/usr/bin/env bash
# Build the Equisis Debian package from this checkout: packaging/README.md explains the choices.
#
#   packaging/deb/build.sh [--out DIR] [--cache DIR] [--arch ARCH] [--python X.Y] [--glibc 2.N] [--debian N]
#
# The package ships a wheelhouse (the project's wheel and every dependency's, binary ones for one CPU
# architecture and one CPython version); its postinst builds the virtualenv /opt/equisis from it
# offline. Defaults describe this machine's Debian (dpkg's architecture, /usr/bin/python3, glibc), so
# building on a Raspberry Pi makes the arm64 package; `--arch arm64` makes it from a PC (wheels come
# from PyPI for that platform; nothing is compiled).
#
# Dependency wheels are downloaded once into the cache (default build/deb/cache/wheels) and reused
# offline afterwards. PYTHON (default python3) runs pip: any Python >= 3.11 (without pip, a build venv).
# DEBFULLNAME and DEBEMAIL name the maintainer.
# Prints the path of the .deb on its last line.
set -euo pipefail
umask 022

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/packaging/deb"
OUT="$ROOT/build/deb"
CACHE=""
ARCH="$(dpkg --print-architecture)"
PYVER="$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo 3.11)"
GLIBC="$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')"
DEBIAN_MAJOR="$(cut -d. -f1 /etc/debian_version 2>/dev/null || echo 12)"
PYTHON="${PYTHON:-python3}"
# The project has no mail address yet: set DEBFULLNAME and DEBEMAIL (debchange's variables) for a release.
MAINTAINER="${DEBFULLNAME:-Equisis maintainers} <${DEBEMAIL:-maintainers@equisis.invalid}>"

while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT="$2"; shift 2 ;;
        --cache) CACHE="$2"; shift 2 ;;
        --arch) ARCH="$2"; shift 2 ;;
        --python) PYVER="$2"; shift 2 ;;
        --glibc) GLIBC="$2"; shift 2 ;;
        --debian) DEBIAN_MAJOR="$2"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "build.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
OUT="$(mkdir -p "$OUT" && cd "$OUT" && pwd)"
if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
    # Debian's python3 has no pip without python3-pip: a build venv has one (python3-venv).
    [ -x "$OUT/build-venv/bin/python" ] || "$PYTHON" -m venv "$OUT/build-venv"
    PYTHON="$OUT/build-venv/bin/python"
fi
CACHE="${CACHE:-$OUT/cache/wheels}"
mkdir -p "$CACHE"

case "$ARCH" in
    amd64) MACHINE=x86_64 ;;
    arm64) MACHINE=aarch64 ;;
    armhf) MACHINE=armv7l ;;
    i386) MACHINE=i686 ;;
    ppc64el) MACHINE=ppc64le ;;
    s390x) MACHINE=s390x ;;
    *) echo "build.sh: no manylinux wheels for Debian architecture $ARCH" >&2; exit 2 ;;
esac
case "$PYVER" in
    3.1[1-9]) ;;
    *) echo "build.sh: Equisis needs Python >= 3.11 on the target, not $PYVER" >&2; exit 2 ;;
esac
case "$DEBIAN_MAJOR" in
    ''|*[!0-9]*) DEBIAN_MAJOR=13 ;;  # testing/sid name themselves: newer than any release
esac
# Bookworm's systemd, udev and lintian look in /lib; from trixie on (merged /usr) /usr/lib.
if [ "$DEBIAN_MAJOR" -ge 13 ]; then LIBDIR=/usr/lib; else LIBDIR=/lib; fi
GLIBC_MINOR="${GLIBC#2.}"
case "$GLIBC_MINOR" in ''|*[!0-9]*) GLIBC_MINOR=36 ;; esac
PYNEXT="3.$(( ${PYVER#3.} + 1 ))"
PYTAG="cp${PYVER/./}"

UPSTREAM="$("$PYTHON" -c 'import re,sys; print(re.search(r"__version__\s*=\s*\"([^\"]+)\"", open(sys.argv[1]).read()).group(1))' "$ROOT/equisis/version.py")"
# PEP 440 pre-releases sort before the release in Debian with a tilde: 0.2.0rc1 -> 0.2.0~rc1.
DEBVERSION="$(echo "$UPSTREAM" | sed -E 's/\.?(dev|a|b|rc)([0-9]*)$/~\1\2/')-1"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}"

echo "equisis $DEBVERSION for $ARCH (CPython $PYVER, glibc 2.$GLIBC_MINOR, Debian $DEBIAN_MAJOR) in $OUT" >&2

# ---------------------------------------------------------------- the wheelhouse

WHEELHOUSE="$OUT/wheelhouse"
rm -rf "$WHEELHOUSE"
mkdir -p "$WHEELHOUSE"
"$PYTHON" - "$ROOT/pyproject.toml" > "$OUT/requirements.txt" <<'EOF'
import sys, tomllib
print("\n".join(tomllib.load(open(sys.argv[1], "rb"))["project"]["dependencies"]))
EOF

platforms=()
for minor in $(seq 17 "$GLIBC_MINOR"); do platforms+=(--platform "manylinux_2_${minor}_${MACHINE}"); done
platforms+=(--platform "manylinux2014_${MACHINE}")
if [ "$MACHINE" = x86_64 ] || [ "$MACHINE" = i686 ]; then
    platforms+=(--platform "manylinux2010_${MACHINE}" --platform "manylinux1_${MACHINE}")
fi

download() {
    "$PYTHON" -m pip download --disable-pip-version-check --quiet --only-binary=:all: \
        --implementation cp --python-version "$PYVER" --abi "$PYTAG" --abi abi3 --abi none \
        "${platforms[@]}" -r "$OUT/requirements.txt" "$@"
}
# Offline from the cache when it has everything; else fill the cache from PyPI and try again.
if ! download --no-index --find-links "$CACHE" -d "$WHEELHOUSE" 2>/dev/null; then
    rm -rf "$WHEELHOUSE" && mkdir -p "$WHEELHOUSE"
    echo "downloading dependency wheels into $CACHE" >&2
    download -d "$CACHE"
    download --no-index --find-links "$CACHE" -d "$WHEELHOUSE"
fi
# The project's own wheel (pure Python; the build backend compiles the translations).
if ! "$PYTHON" -m pip wheel --disable-pip-version-check --quiet --no-deps -w "$WHEELHOUSE" "$ROOT" \
        > "$OUT/wheel.log" 2>&1; then
    cat "$OUT/wheel.log" >&2
    exit 1
fi
test -f "$WHEELHOUSE/equisis-$UPSTREAM-py3-none-any.whl"

# ---------------------------------------------------------------- the package tree

PKG="$OUT/root"
rm -rf "$PKG"
WHEELDIR=/usr/lib/equisis/wheels      # arch-dependent files: /usr/lib, not /usr/share
DOC="$PKG/usr/share/doc/equisis"
install -d "$PKG/DEBIAN" "$PKG$WHEELDIR" "$PKG/usr/bin" "$PKG$LIBDIR/systemd/system" "$PKG/etc/logrotate.d" \
    "$DOC" "$PKG/usr/share/man/man1" "$PKG/usr/share/lintian/overrides"
install -m 0644 "$WHEELHOUSE"/*.whl "$PKG$WHEELDIR/"
ln -s /opt/equisis/bin/equisis "$PKG/usr/bin/equisis"

units=()
for unit in "$ROOT"/appliance/*.service "$ROOT"/appliance/*.timer "$ROOT"/appliance/*.path; do
    [ -e "$unit" ] || continue
    install -m 0644 "$unit" "$PKG$LIBDIR/systemd/system/"
    units+=("$(basename "$unit")")
done
for rules in "$ROOT"/appliance/*.rules; do
    [ -e "$rules" ] || continue
    install -d "$PKG$LIBDIR/udev/rules.d"
    install -m 0644 "$rules" "$PKG$LIBDIR/udev/rules.d/"
done
install -m 0644 "$HERE/equisis.logrotate" "$PKG/etc/logrotate.d/equisis"
install -m 0644 "$HERE/lintian-overrides" "$PKG/usr/share/lintian/overrides/equisis"
gzip -9n < "$HERE/equisis.1" > "$PKG/usr/share/man/man1/equisis.1.gz"
install -m 0644 "$ROOT/appliance/README.md" "$DOC/README.appliance.md"
install -m 0644 "$ROOT/packaging/README.md" "$DOC/README.Debian"

# Copyright: Equisis, then every bundled wheel (their licences travel inside the wheels' metadata).
{
    sed "s|@YEAR@|$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)|" "$HERE/copyright"
    echo
    echo "Files: usr/lib/equisis/wheels/*"
    echo "Copyright: the authors of each bundled Python distribution"
    echo "License: various-free-licences"
    echo " The wheelhouse bundles these Python distributions; each wheel's METADATA and"
    echo " license files state its licence (MIT, BSD, Apache-2.0, PSF, LGPL, MPL-2.0 ...):"
    for wheel in "$WHEELHOUSE"/*.whl; do
        echo " $(basename "$wheel" | cut -d- -f1-2 | tr - ' ')"
    done
} > "$DOC/copyright"
chmod 0644 "$DOC/copyright"

changelog_date="$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
cat <<EOF | gzip -9n > "$DOC/changelog.Debian.gz"
equisis ($DEBVERSION) unstable; urgency=medium

  * Equisis $UPSTREAM, built from the project's checkout by packaging/deb/build.sh.

 -- $MAINTAINER  $changelog_date
EOF

# Maintainer scripts, with the version, paths and units filled in.
for script in postinst prerm postrm; do
    sed -e "s|@UPSTREAM@|$UPSTREAM|g" -e "s|@WHEELDIR@|$WHEELDIR|g" -e "s|@UNITS@|${units[*]}|g" \
        "$HERE/$script" > "$PKG/DEBIAN/$script"
    chmod 0755 "$PKG/DEBIAN/$script"
done
echo /etc/logrotate.d/equisis > "$PKG/DEBIAN/conffiles"

installed_kb="$(du -sk --apparent-size --exclude=DEBIAN "$PKG" | cut -f1)"
cat > "$PKG/DEBIAN/control" <<EOF
Package: equisis
Version: $DEBVERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $installed_kb
Depends: python3 (>= $PYVER), python3 (<< $PYNEXT), python3-venv, adduser
Recommends: avahi-daemon, logrotate
Suggests: nftables, unattended-upgrades
Section: misc
Priority: optional
Description: business-management appliance for Belgian small businesses
 Equisis keeps the books to Belgian standards, invoices (Peppol), sells at
 the till and counts the stock, in French, Dutch, English and German. One
 small server in the shop (a mini-PC or a Raspberry Pi) serves the tills,
 scanners, printers and the accountant's browser over the local network.
 .
 This package creates the system user "equisis", keeps the companies in
 /var/lib/equisis, builds its own Python virtual environment in /opt/equisis
 from the wheels it ships (no network needed) and runs the web application
 as the systemd service equisis.service on port 8080.
EOF

(cd "$PKG" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$PKG/DEBIAN/md5sums"
find "$PKG" -type d -exec chmod 0755 {} +
find "$PKG" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

DEB="$OUT/equisis_${DEBVERSION}_${ARCH}.deb"
rm -f "$DEB"
# Wheels are zip files already: gzip costs little time and loses almost nothing to xz.
dpkg-deb --root-owner-group -Zgzip --build "$PKG" "$DEB" >&2
echo "$DEB"
