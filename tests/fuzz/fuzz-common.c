/* fuzz-common.c — setup shared by the fuzzers of tests/fuzz */

#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A warning or a critical is a bug the input found: stop there, as a crash. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_FATAL_MASK);
  return 0;
}

void
fuzz_check_error (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_nonnull (error->message);
  if (!g_utf8_validate (error->message, -1, NULL))
    {
      g_autofree char *escaped = g_strescape (error->message, NULL);

      g_error ("an error message is not UTF-8: %s", escaped);
    }
}
