/*
 * collect.h - how traces are born: the text trace formats vmsim reads and
 * writes besides its native one.
 *
 *   lackey_format  Valgrind's Lackey tool, --trace-mem=yes  (lackey.c)
 *   text_format    one reference per line, KIND ADDRESS [ASID]  (text.c)
 *
 * Both are listed in replay/trace.c's registry; callers normally reach them
 * through trace_open() and trace_writer_open() (replay.h) rather than by name.
 * The native format is declared in replay/native.h.
 */
#ifndef VMSIM_COLLECT_H
#define VMSIM_COLLECT_H

#include "replay.h"

extern const struct trace_format lackey_format, text_format;

#endif
