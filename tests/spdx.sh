#!/bin/sh
# tests/spdx.sh - the licence line in every source file's header comment.
#
# SPDX-License-Identifier: BSD-2-Clause
#
#   tests/spdx.sh --check    list the source files whose header comment lacks
#                            the line (exit 1 if any); tests/cli_license.sh
#   tests/spdx.sh --add      add it to each of them (run it after a merge that
#                            brought new files; running it twice changes nothing)
#
# Source files: what git tracks (every file under the tree when it is not a
# git checkout) named *.c, *.h, *.sh, *.awk, *.mk or Makefile, and files whose
# first line is a #! for sh, bash or awk (.ci/run).  Fuzz corpora are data.
# The header comment is the leading /* ... */ of a C file, or the leading run
# of # lines of the others.  The line goes after the header's first paragraph
# (the file's name and what it is), set apart by empty comment lines:
#
#   /*                                   #!/bin/sh
#    * lru.c - least recently used.      # deps.sh - install the packages.
#    *                                   #
#    * SPDX-License-Identifier: ...      # SPDX-License-Identifier: ...
#    *                                   #
#    * The essay...                      # The rest...
#
# A one-line /* header */ is opened into a block; a file with no header
# comment gets one holding only the line.
set -eu
cd "$(dirname "$0")/.."
LINE='SPDX-License-Identifier: BSD-2-Clause'

sources() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files
	else
		find . -type f ! -path './.git/*' | sed 's#^\./##'
	fi | while IFS= read -r f; do
		[ -f "$f" ] || continue
		case $f in tests/fuzz/corpus/*) continue ;; esac
		case ${f##*/} in
		*.c | *.h) echo "c $f" ;;
		*.sh | *.awk | *.mk | Makefile) echo "# $f" ;;
		?*.*) ;;
		*) case $(head -c 64 "$f" | head -1) in
			'#!'*sh* | '#!'*awk*) echo "# $f" ;;
			esac ;;
		esac
	done
}

# has KIND FILE: the header comment holds the line
has() {
	awk -v kind="$1" -v line="$LINE" '
	kind == "c" {
		if (NR == 1 && $0 !~ /^[ \t]*\/\*/) exit 1
		if (index($0, line)) found = 1
		if (index($0, "*/")) exit found ? 0 : 1
		next
	}
	{ if ($0 !~ /^#/) exit found ? 0 : 1; if (index($0, line)) found = 1 }
	END { exit found ? 0 : 1 }' "$2"
}

# add KIND FILE: put the line into the header comment (see the top)
add() {
	awk -v kind="$1" -v line="$LINE" '
	BEGIN { done = 0; state = "start" }
	function emit_c() { print " *"; print " * " line; done = 1 }
	function emit_sh() { print "#"; print "# " line; done = 1 }
	done { print; next }
	kind == "c" {
		if (state == "start") {
			if ($0 !~ /^[ \t]*\/\*/) { print "/* " line " */"; print; done = 1; next }
			if (index($0, "*/")) {    # a one-line header: opened up
				t = $0; sub(/^[ \t]*\/\*[ \t]*/, "", t); sub(/[ \t]*\*\/[ \t]*$/, "", t)
				print "/*"; print " * " t; emit_c(); print " */"; next
			}
			state = "para"; print; next
		}
		if ($0 ~ /^[ \t]*\*\/[ \t]*$/) { emit_c(); print; next }      # header ends
		if ($0 ~ /^[ \t]*\*[ \t]*$/) { print; print " * " line; done = 1; print; next } # first blank
		if (index($0, "*/")) {        # text and the end on one line
			sub(/[ \t]*\*\/[ \t]*$/, ""); print; emit_c(); print " */"; next
		}
		print; next
	}
	{
		if (state == "start" && $0 ~ /^#!/) { print; state = "shebang"; next }
		if (state != "para") {
			if ($0 !~ /^#/) { print "# " line; print; done = 1; next }
			state = "para"; print; next
		}
		if ($0 !~ /^#/) { emit_sh(); print; next }                     # header ends
		if ($0 ~ /^#[ \t]*$/) { print; print "# " line; done = 1; print; next } # first blank
		print; next
	}
	END {
		if (done) exit
		if (kind == "c" && state == "start") print "/* " line " */"
		else if (kind != "c" && state != "para") print "# " line
		else if (kind != "c") emit_sh()
	}' "$2" >"$2.spdx.tmp"
	cat "$2.spdx.tmp" >"$2" # keeps the file's mode
	rm -f "$2.spdx.tmp"
}

mode=${1:-}
case $mode in
--check | --add) ;;
*) echo "usage: tests/spdx.sh --check|--add" >&2; exit 2 ;;
esac
missing=0
sources | {
	while read -r kind f; do
		has "$kind" "$f" && continue
		if [ "$mode" = --add ]; then
			add "$kind" "$f"
			has "$kind" "$f" || { echo "spdx: could not add the line to $f" >&2; exit 1; }
			echo "added: $f"
		else
			echo "$f"
			missing=1
		fi
	done
	exit $missing
}
