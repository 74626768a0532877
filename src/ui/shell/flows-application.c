/* flows-application.c — the Flows Studio application */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-application.h"
#include "flows-document.h"
#include "flows-preferences-window.h"
#include "flows-sandbox-client.h"
#include "flows-sandbox-provider.h"
#include "flows-secrets.h"
#include "flows-window.h"

#define SAMPLE_APPS_PATH "/io/github/flowsstudio/FlowsStudio/samples/apps"
#define SAMPLE_CONNECTIONS_PATH "/io/github/flowsstudio/FlowsStudio/samples/connections"
#define SANDBOX_SAMPLE_CONNECTION "sandbox-sample-connection"

struct _FlowsApplication
{
  AdwApplication  parent_instance;

  FlowsLibrary         *library;
  FlowsRunner          *runner;
  FlowsSandboxProvider *sandbox;
  /* Why the library could not be read, shown in the window once it exists. */
  char           *library_error;
};

G_DEFINE_FINAL_TYPE (FlowsApplication, flows_application, ADW_TYPE_APPLICATION)

/* The documents under @path in the resources, parsed by @parse and added by @add. */
static void
add_samples (FlowsApplication *self,
             const char       *path,
             gpointer        (*parse) (const char *, gsize, const char *, GError **),
             gboolean        (*add) (FlowsLibrary *, gpointer, GError **))
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = g_resources_enumerate_children (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  if (names == NULL)
    {
      g_warning ("No samples at %s in the resources: %s", path, error->message);
      return;
    }

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *resource = g_build_path ("/", path, names[i], NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      g_autoptr(GObject) sample = NULL;
      g_autoptr(GError) sample_error = NULL;
      gsize size;
      const char *text = g_bytes_get_data (bytes, &size);

      if (!(sample = parse (text, size, resource, &sample_error)) ||
          !add (self->library, sample, &sample_error))
        g_warning ("Sample %s not added: %s", names[i], sample_error->message);
    }
}

static void
on_sandbox_secret_stored (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(FlowsApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!flows_secrets_store_finish (result, &error))
    {
      FlowsWindow *window = FLOWS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (self)));
      g_autofree char *message = g_strdup_printf (_("The sample sandbox connection has no client secret: %s"), error->message);

      if (window != NULL)
        flows_window_show_toast (window, message);
      else
        g_warning ("%s", message);
    }
}

/* A first launch starts with the sample Apps, so the window has something to show and a
 * newcomer something to learn from; the OAuth sample's connection signs in to the sandbox
 * provider, whose client secret is a public demo value that still belongs in the keyring. */
static void
add_sample_apps (FlowsApplication *self)
{
  add_samples (self, SAMPLE_APPS_PATH, (gpointer)flows_document_app_from_json, (gpointer)flows_library_add_app);
  add_samples (self, SAMPLE_CONNECTIONS_PATH, (gpointer)flows_document_connection_from_json,
               (gpointer)flows_library_add_connection);

  if (flows_library_find_connection (self->library, SANDBOX_SAMPLE_CONNECTION) != NULL)
    flows_secrets_store_async (FLOWS_SANDBOX_SAMPLE_APP_ID, SANDBOX_SAMPLE_CONNECTION, "ClientSecret",
                               FLOWS_SANDBOX_CLIENT_SECRET, NULL, on_sandbox_secret_stored, g_object_ref (self));
}

/* The window greets a first launch with what to try on the samples, until that is dismissed
 * (FlowsWelcomeBanner); a library that existed before never shows it. */
static void
show_orientation (void)
{
  g_autoptr(GSettingsSchema) schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);
  g_autoptr(GSettings) settings = NULL;

  if (schema == NULL)
    return;
  settings = g_settings_new (APP_ID);
  g_settings_set_boolean (settings, "show-orientation", TRUE);
}

/* Runs in a thread of its own, on a library nothing else touches until it is joined; returns
 * the GError of a library that could not be read, or NULL. */
static gpointer
load_library (gpointer data)
{
  GError *error = NULL;

  flows_library_load (data, &error);
  return error;
}

static void
drop_written_label (GtkWidget *button)
{
  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

/* GTK 4.8 names a button whose label has a mnemonic twice, "_Cancel Cancel": from its label
 * property as written, underscore and all, then from the label widget that the mnemonic makes
 * the button's "labelled by". That label widget alone names it as shown. A hook on "map"
 * reaches every such button, those of libadwaita's dialogs included, before anyone can read
 * it; a new label is written into the name again, and dropped again. */
static gboolean
name_mnemonic_button_by_its_label (GSignalInvocationHint *hint,
                                   guint                  n_values,
                                   const GValue          *values,
                                   gpointer               user_data)
{
  GObject *object = g_value_get_object (&values[0]);

  if (GTK_IS_BUTTON (object) && gtk_button_get_use_underline (GTK_BUTTON (object)) &&
      g_object_get_data (object, "flows-label-dropped") == NULL)
    {
      g_object_set_data (object, "flows-label-dropped", GINT_TO_POINTER (TRUE));
      drop_written_label (GTK_WIDGET (object));
      g_signal_connect (object, "notify::label", G_CALLBACK (drop_written_label), NULL);
    }
  return TRUE;
}

static void
flows_application_startup (GApplication *application)
{
  FlowsApplication *self = FLOWS_APPLICATION (application);
  g_autoptr(GFile) directory = flows_library_get_default_directory ();
  g_autoptr(GError) error = NULL;
  GThread *loader;

  const char *quit_accels[] = { "<Control>q", NULL };
  const char *preferences_accels[] = { "<Control>comma", NULL };
  const char *shortcuts_accels[] = { "<Control>question", NULL };

  /* The library is read while GTK and libadwaita start (the display, the theme), which keeps
   * one core busy: with a second one, the Apps cost the start-up almost nothing. The window is
   * only made once they are all read, so its first frame shows them. */
  self->library = flows_library_new (directory);
  loader = g_thread_new ("flows-library-load", load_library, self->library);

  G_APPLICATION_CLASS (flows_application_parent_class)->startup (application);

  /* Signals exist once their class does, and no widget has been made yet. */
  g_type_class_unref (g_type_class_ref (GTK_TYPE_WIDGET));
  g_signal_add_emission_hook (g_signal_lookup ("map", GTK_TYPE_WIDGET), 0,
                              name_mnemonic_button_by_its_label, NULL, NULL);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-shortcuts", shortcuts_accels);

  error = g_thread_join (loader);
  self->runner = flows_runner_new ();
  flows_token_refresher_attach (self->runner, self->library);
  if (error != NULL)
    self->library_error = g_strdup (error->message);
  else
    {
      if (flows_library_is_new (self->library))
        {
          add_sample_apps (self);
          show_orientation ();
        }
      /* Changes made by others (the CLI, git, another instance) show up in the window. */
      if (!flows_library_watch (self->library, &error))
        self->library_error = g_strdup_printf (_("changes made by other programs will not show: %s"), error->message);
    }
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
    flows_window_import (window, files[i]);

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
set_sandbox_state (FlowsApplication *self,
                   gboolean          running)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "sandbox");

  g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (running));
}

static void
show_toast (FlowsApplication *self,
            const char       *message)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (FLOWS_IS_WINDOW (window))
    flows_window_show_toast (FLOWS_WINDOW (window), message);
}

/* Starts the sandbox on its configured port, for the rest of the session or until stopped from
 * the menu. */
static gboolean
start_sandbox (FlowsApplication  *self,
               GError           **error)
{
  g_autoptr(FlowsSandboxProvider) sandbox = flows_sandbox_provider_new ();
  g_autofree char *url = NULL;
  g_autofree char *message = NULL;

  if (!flows_sandbox_provider_start (sandbox, flows_sandbox_get_configured_port (), error))
    return FALSE;

  self->sandbox = g_steal_pointer (&sandbox);
  set_sandbox_state (self, TRUE);
  url = flows_sandbox_provider_get_base_url (self->sandbox);
  /* Translators: the placeholders are a URL, then the demo user name and password */
  message = g_strdup_printf (_("The sandbox provider runs at %s — sign in as %s, password %s"),
                             url, FLOWS_SANDBOX_USER_NAME, FLOWS_SANDBOX_PASSWORD);
  show_toast (self, message);
  return TRUE;
}

/* The "sandbox" action's state is whether the sandbox provider runs here. Asked to run, it
 * starts for the rest of the session (or until stopped): from the menu, the preferences, or a
 * view that signs in to the sandbox (flows_start_sandbox_for()). */
static void
change_sandbox_state (GSimpleAction *action,
                      GVariant      *value,
                      gpointer       user_data)
{
  FlowsApplication *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  get_window (self);
  if (!g_variant_get_boolean (value))
    {
      if (self->sandbox == NULL)
        return;
      flows_sandbox_provider_stop (self->sandbox);
      g_clear_object (&self->sandbox);
      set_sandbox_state (self, FALSE);
      show_toast (self, _("The sandbox provider has stopped"));
      return;
    }

  if (self->sandbox != NULL || start_sandbox (self, &error))
    return;
  /* Another program serves the port (flows-cli sandbox, another instance of the app): what
   * listens there gets the sign-in, and its own pages say what it is. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    message = g_strdup_printf (_("The sandbox provider was not started here: %s Signing in goes to the program that listens there."),
                               error->message);
  else
    message = g_strdup_printf (_("The sandbox provider could not start: %s"), error->message);
  show_toast (self, message);
}

/* Help ▸ Sandbox Provider: a local OAuth provider to sign in to, offline. */
static void
toggle_sandbox (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_autoptr(GVariant) state = g_action_get_state (G_ACTION (action));
  g_autoptr(GVariant) toggled = g_variant_ref_sink (g_variant_new_boolean (!g_variant_get_boolean (state)));

  change_sandbox_state (action, toggled, user_data);
}

static void
show_preferences (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  FlowsApplication *self = user_data;

  gtk_window_present (GTK_WINDOW (flows_preferences_window_new (GTK_WINDOW (get_window (self)))));
}

static void
flows_application_shutdown (GApplication *application)
{
  FlowsApplication *self = FLOWS_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  /* The window saves on close; this catches a quit from elsewhere (Ctrl+Q, the session). */
  if (self->library != NULL && !flows_library_flush (self->library, &error))
    g_warning ("Edits could not be saved before quitting: %s", error->message);

  G_APPLICATION_CLASS (flows_application_parent_class)->shutdown (application);
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

  if (self->sandbox != NULL)
    flows_sandbox_provider_stop (self->sandbox);
  g_clear_object (&self->sandbox);
  g_clear_object (&self->runner);
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
  application_class->shutdown = flows_application_shutdown;
}

static void
flows_application_init (FlowsApplication *self)
{
  static const GActionEntry actions[] = {
    { "about", show_about },
    { "preferences", show_preferences },
    { "sandbox", toggle_sandbox, NULL, "false", change_sandbox_state },
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

FlowsRunner *
flows_application_get_runner (FlowsApplication *self)
{
  g_return_val_if_fail (FLOWS_IS_APPLICATION (self), NULL);
  return self->runner;
}
