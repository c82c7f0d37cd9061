#!/bin/sh
# stage.sh STAGEDIR: the file: dependency is a tarball next to the
# registry packages (npm pack packs only the folders).
set -e
tar -C "$(dirname "$0")/tarball" --owner=0 --group=0 -czf "$1/evil-bundler-0.28.2.tgz" package
