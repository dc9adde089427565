#!/usr/bin/env bash
# Builds Divert's front-end assets from the pinned npm packages into the app's static folder.
# The outputs are committed, so running the app needs no Node.js; run this after changing
# package.json or src/divert/core/static_src/, then commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
out=src/divert/core/static/divert
mkdir -p "$out/assets/images"
npx sass --no-source-map --style=compressed --load-path=node_modules \
  --silence-deprecation=import src/divert/core/static_src/divert.scss "$out/divert.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/govuk-frontend.min.js"
cp node_modules/govuk-frontend/dist/govuk/assets/images/favicon.ico \
   node_modules/govuk-frontend/dist/govuk/assets/images/favicon.svg "$out/assets/images/"
echo "built $(du -sh "$out" | cut -f1) into $out"
