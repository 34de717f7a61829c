#!/usr/bin/env bash
# Installs the third-party clients that the cognate-server `third_party` integration tests
# drive: amazon-cognito-identity-js and jose (npm, from package-lock.json; with playwright-core,
# aws-amplify and esbuild for the browser tests) and pycognito, boto3 and PyJWT (PyPI, into a
# venv), all under crates/cognate-server/tests/clients/.
# Idempotent: does nothing when the installed files are newer than the pinned lists.
set -euo pipefail
cd "$(dirname "$0")/../crates/cognate-server/tests/clients"

# npm: `npm ci` again only when the lock file changed since the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  echo "node clients: up to date"
fi

# Python: a venv with the pinned requirements; reinstalled when requirements.txt changes.
stamp=.venv/.requirements.installed
if [[ ! -x .venv/bin/python || ! -f $stamp || requirements.txt -nt $stamp ]]; then
  [[ -x .venv/bin/python ]] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  touch "$stamp"
else
  echo "python clients: up to date"
fi

node --version
.venv/bin/python -c 'import boto3, jwt, pycognito; print("boto3", boto3.__version__, "PyJWT", jwt.__version__)'
