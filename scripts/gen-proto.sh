#!/usr/bin/env bash
# Regenerates src/protocol/wire/gen/ from proto/*.proto with buf + protoc-gen-es (both from node_modules).
# The output is committed, so builds and CI never run this; run it after editing a .proto file.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
node_modules/.bin/buf generate proto --template proto/buf.gen.yaml
echo "generated: $(ls src/protocol/wire/gen | tr '\n' ' ')"
