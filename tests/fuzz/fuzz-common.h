/* fuzz-common.h — what every fuzzer of tests/fuzz shares.
 *
 * A fuzzer reports a finding by crashing: a sanitizer report, a failed g_assert(), or a
 * g_warning()/g_critical() from any library (made fatal by LLVMFuzzerInitialize() in
 * fuzz-common.c).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

G_BEGIN_DECLS

int  LLVMFuzzerInitialize   (int            *argc,
                             char         ***argv);
int  LLVMFuzzerTestOneInput (const uint8_t  *data,
                             size_t          size);

/* Every error message reaches the window (labels, toasts), which needs UTF-8. */
void fuzz_check_error       (const GError   *error);

G_END_DECLS
