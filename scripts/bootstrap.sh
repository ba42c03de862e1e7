# Sourced by scripts/demo and scripts/test: make sure .venv exists and matches pyproject.toml.
# Installs Dovecot from Debian's packages when running as root and it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "mailrouter: creating the virtual environment in .venv" >&2
    "$PYTHON" -m venv .venv
fi
# Reinstall only when pyproject.toml changed since the last install.
stamp=.venv/.mailrouter-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "mailrouter: installing mailrouter and its dependencies (pip install -e .[dev])" >&2
    .venv/bin/python -m pip install -q --upgrade pip >&2
    .venv/bin/python -m pip install -q -e '.[dev]' >&2
    echo "$want" > "$stamp"
fi

have_dovecot() { command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; }
if ! have_dovecot && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "mailrouter: installing Dovecot (the local IMAP server for tests and the demo)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq dovecot-imapd dovecot-lmtpd >/dev/null
fi
# Headless Chromium renders digests and reports in the browser tests and for
# `digest send --dry-run --screenshot`; without it those tests are skipped.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "mailrouter: installing Chromium (renders digests and reports headless)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq chromium >/dev/null
fi
