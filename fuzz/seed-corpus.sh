#!/bin/sh
# Seeds each target's corpus from tests/fixtures: every Markdown file for front_matter and
# markdown (whole files; the markdown target just sees front matter as text), every
# site.yaml for config, file names and tag lines for slugify, and for preview_url the URL
# paths a build of the fixtures serves (`/articles/<name>/`, percent-encoded and raw, files
# beside them, `/tags/x`) with hostile paths (`/%2e%2e/`, `/..%2f`). Re-running is harmless.
set -eu
cd "$(dirname "$0")"
fixtures=../tests/fixtures
for t in front_matter config markdown slugify preview_url; do mkdir -p "corpus/$t"; done

# Percent-encodes stdin byte by byte, keeping only unreserved characters (as
# slug::encode_segment does).
encode() {
    od -An -v -tx1 | tr -s ' \n' '\n\n' | while read -r h; do
        [ -n "$h" ] || continue
        case $h in
        2[dDeE] | 3[0-9] | 4[1-9a-fA-F] | 5[0-9aA] | 5[fF] | 6[1-9a-fA-F] | 7[0-9aA] | 7[eE])
            printf "\\$(printf '%03o' "0x$h")" ;;
        *) printf '%%%s' "$(printf '%s' "$h" | tr 'a-f' 'A-F')" ;;
        esac
    done
}
url() { # url NAME PATH: one preview_url seed
    printf '%s' "$2" > "corpus/preview_url/$1"
}
find "$fixtures" -name '*.md' | while read -r f; do
    name=$(printf '%s' "$f" | cksum | cut -d' ' -f1)
    cp "$f" "corpus/front_matter/$name"
    cp "$f" "corpus/markdown/$name"
    basename "$f" .md > "corpus/slugify/name-$name"
    grep -h '^tags:' "$f" > "corpus/slugify/tags-$name" || rm -f "corpus/slugify/tags-$name"
    # The fixtures' file names are their slugs (lower case, `-` for spaces).
    stem=$(basename "$f" .md)
    section=$(basename "$(dirname "$f")")
    url "enc-$name" "/$section/$(printf '%s' "$stem" | encode)/"
    url "raw-$name" "/$section/$stem"
done
find "$fixtures" -path '*/content/*' -type f ! -name '*.md' | while read -r f; do
    name=$(printf '%s' "$f" | cksum | cut -d' ' -f1)
    rel=${f#*/content/}
    url "asset-$name" "/$(printf '%s' "$rel" | sed 's/\.md$//' | encode | sed 's/%2F/\//g')"
done
for path in / /index.html /404.html /style.css /atom.xml /search-index.json /page/2/ \
    /tags/x /tags/x/ /tags/x/index.html /briefs /briefs/ /briefs/tags/x \
    "/tags/$(printf 'উত্তর-কোরিয়া' | encode)/" '/tags/উত্তর-কোরিয়া' \
    '/articles/trip/map%20one.svg' '/articles/trip/map one.svg' '/tags/x/?page=2' \
    /%2e%2e/ /..%2f /../etc/passwd /tags/../../etc/passwd /%2E%2E/%2E%2E/etc/passwd \
    /tags%2fx/ /..%5c..%5cetc/passwd '/tags\..\x' /index.html%00.css /./index.html \
    //etc/passwd //evil.example/ /tags//x/ /%ff%fe /%e0%a6 /%c0%ae%c0%ae/ /%252e%252e/ \
    etc/passwd; do
    url "path-$(printf '%s' "$path" | cksum | cut -d' ' -f1)" "$path"
done
find "$fixtures" -name 'site.yaml' | while read -r f; do
    cp "$f" "corpus/config/$(printf '%s' "$f" | cksum | cut -d' ' -f1)"
done
