/* flows-run-dialog.c — "Run Flow": test values for a flow's Trigger inputs and a connection */

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "flows-expression.h"
#include "flows-run-dialog.h"
#include "flows-ui-shared.h"

/* The key of a flow's group that remembers the connection: never an input's name, since an
 * input's name is an identifier and cannot hold "-". */
#define CONNECTION_KEY "connection-id"

struct _FlowsRunDialog
{
  AdwWindow           parent_instance;

  FlowsLibrary       *library;
  FlowsApp           *app;
  FlowsFlow          *flow;
  /* Input name → its AdwEntryRow, in the Trigger's order in input_names. */
  GHashTable         *input_rows;
  GPtrArray          *input_names;
  /* The choices of connection_row: NULL ("No connection") first, then the App's connections. */
  GPtrArray          *connections;

  AdwWindowTitle     *window_title;
  AdwPreferencesGroup *inputs_group;
  AdwComboRow        *connection_row;
};

G_DEFINE_FINAL_TYPE (FlowsRunDialog, flows_run_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_APP,
  PROP_FLOW,
  N_PROPS
};

enum {
  RUN_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The first choice of connections is NULL, which g_object_unref() does not take. */
static void
unref_connection (gpointer connection)
{
  if (connection != NULL)
    g_object_unref (connection);
}

/* Enter in an input runs the flow, as a dialog's default button would. */
static void
on_entry_activated (FlowsRunDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "run-dialog.run", NULL);
}

static char *
state_file_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "flows-studio", "test-inputs.ini", NULL);
}

static GKeyFile *
load_state (void)
{
  g_autofree char *path = state_file_path ();
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  /* A missing or unreadable file only means nothing is remembered yet. */
  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error) &&
      !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_debug ("Remembered test inputs not read: %s", error->message);
  return g_steal_pointer (&key_file);
}

/* Test inputs are often real account data: only the user may read them. */
static void
save_state (GKeyFile *key_file)
{
  g_autofree char *path = state_file_path ();
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      g_warning ("Test inputs not remembered: cannot create %s: %s", directory, g_strerror (errno));
      return;
    }
  data = g_key_file_to_data (key_file, &length, NULL);
  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("Test inputs not remembered: %s", error->message);
}

/* An input called like a sensitive parameter (a Trigger input "ClientSecret", "ApiKey") is
 * almost certainly given that secret: the whole point of sensitive parameters is that their
 * values live only in the keyring, so such a value is never written to the state file, and its
 * row hides what is typed. The same goes for the secret built-ins (tokens, the PKCE verifier). */
static gboolean
is_sensitive_name (FlowsApp   *app,
                   const char *name)
{
  static const char * const secret_builtins[] = {
    "AccessToken", "RefreshToken", "CodeVerifier", NULL,
  };
  GListModel *params = flows_app_get_params (app);

  for (guint i = 0; secret_builtins[i] != NULL; i++)
    if (g_ascii_strcasecmp (secret_builtins[i], name) == 0)
      return TRUE;

  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);

      /* Case does not matter: <clientsecret> and <ClientSecret> look like the same secret. */
      if (flows_param_get_sensitive (param) && g_ascii_strcasecmp (flows_param_get_key (param), name) == 0)
        return TRUE;
    }
  return FALSE;
}

static const char *
get_member_string (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

/* A default with references is expanded by the engine only when the input is left empty, so
 * such a default is explained instead of prefilled. */
static gboolean
is_literal (const char *text)
{
  g_autoptr(FlowsExpression) expression = flows_expression_parse (text, NULL);

  return expression != NULL && flows_expression_is_literal (expression);
}

static void
add_input_row (FlowsRunDialog *self,
               GKeyFile       *state,
               JsonObject     *input)
{
  const char *name = get_member_string (input, "name");
  const char *sample = get_member_string (input, "sample");
  const char *default_value = get_member_string (input, "default");
  gboolean required = json_object_get_boolean_member_with_default (input, "required", FALSE);
  gboolean sensitive = is_sensitive_name (self->app, name);
  g_autofree char *remembered = NULL;
  GtkWidget *row;

  if (*name == '\0' || g_hash_table_contains (self->input_rows, name))
    return;

  if (!sensitive && flows_expression_is_identifier (name))
    remembered = g_key_file_get_string (state, flows_flow_get_id (self->flow), name, NULL);

  row = sensitive ? adw_password_entry_row_new () : adw_entry_row_new ();
  /* Before the title: it is plain text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);

  if (remembered != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), remembered);
  else if (*sample != '\0')
    gtk_editable_set_text (GTK_EDITABLE (row), sample);
  else if (*default_value != '\0' && is_literal (default_value))
    gtk_editable_set_text (GTK_EDITABLE (row), default_value);

  if (*default_value != '\0')
    {
      g_autofree char *tooltip = g_strdup_printf (_("Left empty, the input takes its default: %s"), default_value);
      gtk_widget_set_tooltip_text (row, tooltip);
    }

  if (required)
    {
      GtkWidget *label = gtk_label_new (_("Required"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_PROPERTY_REQUIRED, TRUE,
                                      -1);
    }
  if (sensitive)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    _("Sensitive: the value is not remembered"),
                                    -1);

  g_signal_connect_object (row, "entry-activated", G_CALLBACK (on_entry_activated), self, G_CONNECT_SWAPPED);
  adw_preferences_group_add (self->inputs_group, row);
  g_hash_table_insert (self->input_rows, g_strdup (name), row);
  g_ptr_array_add (self->input_names, g_strdup (name));
}

static void
build_inputs (FlowsRunDialog *self,
              GKeyFile       *state)
{
  FlowsStage *trigger = flows_flow_get_trigger (self->flow);
  JsonObject *settings = trigger != NULL ? flows_stage_get_settings (trigger) : NULL;
  JsonNode *inputs = settings != NULL ? json_object_get_member (settings, "inputs") : NULL;

  if (inputs != NULL && JSON_NODE_HOLDS_ARRAY (inputs))
    {
      JsonArray *array = json_node_get_array (inputs);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *input = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (input))
            add_input_row (self, state, json_node_get_object (input));
        }
    }

  if (self->input_names->len == 0)
    adw_preferences_group_set_description (self->inputs_group, _("The flow’s Trigger has no inputs."));
  else
    adw_preferences_group_set_description (self->inputs_group,
                                           _("Values for the Trigger’s inputs. They are remembered for this flow, except sensitive ones."));
}

static void
build_connections (FlowsRunDialog *self,
                   GKeyFile       *state)
{
  GListModel *connections = flows_library_get_connections (self->library);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *remembered = g_key_file_get_string (state, flows_flow_get_id (self->flow), CONNECTION_KEY, NULL);
  guint selected = 0;

  g_ptr_array_add (self->connections, NULL);
  gtk_string_list_append (names, _("No connection"));

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FlowsConnection) connection = g_list_model_get_item (connections, i);

      if (g_strcmp0 (flows_connection_get_app_id (connection), flows_app_get_id (self->app)) != 0)
        continue;

      /* Without a remembered choice, the App's first connection: most flows need one. */
      if ((remembered == NULL && selected == 0) ||
          g_strcmp0 (remembered, flows_connection_get_id (connection)) == 0)
        selected = self->connections->len;
      g_ptr_array_add (self->connections, g_object_ref (connection));
      gtk_string_list_append (names, flows_connection_get_name (connection));
    }

  adw_combo_row_set_model (self->connection_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->connection_row, selected);
}

/* The values as they are now, name → value; a new table. */
static GHashTable *
get_inputs (FlowsRunDialog *self)
{
  GHashTable *inputs;

  g_return_val_if_fail (FLOWS_IS_RUN_DIALOG (self), NULL);

  inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < self->input_names->len; i++)
    {
      const char *name = g_ptr_array_index (self->input_names, i);
      GtkWidget *row = g_hash_table_lookup (self->input_rows, name);

      g_hash_table_insert (inputs, g_strdup (name), g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
    }
  return inputs;
}

FlowsConnection *
flows_run_dialog_get_connection (FlowsRunDialog *self)
{
  guint selected;

  g_return_val_if_fail (FLOWS_IS_RUN_DIALOG (self), NULL);

  selected = adw_combo_row_get_selected (self->connection_row);
  if (selected >= self->connections->len)
    return NULL;
  return g_ptr_array_index (self->connections, selected);
}

void
flows_run_dialog_set_connection (FlowsRunDialog  *self,
                                 FlowsConnection *connection)
{
  guint index;

  g_return_if_fail (FLOWS_IS_RUN_DIALOG (self));

  if (g_ptr_array_find (self->connections, connection, &index))
    adw_combo_row_set_selected (self->connection_row, index);
}

GtkWidget *
flows_run_dialog_get_input_row (FlowsRunDialog *self,
                                const char     *name)
{
  g_return_val_if_fail (FLOWS_IS_RUN_DIALOG (self), NULL);

  return g_hash_table_lookup (self->input_rows, name);
}

static void
remember (FlowsRunDialog *self,
          GHashTable     *inputs,
          FlowsConnection *connection)
{
  g_autoptr(GKeyFile) state = load_state ();
  const char *group = flows_flow_get_id (self->flow);

  /* The group holds exactly this run's values: inputs removed from the Trigger since, and any
   * value stored before its input's name became sensitive, go. */
  g_key_file_remove_group (state, group, NULL);
  for (guint i = 0; i < self->input_names->len; i++)
    {
      const char *name = g_ptr_array_index (self->input_names, i);

      if (is_sensitive_name (self->app, name) || !flows_expression_is_identifier (name))
        continue;
      g_key_file_set_string (state, group, name, g_hash_table_lookup (inputs, name));
    }
  if (connection != NULL)
    g_key_file_set_string (state, group, CONNECTION_KEY, flows_connection_get_id (connection));
  else
    g_key_file_set_string (state, group, CONNECTION_KEY, "");

  save_state (state);
}

static void
run_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FlowsRunDialog *self = FLOWS_RUN_DIALOG (widget);
  g_autoptr(GHashTable) inputs = get_inputs (self);
  FlowsConnection *connection = flows_run_dialog_get_connection (self);

  remember (self, inputs, connection);

  /* Held: a handler may destroy the window, and the close below must still be safe. */
  g_object_ref (self);
  if (connection != NULL)
    g_object_ref (connection);
  g_signal_emit (self, signals[RUN_REQUESTED], 0, inputs, connection);
  gtk_window_close (GTK_WINDOW (self));
  g_clear_object (&connection);
  g_object_unref (self);
}

GtkWidget *
flows_run_dialog_new (FlowsLibrary *library,
                      FlowsApp     *app,
                      FlowsFlow    *flow)
{
  g_return_val_if_fail (FLOWS_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);
  g_return_val_if_fail (FLOWS_IS_FLOW (flow), NULL);

  return g_object_new (FLOWS_TYPE_RUN_DIALOG,
                       "library", library,
                       "app", app,
                       "flow", flow,
                       NULL);
}

static void
flows_run_dialog_constructed (GObject *object)
{
  FlowsRunDialog *self = (FlowsRunDialog *)object;
  g_autoptr(GKeyFile) state = NULL;

  G_OBJECT_CLASS (flows_run_dialog_parent_class)->constructed (object);

  g_return_if_fail (self->library != NULL && self->app != NULL && self->flow != NULL);

  adw_window_title_set_subtitle (self->window_title, flows_flow_get_name (self->flow));
  state = load_state ();
  build_inputs (self, state);
  build_connections (self, state);
}

static void
flows_run_dialog_dispose (GObject *object)
{
  FlowsRunDialog *self = (FlowsRunDialog *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_RUN_DIALOG);
  g_clear_object (&self->library);
  g_clear_object (&self->app);
  g_clear_object (&self->flow);
  g_clear_pointer (&self->input_rows, g_hash_table_unref);
  g_clear_pointer (&self->input_names, g_ptr_array_unref);
  g_clear_pointer (&self->connections, g_ptr_array_unref);

  G_OBJECT_CLASS (flows_run_dialog_parent_class)->dispose (object);
}

static void
flows_run_dialog_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FlowsRunDialog *self = FLOWS_RUN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    case PROP_APP:
      g_value_set_object (value, self->app);
      break;
    case PROP_FLOW:
      g_value_set_object (value, self->flow);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_run_dialog_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FlowsRunDialog *self = FLOWS_RUN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      self->library = g_value_dup_object (value);
      break;
    case PROP_APP:
      self->app = g_value_dup_object (value);
      break;
    case PROP_FLOW:
      self->flow = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_run_dialog_class_init (FlowsRunDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = flows_run_dialog_constructed;
  object_class->dispose = flows_run_dialog_dispose;
  object_class->get_property = flows_run_dialog_get_property;
  object_class->set_property = flows_run_dialog_set_property;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, FLOWS_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_APP] =
    g_param_spec_object ("app", NULL, NULL, FLOWS_TYPE_APP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLOW] =
    g_param_spec_object ("flow", NULL, NULL, FLOWS_TYPE_FLOW,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[RUN_REQUESTED] =
    g_signal_new ("run-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_HASH_TABLE, FLOWS_TYPE_CONNECTION);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-run-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsRunDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FlowsRunDialog, inputs_group);
  gtk_widget_class_bind_template_child (widget_class, FlowsRunDialog, connection_row);

  gtk_widget_class_install_action (widget_class, "run-dialog.run", NULL, run_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "run-dialog.run", NULL);
}

static void
flows_run_dialog_init (FlowsRunDialog *self)
{
  self->input_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->input_names = g_ptr_array_new_with_free_func (g_free);
  self->connections = g_ptr_array_new_with_free_func (unref_connection);

  gtk_widget_init_template (GTK_WIDGET (self));
  flows_name_combo_items (self->connection_row);
}
