#!/usr/bin/env bash
# First boot of an Equisis appliance: Debian 12 or Raspberry Pi OS Lite (bookworm), as root.
#
#   sudo bash first-boot.sh [--hostname equisis] [--deb PATH] [--no-firewall] [--no-updates] [--dry-run]
#
# 1. names the machine (default "equisis": http://equisis.local:8080/ through avahi/mDNS);
# 2. installs avahi, nftables, unattended-upgrades and the Equisis package (--deb, else the newest
#    equisis_*.deb beside this script, in the current folder or on the boot partition);
# 3. turns on automatic security updates (unattended-upgrades.conf beside this script);
# 4. applies the firewall (firewall.nft beside this script): the LAN only.
# Run it again at will: every step leaves things as they should be. --dry-run prints the commands.
# appliance/README.md tells the whole setup.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NAME=equisis
DEB=""
FIREWALL=yes
UPDATES=yes
DRY=no

while [ $# -gt 0 ]; do
    case "$1" in
        --hostname) NAME="$2"; shift 2 ;;
        --deb) DEB="$2"; shift 2 ;;
        --no-firewall) FIREWALL=no; shift ;;
        --no-updates) UPDATES=no; shift ;;
        --dry-run) DRY=yes; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "first-boot.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

say() { echo "==> $*"; }
die() { echo "first-boot.sh: $*" >&2; exit 1; }
run() {
    if [ "$DRY" = yes ]; then echo "+ $*"; else "$@"; fi
}
write() {  # write FILE: standard input to FILE (mode 0644)
    if [ "$DRY" = yes ]; then echo "+ write $1"; cat >/dev/null; else cat >"$1"; chmod 0644 "$1"; fi
}
systemd_runs() { [ -d /run/systemd/system ]; }

[[ "$NAME" =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$ ]] || die "'$NAME' is not a valid host name (a-z, 0-9, -)"
if [ "$DRY" = no ] && [ "$(id -u)" != 0 ]; then
    die "run me as root: sudo bash $0"
fi

if [ -z "$DEB" ]; then
    DEB="$(ls -1t "$HERE"/equisis_*.deb ./equisis_*.deb /boot/firmware/equisis_*.deb /boot/equisis_*.deb \
           2>/dev/null | head -n 1 || true)"
fi
[ -n "$DEB" ] && [ -f "$DEB" ] || die "no Equisis package: pass --deb PATH (packaging/deb/build.sh makes it)"
DEB="$(cd "$(dirname "$DEB")" && pwd)/$(basename "$DEB")"
[ "$FIREWALL" = no ] || [ -f "$HERE/firewall.nft" ] || die "firewall.nft is missing beside $0"
[ "$UPDATES" = no ] || [ -f "$HERE/unattended-upgrades.conf" ] || die "unattended-upgrades.conf is missing beside $0"

# ---------------------------------------------------------------- 1. the name on the LAN

say "host name: $NAME (http://$NAME.local:8080/)"
if systemd_runs && command -v hostnamectl >/dev/null 2>&1; then
    run hostnamectl set-hostname "$NAME"
else
    echo "$NAME" | write /etc/hostname
    run hostname "$NAME"
fi
if grep -q '^127\.0\.1\.1[[:space:]]' /etc/hosts; then
    run sed -i "s/^127\.0\.1\.1[[:space:]].*/127.0.1.1\t$NAME/" /etc/hosts
else
    if [ "$DRY" = yes ]; then echo "+ append 127.0.1.1 $NAME to /etc/hosts"; else printf '127.0.1.1\t%s\n' "$NAME" >>/etc/hosts; fi
fi

# ---------------------------------------------------------------- 2. packages

say "packages: avahi, nftables, unattended-upgrades, $(basename "$DEB")"
export DEBIAN_FRONTEND=noninteractive
run apt-get update
run apt-get install -y --no-install-recommends avahi-daemon libnss-mdns nftables unattended-upgrades
# apt (not dpkg -i) so the package's dependencies (python3-venv) come along.
run apt-get install -y "$DEB"
if systemd_runs; then
    run systemctl enable --now avahi-daemon.service
    run systemctl enable --now equisis.service
fi

# ---------------------------------------------------------------- 3. security updates

if [ "$UPDATES" = yes ]; then
    say "automatic security updates (nightly; reboots at 04:00 when an update needs it)"
    write /etc/apt/apt.conf.d/52equisis-unattended-upgrades <"$HERE/unattended-upgrades.conf"
    run apt-config --config-file /etc/apt/apt.conf.d/52equisis-unattended-upgrades dump >/dev/null
    if systemd_runs; then
        run systemctl enable --now apt-daily.timer apt-daily-upgrade.timer
    fi
fi

# ---------------------------------------------------------------- 4. firewall

if [ "$FIREWALL" = yes ]; then
    say "firewall: Equisis (8080), SSH (22) and mDNS (5353) from the LAN; the rest dropped"
    run nft -c -f "$HERE/firewall.nft"
    if [ -f /etc/nftables.conf ] && [ ! -f /etc/nftables.conf.before-equisis ]; then
        run cp -p /etc/nftables.conf /etc/nftables.conf.before-equisis
    fi
    write /etc/nftables.conf <"$HERE/firewall.nft"
    run nft -f /etc/nftables.conf
    if systemd_runs; then
        run systemctl enable nftables.service
    fi
fi

say "done: open http://$NAME.local:8080/ from a computer of the shop to create the first company"
