/* fuzz-common.c — setup shared by the fuzzers of tests/fuzz */

#include "fuzz-common.h"

#include <stdlib.h>

/* A warning, a critical or an error is a bug the input found. GLib ends a fatal message with
 * SIGTRAP, which libFuzzer does not catch (no input kept, no statistics): abort first. */
static GLogWriterOutput
write_log (GLogLevelFlags   log_level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  GLogWriterOutput output = g_log_writer_default (log_level, fields, n_fields, user_data);

  if (log_level & (G_LOG_FLAG_FATAL | G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return output;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_writer_func (write_log, NULL, NULL);
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
