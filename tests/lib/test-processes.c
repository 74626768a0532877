/* test-processes.c — the processes this one started, as the kernel lists them */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test-processes.h"
#include "test-wait.h"

guint
test_count_webkit_processes (GString *names)
{
  g_autoptr(GHashTable) parents = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) webkit = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;
  GHashTableIter iter;
  gpointer pid, comm;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *stat = NULL;
      const char *open_paren, *close_paren;
      char state;
      int ppid;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_strdup_printf ("/proc/%s/stat", name);
      /* "PID (COMM) STATE PPID …"; COMM may hold spaces and parentheses: the last ")" ends it.
       * A process that ended between the listing and the read is gone: skipped. */
      if (!g_file_get_contents (path, &stat, NULL, NULL) ||
          (open_paren = strchr (stat, '(')) == NULL || (close_paren = strrchr (stat, ')')) == NULL ||
          sscanf (close_paren + 1, " %c %d", &state, &ppid) != 2)
        continue;
      g_hash_table_insert (parents, GINT_TO_POINTER (atoi (name)), GINT_TO_POINTER (ppid));
      if (g_str_has_prefix (open_paren, "(WebKit") && state != 'Z')
        g_hash_table_insert (webkit, GINT_TO_POINTER (atoi (name)), g_strndup (open_paren, close_paren + 1 - open_paren));
    }

  g_hash_table_iter_init (&iter, webkit);
  while (g_hash_table_iter_next (&iter, &pid, &comm))
    for (int ancestor = GPOINTER_TO_INT (pid); ancestor > 1;
         ancestor = GPOINTER_TO_INT (g_hash_table_lookup (parents, GINT_TO_POINTER (ancestor))))
      if (ancestor == getpid ())
        {
          n++;
          if (names != NULL)
            g_string_append_printf (names, " %s", (const char *) comm);
          break;
        }
  return n;
}

guint
test_wait_webkit_processes_end (guint    timeout_ms,
                                GString *names)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  /* WebKit ends them from the main loop (the last view, context and session finalized), and the
   * kernel lists them until they exit. */
  while (test_count_webkit_processes (NULL) > 0 && g_get_monotonic_time () < deadline)
    test_spin (100);
  return test_count_webkit_processes (names);
}
