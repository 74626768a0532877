/* flows-application.c — the Flows Studio application */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-application.h"
#include "flows-document.h"
#include "flows-window.h"

#define SAMPLES_PATH "/io/github/flowsstudio/FlowsStudio/samples"

struct _FlowsApplication
{
  AdwApplication  parent_instance;

  FlowsLibrary   *library;
  /* Why the library could not be read, shown in the window once it exists. */
  char           *library_error;
};

G_DEFINE_FINAL_TYPE (FlowsApplication, flows_application, ADW_TYPE_APPLICATION)

/* A first launch starts with the sample Apps, so the window has something to show and a
 * newcomer something to learn from. */
static void
add_sample_apps (FlowsApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = g_resources_enumerate_children (SAMPLES_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  if (names == NULL)
    {
      g_warning ("No sample Apps in the resources: %s", error->message);
      return;
    }

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_path ("/", SAMPLES_PATH, names[i], NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_autoptr(FlowsApp) app = NULL;
      g_autoptr(GError) sample_error = NULL;
      gsize size;
      const char *text = g_bytes_get_data (bytes, &size);

      if (!(app = flows_document_app_from_json (text, size, path, &sample_error)) ||
          !flows_library_add_app (self->library, app, &sample_error))
        g_warning ("Sample App %s not added: %s", names[i], sample_error->message);
    }
}

static void
flows_application_startup (GApplication *application)
{
  FlowsApplication *self = FLOWS_APPLICATION (application);
  g_autoptr(GFile) directory = flows_library_get_default_directory ();
  g_autoptr(GError) error = NULL;

  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (flows_application_parent_class)->startup (application);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  self->library = flows_library_new (directory);
  if (!flows_library_load (self->library, &error))
    self->library_error = g_strdup (error->message);
  else if (flows_library_is_new (self->library))
    add_sample_apps (self);
}

static FlowsWindow *
get_window (FlowsApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (flows_window_new (ADW_APPLICATION (self), self->library));
      if (self->library_error != NULL)
        {
          g_autofree char *message = g_strdup_printf (_("The library could not be read: %s"), self->library_error);
          flows_window_show_toast (FLOWS_WINDOW (window), message);
        }
    }
  return FLOWS_WINDOW (window);
}

static void
flows_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (get_window (FLOWS_APPLICATION (application))));
}

/* `flows-studio FILE.json…` adds the Apps of those files to the library. */
static void
flows_application_open (GApplication  *application,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  FlowsApplication *self = FLOWS_APPLICATION (application);
  FlowsWindow *window = get_window (self);

  for (int i = 0; i < n_files; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FlowsApp) app = flows_library_import_app (self->library, files[i], &error);

      if (app == NULL)
        flows_window_show_toast (window, error->message);
    }

  gtk_window_present (GTK_WINDOW (window));
}

static void
show_about (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  FlowsApplication *self = user_data;
  const char *developers[] = { "Flows Studio developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "application-name", _("Flows Studio"),
                         "application-icon", APP_ID,
                         "developer-name", _("Flows Studio developers"),
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/flowsstudio/FlowsStudio",
                         "issue-url", "https://github.com/flowsstudio/FlowsStudio/issues",
                         "comments", _("Build, sign in to and test the connections and flows of workflow-automation Apps."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         /* Translators: put your name here, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit (GSimpleAction *action,
      GVariant      *parameter,
      gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
flows_application_dispose (GObject *object)
{
  FlowsApplication *self = (FlowsApplication *)object;

  g_clear_object (&self->library);
  g_clear_pointer (&self->library_error, g_free);

  G_OBJECT_CLASS (flows_application_parent_class)->dispose (object);
}

static void
flows_application_class_init (FlowsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = flows_application_dispose;
  application_class->startup = flows_application_startup;
  application_class->activate = flows_application_activate;
  application_class->open = flows_application_open;
}

static void
flows_application_init (FlowsApplication *self)
{
  static const GActionEntry actions[] = {
    { "about", show_about },
    { "quit", quit },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
}

FlowsApplication *
flows_application_new (void)
{
  return g_object_new (FLOWS_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/flowsstudio/FlowsStudio",
                       NULL);
}

FlowsLibrary *
flows_application_get_library (FlowsApplication *self)
{
  g_return_val_if_fail (FLOWS_IS_APPLICATION (self), NULL);
  return self->library;
}
