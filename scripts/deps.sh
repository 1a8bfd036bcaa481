#!/bin/sh
# Installs the Debian packages BALIST needs to build and test, when they are
# missing. As root it runs apt-get; otherwise it prints the line to run.
set -eu
PKGS="build-essential cmake pkg-config libcsv-dev libjansson-dev libcmocka-dev libgsl-dev libsqlite3-dev libpq-dev libsodium-dev postgresql libcairo2-dev libxlsxwriter-dev libminizip-dev fontconfig libfontconfig-dev fonts-dejavu-core poppler-utils unzip libmicrohttpd-dev curl openssl chromium wrk clang-format"
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "Installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "BALIST needs these Debian packages:$missing" >&2
    echo "Run:  sudo apt-get install$missing" >&2
    exit 1
fi
