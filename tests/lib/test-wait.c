/* test-wait.c — the tests' main-loop waits */

#include "config.h"

#include "test-wait.h"

static gboolean
on_elapsed (gpointer user_data)
{
  *(gboolean *)user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
test_wait_for_full (TestCondition  condition,
                    gpointer       user_data,
                    guint          timeout_ms,
                    const char    *what,
                    const char    *file,
                    int            line,
                    const char    *func)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add (timeout_ms, on_elapsed, &timed_out);
  g_autofree char *message = NULL;

  while (!condition (user_data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    {
      g_source_remove (timeout_id);
      return;
    }
  if (condition (user_data))
    return;

  message = g_strdup_printf ("waited %u ms for %s, in vain", timeout_ms, what);
  g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
}

void
test_async_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TestAsync *async = user_data;

  g_assert_null (async->result);
  async->result = g_object_ref (result);
}

static gboolean
async_done (gpointer user_data)
{
  return ((TestAsync *)user_data)->result != NULL;
}

GAsyncResult *
test_async_wait_full (TestAsync  *async,
                      guint       timeout_ms,
                      const char *what,
                      const char *file,
                      int         line,
                      const char *func)
{
  g_autofree char *condition = g_strdup_printf ("the call of %s to be done", what);

  test_wait_for_full (async_done, async, timeout_ms, condition, file, line, func);
  return async->result;
}

void
test_async_clear (TestAsync *async)
{
  g_clear_object (&async->result);
}

void
test_drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
test_wait_idle (void)
{
  test_drain_main_context ();
  test_drain_main_context ();
}

void
test_spin (guint ms)
{
  gboolean elapsed = FALSE;

  g_timeout_add (ms, on_elapsed, &elapsed);
  while (!elapsed)
    g_main_context_iteration (NULL, TRUE);
}
