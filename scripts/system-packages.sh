#!/usr/bin/env bash
# Make sure the Debian packages the portal and its tests need are installed.
# As root it installs what is missing; otherwise it names what is missing and stops.
set -euo pipefail

packages=(libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils fonts-dejavu-core)
if [ "${1:-}" = "--test" ]; then
  packages+=(chromium postgresql-15)
fi
python_bin="${PYTHON:-python3}"
if ! "$python_bin" -c "import ensurepip, venv" >/dev/null 2>&1; then
  packages+=(python3-venv)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
