#!/usr/bin/env bash
# Make sure the Debian packages Vigie's test suite needs are present.
#
#   - as root: installs the missing ones with apt-get (non-interactive, quiet);
#   - otherwise: lists the missing ones and carries on (exit 0).
#
# Fast path: when everything is installed this only runs dpkg-query, so it
# takes a few milliseconds.
set -euo pipefail

packages=(
    postgresql         # throwaway test cluster (scripts/test-services.sh)
    redis-server       # throwaway test Redis (scripts/test-services.sh)
    chromium           # browser tests (Playwright)
    poppler-utils      # pdftotext & co., to inspect generated PDFs
    fonts-dejavu-core  # fonts for WeasyPrint / Chromium
    libpango-1.0-0     # WeasyPrint
    libpangoft2-1.0-0  # WeasyPrint
    libreoffice-calc-nogui  # exports opened by a real spreadsheet (tests/test_spreadsheets.py)
)

# Debian's own python3 needs python3-venv for `python3 -m venv` (make install).
# Only ask for it when that interpreter is the one in use and venv is broken.
python_bin=$(command -v "${PYTHON:-python3}" 2>/dev/null || true)
if [[ -n $python_bin ]]; then
    case $(readlink -f "$python_bin") in
        /usr/bin/python3*)
            if ! "$python_bin" -c 'import ensurepip, venv' >/dev/null 2>&1; then
                packages+=(python3-venv)
            fi
            ;;
    esac
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: dpkg-query not found (not a Debian system?)." >&2
    echo "system-deps: make sure these (or their equivalents) are installed: ${packages[*]}" >&2
    exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
    # `dpkg -s` also succeeds for removed-but-not-purged packages, so look at
    # the status itself.
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ $status != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

if ((EUID != 0)); then
    cat >&2 <<MSG
system-deps: these Debian packages are missing: ${missing[*]}
system-deps: not running as root, so not installing them. Install them with:
system-deps:     sudo apt-get install --no-install-recommends ${missing[*]}
system-deps: continuing anyway; the tests that need them may fail.
MSG
    exit 0
fi

echo "system-deps: installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-q -y -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
apt-get "${apt_opts[@]}" update >/dev/null
apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}" >/dev/null
echo "system-deps: done."
