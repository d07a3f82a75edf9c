#!/usr/bin/env bash
# Make sure the Debian packages a target needs are present.
# As root: installs what is missing. Otherwise: prints the exact apt-get line and fails.
# Usage: scripts/system-deps.sh test|demo|bench
set -euo pipefail

target=${1:-test}
# command (or absolute file path) -> Debian package that provides it
declare -A provides=(
  [mosquitto]=mosquitto
  [mosquitto_ctrl]=mosquitto-clients
  [snmpd]=snmpd
  [snmpget]=snmp
  [snmpbulkwalk]=snmp
  [victoria-metrics]=victoria-metrics
  [pg_ctlcluster]=postgresql
  [sshd]=openssh-server
  [ssh]=openssh-client
  [ip]=iproute2
  [nsenter]=util-linux
  [systemd-analyze]=systemd
  [wrk]=wrk
  [pdftotext]=poppler-utils
  [freeradius]=freeradius
  [radclient]=freeradius-utils
  # FreeRADIUS's rest module (the hub answers authorize and accounting over HTTP)
  [/usr/lib/freeradius/rlm_rest.so]=freeradius-rest
  # FreeRADIUS's PostgreSQL driver (the `sql` backend reads the hub's materialized answers)
  [/usr/lib/freeradius/rlm_sql_postgresql.so]=freeradius-postgresql
)
case "$target" in
  test) wanted=(mosquitto mosquitto_ctrl snmpd snmpget snmpbulkwalk victoria-metrics pg_ctlcluster
                sshd ssh ip nsenter systemd-analyze pdftotext freeradius radclient
                /usr/lib/freeradius/rlm_rest.so /usr/lib/freeradius/rlm_sql_postgresql.so) ;;
  demo) wanted=(mosquitto mosquitto_ctrl snmpget) ;;
  # the benchmarks start the test services, and drive HTTP with wrk
  bench) wanted=(mosquitto mosquitto_ctrl snmpd snmpget snmpbulkwalk victoria-metrics
                 pg_ctlcluster wrk freeradius radclient /usr/lib/freeradius/rlm_rest.so
                 /usr/lib/freeradius/rlm_sql_postgresql.so) ;;
  *) echo "usage: $0 test|demo|bench" >&2; exit 64 ;;
esac

present() {
  if [[ $1 == /* ]]; then [ -e "$1" ]; else PATH="$PATH:/usr/sbin:/sbin" command -v "$1" >/dev/null 2>&1; fi
}
missing=()
for cmd in "${wanted[@]}"; do
  if ! present "$cmd"; then
    pkg=${provides[$cmd]}
    [[ " ${missing[*]} " == *" $pkg "* ]] || missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages for 'make $target': ${missing[*]}" >&2
  echo "install them with:  sudo apt-get update && sudo $line" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "missing system packages (${missing[*]}) and no apt-get here: install them by hand" >&2
  exit 1
fi
echo "installing system packages for 'make $target': ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Debian starts freshly installed daemons; the suite runs private instances instead,
# so stop policy-rc.d from launching the system-wide ones during the install.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1; fi
$line -qq || { [ $created_policy -eq 1 ] && rm -f "$policy"; exit 1; }
[ $created_policy -eq 1 ] && rm -f "$policy"
exit 0
