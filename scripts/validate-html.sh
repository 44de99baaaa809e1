#!/usr/bin/env bash
# Validate every HTML file under DIR with the Nu Html Checker (vnu-jar).
#
# Usage: scripts/validate-html.sh DIR
#
# Installs vnu-jar (pinned) into ${VNU_DIR:-$HOME/.cache/briefing-vnu} on first
# use via npm, then runs it with --errors-only. Exits non-zero if the checker
# reports any error (or cannot run). Needs: java (>= 11), npm (first run only).
set -euo pipefail

VNU_VERSION="26.9.27"
VNU_DIR="${VNU_DIR:-$HOME/.cache/briefing-vnu}"

usage() {
    echo "usage: $0 DIR" >&2
    exit 2
}

[[ $# -eq 1 ]] || usage
target="$1"
if [[ ! -d "$target" ]]; then
    echo "validate-html: '$target' is not a directory" >&2
    exit 2
fi

command -v java >/dev/null 2>&1 || { echo "validate-html: java not found on PATH" >&2; exit 2; }

jar="$VNU_DIR/node_modules/vnu-jar/build/dist/vnu.jar"
stamp="$VNU_DIR/.installed-$VNU_VERSION"

if [[ ! -f "$jar" || ! -f "$stamp" ]]; then
    command -v npm >/dev/null 2>&1 || { echo "validate-html: npm not found (needed once to install vnu-jar)" >&2; exit 2; }
    mkdir -p "$VNU_DIR"
    echo "validate-html: installing vnu-jar@$VNU_VERSION into $VNU_DIR" >&2
    log="$VNU_DIR/npm-install.log"
    if ! npm install --prefix "$VNU_DIR" --no-save --no-audit --no-fund --no-progress \
        --loglevel=error "vnu-jar@$VNU_VERSION" >"$log" 2>&1; then
        cat "$log" >&2
        echo "validate-html: npm install vnu-jar@$VNU_VERSION failed" >&2
        exit 2
    fi
    [[ -f "$jar" ]] || { echo "validate-html: vnu.jar missing after install: $jar" >&2; exit 2; }
    rm -f "$VNU_DIR"/.installed-*
    touch "$stamp"
fi

count=$(find "$target" -type f \( -name '*.html' -o -name '*.htm' \) | wc -l)
if [[ "$count" -eq 0 ]]; then
    echo "validate-html: no HTML files under $target" >&2
    exit 1
fi

# vnu exits 1 when it reports errors; --errors-only drops warnings/info.
if java -jar "$jar" --errors-only --skip-non-html "$target"; then
    echo "validate-html: $count HTML file(s) under $target: no errors" >&2
else
    status=$?
    echo "validate-html: errors found (vnu exit status $status)" >&2
    exit 1
fi
