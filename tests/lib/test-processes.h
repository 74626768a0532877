/* test-processes.h — the processes this one started, as the kernel lists them: WebKit's web and
 * network processes, which must end when the sign-in window that started them closes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The WebKit processes below this one (children, or grandchildren through bwrap when WebKit
 * sandboxes them), read from /proc; zombies are not counted. Their names (as /proc gives them,
 * "(WebKitWebProces)") are appended to @names when not NULL, each after a space. */
guint test_count_webkit_processes   (GString *names);
/* Runs the default main context until no WebKit process is left below this one, or @timeout_ms
 * passed; returns how many are left (0 when all ended), their names appended to @names. */
guint test_wait_webkit_processes_end (guint    timeout_ms,
                                      GString *names);

G_END_DECLS
