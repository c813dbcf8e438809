#!/usr/bin/env bash
# A pull request on the shop-safe sample: a git repository (in a temporary directory) with
# shop-safe committed on main, and a feature branch adding samples/feature-branch/*.py; then
# `locklint alembic` there, with the arguments given. Needs git and Debian's python3-alembic.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(mktemp -d)"
trap 'rm -rf "$repo"' EXIT
cp -r "$here/shop-safe/alembic.ini" "$here/shop-safe/migrations" "$repo/"
cd "$repo"
git() { command git -c user.email=demo@example.com -c user.name=demo "$@"; }
git init -q -b main && git add -A && git commit -qm "shop"
git checkout -qb feature
cp "$here"/feature-branch/*.py migrations/versions/
git add -A && git commit -qm "order status"
node "$here/../bin/locklint.js" alembic --python "${PYTHON:-/usr/bin/python3}" "$@"
