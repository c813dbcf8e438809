#!/usr/bin/env bash
# Regenerates each sample's upgrade.sql and downgrade.sql with a real alembic in offline mode (PostgreSQL dialect).
# Needs Debian's python3-alembic (apt-get install -y python3-alembic); override with PYTHON=...
set -euo pipefail
python="${PYTHON:-/usr/bin/python3}"
here="$(cd "$(dirname "$0")" && pwd)"
for project in "$here"/*/; do
  [ -f "$project/alembic.ini" ] || continue
  (cd "$project" &&
    "$python" -m alembic -c alembic.ini upgrade head --sql > upgrade.sql.tmp && mv upgrade.sql.tmp upgrade.sql &&
    "$python" -m alembic -c alembic.ini downgrade head:base --sql > downgrade.sql.tmp && mv downgrade.sql.tmp downgrade.sql)
  echo "wrote ${project#"$here"/}upgrade.sql and downgrade.sql"
done
