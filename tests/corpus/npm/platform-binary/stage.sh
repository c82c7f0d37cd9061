#!/bin/sh
# stage.sh STAGEDIR: put the platform "binary" (a copy of /bin/true) into
# the platform package before it is packed.
set -e
mkdir -p "$1/quickbundle-linux-x64/bin"
cp /bin/true "$1/quickbundle-linux-x64/bin/quickbundle"
chmod 755 "$1/quickbundle-linux-x64/bin/quickbundle"
