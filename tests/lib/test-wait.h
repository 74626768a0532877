/* test-wait.h — the tests' main-loop waits: until a condition holds (a hang fails the test with
 * a message saying what it waited for), until an asynchronous call is done, until nothing is
 * pending, or for a while.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef gboolean (*TestCondition) (gpointer user_data);

/* Runs the default main context until @condition (@user_data) holds; after @timeout_ms the test
 * fails, naming the condition and the caller. */
#define test_wait_for(condition, user_data, timeout_ms) \
  test_wait_for_full ((condition), (user_data), (timeout_ms), #condition, __FILE__, __LINE__, G_STRFUNC)
void test_wait_for_full      (TestCondition  condition,
                              gpointer       user_data,
                              guint          timeout_ms,
                              const char    *what,
                              const char    *file,
                              int            line,
                              const char    *func);
/* An asynchronous call waited for: give it test_async_ready() and a TestAsync, then take its
 * result for the _finish() function from test_async_wait(). */
typedef struct
{
  GAsyncResult *result;
} TestAsync;

void          test_async_ready        (GObject      *source,
                                       GAsyncResult *result,
                                       gpointer      user_data);
/* Runs the default main context until the call is done (failing after @timeout_ms) and returns
 * its result, which @async keeps until test_async_clear(). */
#define test_async_wait(async, timeout_ms) \
  test_async_wait_full ((async), (timeout_ms), #async, __FILE__, __LINE__, G_STRFUNC)
GAsyncResult *test_async_wait_full    (TestAsync    *async,
                                       guint         timeout_ms,
                                       const char   *what,
                                       const char   *file,
                                       int           line,
                                       const char   *func);
void          test_async_clear        (TestAsync    *async);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TestAsync, test_async_clear)

/* Iterates the default main context without blocking until nothing is pending. */
void test_drain_main_context (void);
/* The same twice: a dialog mapping, a list rebuilding or a popover opening queues more work from
 * its idle handlers. */
void test_wait_idle          (void);
/* Runs the default main context for @ms milliseconds. */
void test_spin               (guint          ms);

G_END_DECLS
