#!/usr/bin/env bash
# The GitHub Action's install step: pgsafe's runtime dependencies into the action's own checkout
# ($GITHUB_ACTION_PATH), once per job and cached across jobs; the user's Node and workspace are not touched.
#   install.sh key   prints the cache key (node major, platform, lockfile) as a step output
#   install.sh       installs, unless the stamp says this key is already installed (cache hit, second use in a job)
set -euo pipefail
dir="${GITHUB_ACTION_PATH:?}"
cd "$dir"

if ! command -v node >/dev/null 2>&1; then
  echo "::error title=pgsafe::pgsafe needs Node 20 or later on PATH (GitHub's ubuntu, macos and windows runners have it; on a self-hosted runner, install Node or add actions/setup-node before this step)"
  exit 2
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "::error title=pgsafe::pgsafe needs Node 20 or later; the node on PATH is $(node --version)"
  exit 2
fi

# A release tag's package.json is the released manifest (no devDependencies) and dist/bundle/ is committed.
built=source
[ "$(node -p '!require("./package.json").devDependencies')" = true ] && [ -f dist/bundle/main.cjs ] && built=prebuilt
key="pgsafe-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-node$major-$built-$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync("package-lock.json")).digest("hex").slice(0, 16))')"

if [ "${1:-}" = key ]; then
  echo "cache-key=$key" >> "${GITHUB_OUTPUT:?}"
  exit 0
fi

stamp=node_modules/.pgsafe-installed
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ] && [ -f dist/bundle/main.cjs ]; then
  echo "pgsafe: dependencies already installed ($key)"
  exit 0
fi

flags=(--no-audit --no-fund --prefer-offline)
if [ "$built" = prebuilt ]; then
  # A release ref carries dist/bundle/: only the runtime dependencies, no install scripts.
  npm ci --omit=dev --omit=optional --omit=peer --ignore-scripts "${flags[@]}"
else
  # Any other ref (a branch, a commit): the build tools too, then the bundle.
  npm ci --ignore-scripts "${flags[@]}"
  node scripts/prepare.mjs prepack
fi
echo "$key" > "$stamp"
