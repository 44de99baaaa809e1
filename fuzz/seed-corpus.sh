#!/bin/sh
# Seeds each target's corpus from tests/fixtures: every Markdown file for front_matter and
# markdown (whole files; the markdown target just sees front matter as text), every
# site.yaml for config, and file names and tag lines for slugify. Re-running is harmless.
set -eu
cd "$(dirname "$0")"
fixtures=../tests/fixtures
for t in front_matter config markdown slugify; do mkdir -p "corpus/$t"; done
find "$fixtures" -name '*.md' | while read -r f; do
    name=$(printf '%s' "$f" | cksum | cut -d' ' -f1)
    cp "$f" "corpus/front_matter/$name"
    cp "$f" "corpus/markdown/$name"
    basename "$f" .md > "corpus/slugify/name-$name"
    grep -h '^tags:' "$f" > "corpus/slugify/tags-$name" || rm -f "corpus/slugify/tags-$name"
done
find "$fixtures" -name 'site.yaml' | while read -r f; do
    cp "$f" "corpus/config/$(printf '%s' "$f" | cksum | cut -d' ' -f1)"
done
