#!/usr/bin/env bash
# Runs a command with Node >= 22 and the project's dependencies in place.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
exec "$@"
