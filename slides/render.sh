#!/usr/bin/env bash
# render.sh: render every slides/*.md (Marp Markdown, front matter
# `marp: true`) to slides/html/NAME.html, plus slides/html/index.html that
# links them all. `make slides` runs it.
#
# It uses @marp-team/marp-cli, pinned in slides/package.json and
# slides/package-lock.json. The first run installs it into
# slides/node_modules with `npm ci` (needs the npm registry once); after
# that rendering is offline. HTML needs no browser (only PDF or PNG would).
#
#   slides/render.sh                 every deck
#   slides/render.sh slides/07-*.md  some decks
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/html

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "render.sh: rendering slides needs node (18 or later) and npm:" >&2
    echo "  sudo apt-get install nodejs npm" >&2
    exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
    echo "render.sh: node $(node --version) is too old: marp-cli needs 18 or later" >&2
    echo "  (Debian 12 and Ubuntu 24.04 ship 18: sudo apt-get install nodejs npm)" >&2
    exit 1
fi

# Install marp-cli once, and again when the lock file changed. npm writes
# node_modules/.package-lock.json on every install: older than our lock file
# means the pinned versions moved.
marp=$here/node_modules/.bin/marp
if [ ! -x "$marp" ] ||
    [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
    echo "render.sh: installing marp-cli into slides/node_modules (npm ci)"
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || {
        echo "render.sh: npm ci failed: is the npm registry reachable?" >&2
        exit 1
    }
fi

if [ $# -gt 0 ]; then
    decks=("$@")
else
    shopt -s nullglob
    decks=("$here"/*.md)
fi
if [ ${#decks[@]} -eq 0 ]; then
    echo "render.sh: no slides/*.md to render" >&2
    exit 1
fi

mkdir -p "$out"
# The pictures (slides/img/*.svg, hand-written SVG) go beside the HTML, so
# a deck's img/NAME.svg works both in slides/ (an editor's preview) and in
# slides/html/.
if [ -d "$here/img" ]; then
    mkdir -p "$out/img"
    cp -p "$here"/img/*.svg "$out/img/"
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=0
for deck in "${decks[@]}"; do
    name=$(basename "$deck" .md)
    # A deck opens with front matter that turns Marp on; without it Marp
    # would render one long page, not slides.
    if ! awk 'NR == 1 && $0 != "---" { exit 1 }
              NR > 1 && $0 == "---" { exit !found }
              NR > 1 && /^marp: *true *$/ { found = 1 }' "$deck"; then
        echo "render.sh: warning: $deck has no front matter with 'marp: true'" >&2
    fi
    # marp prints its help and still exits 0 on some bad arguments: trust
    # the file it writes, not its status, and show its log on failure.
    rm -f "$out/$name.html"
    if "$marp" --no-config-file "$deck" -o "$out/$name.html" >"$log" 2>&1 &&
        [ -s "$out/$name.html" ]; then
        echo "  $name.md -> slides/html/$name.html"
    else
        cat "$log" >&2
        echo "render.sh: marp failed on $deck" >&2
        failed=1
    fi
done

# An index for the workshop, of every deck rendered so far: open
# slides/html/index.html in any browser.
index_rows=""
for deck in "$here"/*.md; do
    name=$(basename "$deck" .md)
    [ -e "$out/$name.html" ] || continue
    title=$(sed -n 's/^title: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$deck" |
        head -n 1 | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g')
    index_rows+="<li><a href=\"$name.html\">${title:-$name}</a></li>"$'\n'
done
cat > "$out/index.html" <<EOF
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>minictr slides</title>
<style>body { font-family: sans-serif; max-width: 40em; margin: 3em auto; }
li { margin: 0.4em 0; font-size: 1.2em; }</style></head>
<body>
<h1>minictr: containers from scratch</h1>
<ul>
$index_rows</ul>
</body>
</html>
EOF
echo "render.sh: open slides/html/index.html"
exit $failed
