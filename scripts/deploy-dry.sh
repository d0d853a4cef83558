#!/usr/bin/env bash
# Bundles both Workers exactly as `wrangler deploy` would, without uploading (and without network):
# dist/api/api.js and dist/scheduler/scheduler.js, then prints their sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

# Keep wrangler off the network (no telemetry, no error reports, no account lookups).
export WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false WRANGLER_HIDE_BANNER=true CLOUDFLARE_CF_FETCH_ENABLED=false
unset CLOUDFLARE_API_TOKEN CLOUDFLARE_ACCOUNT_ID

rm -rf "$root/dist/api" "$root/dist/scheduler"
# --outdir must be absolute: wrangler resolves it against the config file's folder.
npx wrangler deploy --dry-run --config "$root/wrangler.toml" --outdir "$root/dist/api"
npx wrangler deploy --dry-run --config "$root/workers/scheduler.wrangler.toml" --outdir "$root/dist/scheduler"

echo
echo "bundle sizes (raw / gzip -9):"
for f in dist/api/api.js dist/scheduler/scheduler.js; do
  printf '  %-30s %8d KiB / %6d KiB\n' "$f" $(( $(wc -c <"$f") / 1024 )) $(( $(gzip -9c "$f" | wc -c) / 1024 ))
done
