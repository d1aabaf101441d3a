#!/bin/bash
# tests/cli_license.sh - the licence: LICENSE is BSD-2-Clause, and every source
# file's header comment carries `SPDX-License-Identifier: BSD-2-Clause`.
#
# SPDX-License-Identifier: BSD-2-Clause
#
# The repository check lists each tracked source file without the line (a new
# file missing it fails here; `tests/spdx.sh --add` fixes it).  tests/spdx.sh
# --add itself runs on a small tree of hand-made headers, compared with the
# results written out below, and twice (the second run changes nothing).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$(dirname "$0")/lib.sh"

# ------------------------------------------------------------------ LICENSE
grep -q '^BSD 2-Clause License$' "$ROOT/LICENSE" && ok || bad "LICENSE: not BSD 2-Clause"
grep -q '^Copyright (c) 2026, the vmsim authors$' "$ROOT/LICENSE" && ok || bad "LICENSE: copyright line"
check "LICENSE: two conditions" "$(grep -c '^[12]\. Redistributions' "$ROOT/LICENSE")" 2

# --------------------------------------------------- every tracked source file
"$ROOT/tests/spdx.sh" --check >missing.txt 2>&1
rc=$?
if [ "$rc" -eq 0 ] && [ ! -s missing.txt ]; then ok; else
	bad "source files without 'SPDX-License-Identifier: BSD-2-Clause' in their header" \
		"comment (run tests/spdx.sh --add): $(tr '\n' ' ' <missing.txt)"
fi

# ------------------------------------------------ tests/spdx.sh --add, by hand
mkdir -p tree/tests tree/sub
cp "$ROOT/tests/spdx.sh" tree/tests/
L='SPDX-License-Identifier: BSD-2-Clause'
printf '/* a.c - one line. */\nint x;\n' >tree/a.c
printf '/*\n * b.h - a title\n * on two lines.\n *\n * The body.\n */\nint y;\n' >tree/sub/b.h
printf '/*\n * c.c - one paragraph only.\n */\n' >tree/c.c
printf 'int z;\n' >tree/d.c
printf '/* h.c - a title\n * that ends here. */\nint w;\n' >tree/h.c
printf '#!/bin/sh\n# e.sh - a title.\nset -eu\n' >tree/e.sh
chmod +x tree/e.sh
printf '#!/usr/bin/awk -f\n{ print }\n' >tree/f
printf '# m - the makefile.\n#\n# More.\n\nall:\n' >tree/Makefile
printf 'not a source file\n' >tree/notes.txt
printf '# g.awk - awk.\n' >tree/g.awk

check "--check lists what lacks the line" "$(tree/tests/spdx.sh --check | sort | tr '\n' ' ')" \
	"Makefile a.c c.c d.c e.sh f g.awk h.c sub/b.h "
tree/tests/spdx.sh --check >/dev/null
check "--check exit status" "$?" 1
expect_ok "--add" tree/tests/spdx.sh --add

want() { printf "$2" >want.txt; if cmp -s want.txt "tree/$1"; then ok; else
	bad "--add on $1:"; diff want.txt "tree/$1" | head -10; fi; }
want a.c "/*\n * a.c - one line.\n *\n * $L\n */\nint x;\n"
want sub/b.h "/*\n * b.h - a title\n * on two lines.\n *\n * $L\n *\n * The body.\n */\nint y;\n"
want c.c "/*\n * c.c - one paragraph only.\n *\n * $L\n */\n"
want d.c "/* $L */\nint z;\n"
want h.c "/* h.c - a title\n * that ends here.\n *\n * $L\n */\nint w;\n"
want e.sh "#!/bin/sh\n# e.sh - a title.\n#\n# $L\nset -eu\n"
want f "#!/usr/bin/awk -f\n# $L\n{ print }\n"
want Makefile "# m - the makefile.\n#\n# $L\n#\n# More.\n\nall:\n"
want g.awk "# g.awk - awk.\n#\n# $L\n"
want notes.txt "not a source file\n"
[ -x tree/e.sh ] && ok || bad "--add lost e.sh's mode"

expect_ok "--check after --add" tree/tests/spdx.sh --check
(cd tree && find . -type f | sort | xargs cat) >first.txt
expect_ok "--add again" tree/tests/spdx.sh --add
check "--add twice changes nothing" "$(cd tree && find . -type f | sort | xargs cat | cmp - ../first.txt && echo same)" same

finish
