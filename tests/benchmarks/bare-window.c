/* bare-window.c — the baseline of the startup benchmark (bench-startup.c).
 *
 * usage: bare-window [ROWS]   (100 when not given)
 *
 * What any libadwaita app with a list of ROWS items costs to start: an AdwApplication with an
 * application id of its own (so it registers on the session bus like flows-studio does), one
 * AdwApplicationWindow of 1200×800 with an AdwHeaderBar above a GtkScrolledWindow holding a
 * GtkListBox of ROWS AdwActionRow (title and subtitle). No GSettings, no data files, no WebKit.
 *
 * Like flows-studio, it has no benchmark code: bench-startup loads first-frame-hook.c into both
 * with LD_PRELOAD.
 */
#include <stdlib.h>

#include <adwaita.h>

static int n_rows = 100;

static void
activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));
  GtkWidget *box, *header, *scrolled, *list;

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  window = GTK_WINDOW (adw_application_window_new (GTK_APPLICATION (application)));
  gtk_window_set_title (window, "Bare Window");
  gtk_window_set_default_size (window, 1200, 800);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);

  list = gtk_list_box_new ();
  for (int i = 1; i <= n_rows; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf ("App %03d", i);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), i % 2 ? "Generic · 1 flow" : "OAuth · 4 flows");
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_box_append (GTK_BOX (box), scrolled);

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_present (window);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AdwApplication) application =
    adw_application_new ("io.github.flowsstudio.FlowsStudio.BareWindow", G_APPLICATION_DEFAULT_FLAGS);

  /* The row count is ours: GApplication would take any argument for a file to open. */
  if (argc > 1)
    n_rows = MAX (1, atoi (argv[1]));
  g_signal_connect (application, "activate", G_CALLBACK (activate), NULL);
  return g_application_run (G_APPLICATION (application), 1, argv);
}
