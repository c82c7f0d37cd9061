#!/bin/sh
# stage.sh STAGEDIR: the probe binary (tests/helpers/evade.c, built by
# 'make unit') goes into the package before it is packed.
set -e
top=$(cd "$(dirname "$0")/../../../.." && pwd)
mkdir -p "$1/boxed/bin"
cp "$top/build/helpers/evade" "$1/boxed/bin/evade"
chmod 755 "$1/boxed/bin/evade"
