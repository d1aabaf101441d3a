#!/bin/bash
# tests/cli_install.sh - packaging, through the real binary, deps.sh and the Makefile:
#
#   - every command traces/demo.sh runs (read from the script by a small shell
#     lexer below, vmsim's subcommands included) maps to a Debian package in
#     an explicit table, and that package is in what `./deps.sh demo` installs
#     on a bare machine (deps.sh run against a fake dpkg that knows nothing);
#     a command missing from the table fails, so a new tool in the demo is
#     caught here and not on a user's fresh machine;
#   - `make install DESTDIR=... PREFIX=...` installs the binary, vmsim.1, the
#     bash completion and the README; `make uninstall` removes exactly those
#     (file lists before and after compared, other packages' files kept);
#   - `man -l` renders the installed page without warnings, naming every
#     command `vmsim --help` lists, with a section each;
#   - the installed completion, sourced in bash: `vmsim re` gives replay,
#     --policy gives the registry's policies (after a comma too),
#     --input-format the trace formats, paths complete as files;
#   - `vmsim -V` prints what `vmsim --version` prints;
#   - `make static` links a binary ldd calls not dynamic, which replays a
#     shipped trace to the same table as the normal binary.
#
# SPDX-License-Identifier: BSD-2-Clause
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$(dirname "$0")/lib.sh"

# ------------------------------------------- the demo's commands and packages

# demo_commands FILE: the commands a shell script runs, one per line, as
# written in command position: quotes, parameter expansions (${V:-default}
# gives its default), $(...) substitutions, separators (; && || | & { } ( )),
# assignments and comments understood.  Reported besides: X of `command -v X`,
# and `vmsim SUB` for vmsim's subcommands.
demo_commands() {
	awk '
	function flush() {
		if (word == "" && !quoted) return
		if (nw == 0 && word ~ /^[A-Za-z_][A-Za-z0-9_]*=/) { word = ""; quoted = 0; return }
		if (nw == 0 && word ~ /^(if|then|else|elif|fi|do|done|while|until|!|time)$/ && !quoted) {
			word = ""; return
		}
		w[++nw] = word; word = ""; quoted = 0
		if (nw == 1 && w[1] != "command") print w[1]
		if (nw == 2 && w[1] == "vmsim") print "vmsim " w[2]
		if (nw == 3 && w[1] == "command" && w[2] == "-v") print w[3]
	}
	function endcmd() { flush(); nw = 0 }
	# $( opens a command inside the word being read: keep that word aside
	function open_subst() {
		top++; stack[top] = "("; sword[top] = word; snw[top] = nw; squoted[top] = quoted
		word = ""; nw = 0; quoted = 0; i++
	}
	function close_subst() {
		endcmd(); word = sword[top] "$(...)"; nw = snw[top]; quoted = squoted[top]; top--
	}
	# a parameter expansion at i ("$" seen): its text in command position
	function param(   j, body) {
		if (substr(s, i + 1, 1) != "{") {
			match(substr(s, i + 1), /^([A-Za-z_][A-Za-z0-9_]*|[0-9#?@*$!-])/)
			body = substr(s, i + 1, RLENGTH); i += RLENGTH
			return (body == "VMSIM") ? "vmsim" : "$" body
		}
		j = index(substr(s, i), "}"); body = substr(s, i + 2, j - 3); i += j - 1
		if (body ~ /:-/) return substr(body, index(body, ":-") + 2)
		return (body == "VMSIM") ? "vmsim" : "$" body
	}
	{ s = s $0 "\n" }
	END {
		gsub(/\\\n/, "", s)
		nw = 0; word = ""; quoted = 0; top = 0
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			inq = (top > 0 && stack[top] == "\"")
			if (inq) {
				if (c == "\"") { top--; continue }
				if (c == "$" && substr(s, i + 1, 1) == "(") { open_subst(); continue }
				if (c == "$") { word = word param(); continue }
				if (c == "\\") { i++; c = substr(s, i, 1) }
				word = word c; continue
			}
			if (c == "#" && word == "") { while (substr(s, i, 1) != "\n" && i <= length(s)) i++; endcmd(); continue }
			if (c == "'\''") { j = index(substr(s, i + 1), "'\''"); word = word substr(s, i + 1, j - 1); quoted = 1; i += j; continue }
			if (c == "\"") { stack[++top] = "\""; quoted = 1; continue }
			if (c == "\\") { i++; word = word substr(s, i, 1); continue }
			if (c == "$" && substr(s, i + 1, 1) == "(") { open_subst(); continue }
			if (c == "$") { word = word param(); continue }
			if (c == ")" && top > 0 && stack[top] == "(") { close_subst(); continue }
			if (c == " " || c == "\t") { flush(); continue }
			if (c == ">" || c == "<") {     # a redirection: skip its target
				flush(); while (substr(s, i + 1, 1) ~ /[>&0-9]/) i++
				while (substr(s, i + 1, 1) == " ") i++
				while (substr(s, i + 1, 1) !~ /[ \t\n;|&)]/ && i < length(s)) i++
				continue
			}
			if (c ~ /[;|&\n{}()]/) { endcmd(); continue }
			word = word c
		}
		endcmd()
	}' "$1"
}

# pkg_of COMMAND: the Debian packages it needs beyond the base system: "-"
# for none (shell builtins; Essential packages, on every Debian system;
# vmsim subcommands that call nothing else), "?" for a command this table
# does not know.  Keep it explicit: a new command in the demo must be added
# here by hand, with its package added to deps.sh's demo set.
pkg_of() {
	case $1 in
	cd | echo | exit | set | printf | test | "[" | true | false | export | read | \
		shift | return | :) echo - ;;     # shell builtins
	mkdir | dirname | pwd | cat | rm | cp | mv | ls | head | tail | sort | wc | \
		basename | env | date | tee | touch | ln) echo - ;; # coreutils: Essential
	sed | grep | gzip) echo - ;;             # Essential
	awk) echo mawk ;;
	gcc | cc) echo "gcc libc6-dev" ;;
	valgrind) echo valgrind ;;
	gnuplot) echo gnuplot-nox ;;
	vmsim) echo "$(pkg_of gcc) make zlib1g-dev libpfm4-dev" ;; # built by make demo
	"vmsim collect" | "vmsim validate") echo valgrind ;;
	"vmsim plot" | "vmsim batch") echo gnuplot-nox ;;
	"vmsim replay" | "vmsim stat" | "vmsim curve" | "vmsim convert" | "vmsim gen" | \
		"vmsim tlb-curve" | "vmsim merge" | "vmsim check" | "vmsim counters" | \
		"vmsim help" | "vmsim version") echo - ;;
	*) echo "?" ;;
	esac
}

# the lexer on a script with every construct demo.sh uses, and a few more
cat >lex.sh <<'EOF'
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)   # a comment: notacommand
command -v valgrind >/dev/null || { echo "x; notacommand && y" >&2; exit 1; }
${CC:-gcc} -O1 -o "$out/m" "$here/m.c"
"$VMSIM" collect -o "$out/m.vmt" -- "$out/m" "$N"
cd "$out"
"$VMSIM" replay m.vmt --policy opt,lru \
	--frames 16 -o r.csv
awk -F, 'NR > 1 { print $1; system("notacommand") }' r.csv | sort
if [ -s r.csv ]; then X=1 date; fi
EOF
check "lexer: commands of a sample script" "$(demo_commands lex.sh | tr '\n' ' ')" \
	"set cd dirname pwd valgrind echo exit gcc vmsim vmsim collect cd vmsim vmsim replay awk sort [ date "

demo_cmds=$(demo_commands "$ROOT/traces/demo.sh" | sort -u)
case $demo_cmds in *gnuplot*|*"vmsim plot"*) ok ;; *) bad "demo: no plot step found in demo.sh: $demo_cmds" ;; esac

# what `./deps.sh demo` installs where nothing is installed: a fake dpkg-query
# that knows no package, a fake apt-get that records what it was asked for
mkdir fake
printf '#!/bin/sh\nexit 1\n' >fake/dpkg-query
printf '#!/bin/sh\necho 0\n' >fake/id
printf '#!/bin/sh\necho "$@" >>%s/apt.log\n' "$T" >fake/apt-get
chmod +x fake/*
PATH=$T/fake:$PATH sh "$ROOT/deps.sh" demo >/dev/null 2>&1
demo_set=" $(sed -n 's/^install //p' apt.log | tr ' ' '\n' | grep -v '^-' | tr '\n' ' ') "
case $demo_set in *" valgrind "*) ok ;; *) bad "deps.sh demo on a bare machine installs: $demo_set" ;; esac
# and make demo calls deps.sh demo
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -n -C "$ROOT" demo 2>/dev/null | grep -q 'deps\.sh demo'; then ok
else bad "make demo does not run ./deps.sh demo"; fi

while read -r c; do
	[ -n "$c" ] || continue
	pk=$(pkg_of "$c")
	case $pk in
	"?") bad "demo.sh runs '$c', which tests/cli_install.sh's pkg_of does not know: add it there, and its package to deps.sh's demo set" ;;
	-) ok ;;
	*) for p in $pk; do
		case $demo_set in *" $p "*) ok ;;
		*) bad "demo.sh runs '$c' (Debian package $p), not in deps.sh's demo set:$demo_set" ;;
		esac
	done ;;
	esac
done <<<"$demo_cmds"
check "pkg_of refuses an unknown command" "$(pkg_of frobnicate)" "?"

# ----------------------------------------------------------- -V, --version
run "$VMSIM" -V
check "-V prints what --version prints" "$(cat "$T/out")" "$("$VMSIM" --version)"

# -------------------------------------------------------- install, uninstall
# make from the source tree with this binary: copied into a build folder of
# its own, where make generates the man page and the completion from it
# (-o: the binary is taken as it is, never rebuilt)
mkdir b
cp "$VMSIM" b/vmsim
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" -o "$T/b/vmsim" BUILD="$T/b" SANITIZE= "$@"; }
commands=$("$VMSIM" --help | awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
[ "$(echo "$commands" | wc -l)" -ge 10 ] && ok || bad "commands from --help: $commands"

# a DESTDIR where other packages' files are already installed
D=$T/dest
mkdir -p "$D/usr/bin" "$D/usr/share/man/man1" "$D/usr/share/bash-completion/completions" \
	"$D/usr/share/doc/other"
for f in usr/bin/other usr/share/man/man1/other.1 usr/share/bash-completion/completions/other \
	usr/share/doc/other/README; do echo other >"$D/$f"; done
(cd "$D" && find . | sort) >before.txt
expect_ok "make install" mk install DESTDIR="$D" PREFIX=/usr
(cd "$D" && find . | sort) >after.txt
check "make install adds exactly these" "$(comm -13 before.txt after.txt | tr '\n' ' ')" \
	"./usr/bin/vmsim ./usr/share/bash-completion/completions/vmsim ./usr/share/doc/vmsim ./usr/share/doc/vmsim/LICENSE ./usr/share/doc/vmsim/README.md ./usr/share/man/man1/vmsim.1 "
[ -x "$D/usr/bin/vmsim" ] && ok || bad "installed vmsim is not executable"
cmp -s "$D/usr/share/doc/vmsim/README.md" "$ROOT/README.md" && ok || bad "installed README differs"
check "installed binary runs" "$("$D/usr/bin/vmsim" -V)" "$("$VMSIM" --version)"

# the man page: renders without a warning, names every command, a section each
MANPAGE=$D/usr/share/man/man1/vmsim.1
if command -v man >/dev/null; then
	MANWIDTH=80 man --warnings -l "$MANPAGE" >man.txt 2>man.err
	check "man -l exit" "$?" 0
	check "man -l warnings" "$(cat man.err)" ""
	grep -q '^NAME' man.txt && grep -q '^SYNOPSIS' man.txt && ok || bad "man page: no NAME or SYNOPSIS"
	for c in $commands; do
		up=$(echo "$c" | tr a-z A-Z)
		grep -q "^VMSIM $up\$" man.txt && ok || bad "man page: no section for $c"
		grep -q "^ *vmsim $c\\b" man.txt && ok || bad "man page: no synopsis 'vmsim $c'"
	done
	# every option of one command, as --help lists them
	for o in $("$VMSIM" replay --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
		grep -q -- "$o" man.txt || { bad "man page: replay's $o missing"; continue; }
		ok
	done
	grep -q 'opt, fifo, random, lru, lfu, clock' man.txt && ok || bad "man page: no policies"
else
	bad "man is missing: run ./deps.sh test (man-db)"
fi

# the completion, sourced in bash with COMP_WORDS/COMP_CWORD as bash sets them
COMP=$D/usr/share/bash-completion/completions/vmsim
comp() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; _vmsim; echo "${COMPREPLY[*]}"' \
		comp "$COMP" vmsim "$@" 2>&1
}
check "complete 'vmsim re'" "$(comp re)" "replay"
check "complete 'vmsim ' lists every command" "$(comp '' | tr ' ' '\n' | grep -v '^-' | tr '\n' ' ')" \
	"$(echo $commands) "
check "complete --policy" "$(comp replay --policy '')" "$("$VMSIM" --help | sed -n 's/^policies: *//p')"
check "complete --policy l" "$(comp replay trace.vmt --policy l)" "lru lfu"
check "complete -p opt,l (a list)" "$(comp replay -p opt,l)" "opt,lru opt,lfu"
check "complete --policy=f" "$(comp replay --policy = f)" "fifo"
check "complete curve --policies (all too)" "$(comp curve --policies a)" "all"
check "complete --input-format" "$(comp stat --input-format '')" \
	"auto $("$VMSIM" --help | sed -n 's/^formats: *\([a-z ]*\) (.*/\1/p' | sed 's/ *$//')"
check "complete --format" "$(comp stat -f '')" "table csv json"
check "complete options" "$(comp tlb-curve --ent)" "--entries"
check "complete help COMMAND" "$(comp help cu)" "curve"
check "no completion for a number" "$(comp replay --frames '')" ""
touch trace-one.vmt trace-two.vmt.gz
check "complete a trace path" "$(comp stat "$T/trace-" | tr ' ' '\n' | sort | tr '\n' ' ')" \
	"$T/trace-one.vmt $T/trace-two.vmt.gz "
check "complete -o FILE" "$(comp replay x.vmt -p lru -o "$T/trace-o")" "$T/trace-one.vmt"
check "complete the program collect runs" "$(comp collect -o x.vmt -- "$T/fake/dpkg-q")" \
	"$T/fake/dpkg-query"

# uninstall: exactly what install added is gone, the rest is untouched
expect_ok "make uninstall" mk uninstall DESTDIR="$D" PREFIX=/usr
(cd "$D" && find . | sort) >after-un.txt
check "uninstall leaves the tree as it was" "$(diff before.txt after-un.txt)" ""
check "uninstall keeps other files" "$(cat "$D/usr/bin/other")" "other"

# and into an empty DESTDIR: no file is left behind
E=$T/empty
expect_ok "make install, empty DESTDIR" mk install DESTDIR="$E" PREFIX=/opt/vmsim
check "installed into PREFIX" "$(cd "$E" && find . -type f | sort | tr '\n' ' ')" \
	"./opt/vmsim/bin/vmsim ./opt/vmsim/share/bash-completion/completions/vmsim ./opt/vmsim/share/doc/vmsim/LICENSE ./opt/vmsim/share/doc/vmsim/README.md ./opt/vmsim/share/man/man1/vmsim.1 "
expect_ok "make uninstall, empty DESTDIR" mk uninstall DESTDIR="$E" PREFIX=/opt/vmsim
check "uninstall leaves no file" "$(cd "$E" && find . ! -type d)" ""

# ------------------------------------------------------------------ static
# built in the source tree's plain build (a sanitized binary cannot be static);
# in `make test` its objects are there already and this only links
STATIC=$ROOT/build/vmsim-static
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" static SANITIZE= BUILD=build \
	>static.log 2>&1; then ok; else bad "make static: $(tail -3 static.log)"; fi
check "ldd: static binary" "$(ldd "$STATIC" 2>&1 | tr -d '\t')" "not a dynamic executable"
expect_ok "static replay" "$STATIC" replay "$TRACES/sort-heap.vmt" -p lru,opt -n 8,64 -f csv -o static.csv
expect_ok "dynamic replay" "$VMSIM" replay "$TRACES/sort-heap.vmt" -p lru,opt -n 8,64 -f csv -o dynamic.csv
if cmp -s static.csv dynamic.csv && [ "$(wc -l <static.csv)" -eq 5 ]; then ok
else bad "static and dynamic replay differ: $(diff static.csv dynamic.csv | head -3)"; fi
check "static -V" "$("$STATIC" -V)" "$("$VMSIM" --version)"

finish
