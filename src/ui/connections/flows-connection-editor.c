/* flows-connection-editor.c — the dialog that adds a connection to an App, or edits one */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-app-templates.h"
#include "flows-connection-editor.h"
#include "flows-sandbox-provider.h"
#include "flows-secrets.h"
#include "flows-toast.h"
#include "flows-ui-shared.h"
#include "flows-validate.h"
#include "flows-window.h"

typedef enum {
  STORED_UNKNOWN,
  STORED_YES,
  STORED_NO,
} StoredState;

/* One parameter of the App and the row that edits it. */
typedef struct
{
  FlowsParam  *param;
  GtkWidget   *row;
  /* What holds the value: the row itself for entry and combo rows, else a GtkSwitch or a
   * GtkTextView inside it. */
  GtkWidget   *input;
  /* For a sensitive row while editing: whether the keyring holds a value (the row's title
   * says so). */
  StoredState  stored;
  /* A combo row of an optional choice starts with a "None" item. */
  gboolean     has_none_item;
} Field;

struct _FlowsConnectionEditor
{
  AdwWindow            parent_instance;

  FlowsLibrary        *library;
  FlowsApp            *app;
  FlowsConnection     *connection;
  GPtrArray           *fields;
  GCancellable        *cancellable;
  /* A new connection to the sandbox provider: its values, by parameter key, for the rows that
   * have no default. */
  GHashTable          *sandbox_values;
  /* While editing, what is applied once the keyring has taken the new secrets. */
  char                *pending_name;
  GHashTable          *pending_values;
  gboolean             saving;

  AdwWindowTitle      *window_title;
  GtkWidget           *save_button;
  GtkWidget           *spinner;
  AdwToastOverlay     *toast_overlay;
  AdwEntryRow         *name_row;
  AdwPreferencesGroup *sandbox_group;
  AdwActionRow        *sandbox_row;
  AdwPreferencesGroup *params_group;
  GtkLabel            *problem_label;
};

G_DEFINE_FINAL_TYPE (FlowsConnectionEditor, flows_connection_editor, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_APP,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
field_free (Field *field)
{
  g_clear_object (&field->param);
  g_free (field);
}

/* Async callbacks hold the dialog weakly: closing it must not wait for the keyring. */
static GWeakRef *
weak_ref_new (gpointer object)
{
  GWeakRef *ref = g_new (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  return ref;
}

static gpointer
weak_ref_steal (GWeakRef *ref)
{
  gpointer object = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  return object;
}

static gboolean
is_true (const char *value)
{
  return value != NULL && (g_ascii_strcasecmp (value, "true") == 0 || g_str_equal (value, "1") ||
                           g_ascii_strcasecmp (value, "yes") == 0);
}

/* The value a field holds now: NULL for an optional choice left at "None". Sensitive values
 * must be freed with flows_secrets_free(). */
static char *
field_get_value (Field *field)
{
  if (GTK_IS_SWITCH (field->input))
    return g_strdup (gtk_switch_get_active (GTK_SWITCH (field->input)) ? "true" : "false");

  if (ADW_IS_COMBO_ROW (field->input))
    {
      guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (field->input));
      GListModel *model = adw_combo_row_get_model (ADW_COMBO_ROW (field->input));

      if (selected == GTK_INVALID_LIST_POSITION || (field->has_none_item && selected == 0))
        return NULL;
      return g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (model), selected));
    }

  if (GTK_IS_TEXT_VIEW (field->input))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (field->input));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }

  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (field->input)));
}

static void
free_value (Field *field,
            char  *value)
{
  if (flows_param_get_sensitive (field->param))
    flows_secrets_free (value);
  else
    g_free (value);
}

static gboolean
is_number (const char *text)
{
  char *end = NULL;

  g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && !g_ascii_isspace (*text);
}

/* Checks every row; returns the reasons the connection cannot be saved, or NULL. Rows with
 * a malformed value are marked; an empty required row is only listed, so that a fresh
 * dialog is not covered in red. */
static char *
find_problems (FlowsConnectionEditor *self)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  if (*name == '\0')
    g_ptr_array_add (missing, (gpointer)_("Name"));

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      FlowsParamKind kind = flows_param_get_kind (field->param);
      const char *label = flows_param_get_label (field->param);
      char *value = field_get_value (field);
      gboolean empty = value == NULL || *value == '\0';
      /* Editing keeps a stored secret when its row is left empty. */
      gboolean kept = self->connection != NULL && flows_param_get_sensitive (field->param) &&
                      field->stored != STORED_NO;
      gboolean malformed = FALSE;
      g_autofree char *references = NULL;

      if (*label == '\0')
        label = flows_param_get_key (field->param);

      if (empty && !kept && flows_param_get_required (field->param))
        g_ptr_array_add (missing, (gpointer)label);
      else if (!empty && kind == FLOWS_PARAM_KIND_NUMBER && !is_number (value))
        {
          malformed = TRUE;
          g_string_append_printf (problems, _("“%s” must be a number."), label);
          g_string_append_c (problems, '\n');
        }
      else if (!empty && (references = flows_validate_param_references (self->app, field->param, value)) != NULL)
        {
          malformed = TRUE;
          /* Translators: a parameter's label, then what is wrong with the references in its value */
          g_string_append_printf (problems, _("“%s”: %s."), label, references);
          g_string_append_c (problems, '\n');
        }
      else if (!empty && kind == FLOWS_PARAM_KIND_URL && !flows_validate_is_web_address_template (value))
        {
          malformed = TRUE;
          g_string_append_printf (problems, _("“%s” must be a web address starting with http:// or https://."), label);
          g_string_append_c (problems, '\n');
        }

      if (malformed)
        gtk_widget_add_css_class (field->row, "error");
      else
        gtk_widget_remove_css_class (field->row, "error");
      free_value (field, value);
    }

  if (missing->len > 0)
    {
      g_autofree char *list = NULL;

      g_autofree char *line = NULL;

      g_ptr_array_add (missing, NULL);
      list = g_strjoinv (", ", (char **)missing->pdata);
      /* Translators: the placeholder is a list of field names */
      line = g_strdup_printf (_("To save, fill in: %s"), list);
      g_string_prepend_c (problems, '\n');
      g_string_prepend (problems, line);
    }

  if (problems->len == 0)
    return NULL;
  if (problems->str[problems->len - 1] == '\n')
    g_string_truncate (problems, problems->len - 1);
  return g_string_free (g_steal_pointer (&problems), FALSE);
}

static void
show_problem (FlowsConnectionEditor *self,
              const char            *text,
              gboolean               is_error)
{
  gtk_label_set_text (self->problem_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), text != NULL);
  if (is_error)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "dim-label");
    }
}

/* Save is possible only with every required value and every value well-formed; the reason
 * it is not is shown under the rows and on the button. */
static void
validate (FlowsConnectionEditor *self)
{
  g_autofree char *problems = find_problems (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", problems == NULL && !self->saving);
  gtk_widget_set_tooltip_text (self->save_button, problems);
  show_problem (self, problems, FALSE);
}

static void
on_entry_activated (FlowsConnectionEditor *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.save", NULL);
}

static void
set_saving (FlowsConnectionEditor *self,
            gboolean               saving)
{
  self->saving = saving;
  gtk_widget_set_visible (self->spinner, saving);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), saving);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), !saving);
  gtk_widget_set_sensitive (GTK_WIDGET (self->params_group), !saving);
  validate (self);
}

/* The keyring or the file refused: nothing is lost, the dialog stays open with the reason. */
static void
show_save_error (FlowsConnectionEditor *self,
                 const GError          *error)
{
  AdwToast *toast = adw_toast_new (_("The connection was not saved"));

  set_saving (self, FALSE);
  show_problem (self, error->message, TRUE);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  flows_toast_add (self->toast_overlay, toast);
}

static void
finish_saving (FlowsConnectionEditor *self,
               const char            *message)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (parent != NULL)
    flows_widget_show_toast (GTK_WIDGET (parent), message);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_added (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(FlowsConnectionEditor) self = weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!flows_library_add_connection_with_secrets_finish (FLOWS_LIBRARY (source), result, &error))
    {
      if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_save_error (self, error);
      return;
    }
  if (self == NULL)
    return;

  message = g_strdup_printf (_("Added the connection “%s”"), gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  finish_saving (self, message);
}

static void
on_secrets_stored (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FlowsConnectionEditor) self = weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  FlowsConnection *connection;
  GHashTableIter iter;
  gpointer key, value;

  if (!flows_library_store_connection_secrets_finish (FLOWS_LIBRARY (source), result, &error))
    {
      if (self != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_save_error (self, error);
      return;
    }
  if (self == NULL)
    return;

  /* The library puts a new object in place when the file changes on disk meanwhile. */
  connection = flows_library_find_connection (self->library, flows_connection_get_id (self->connection));
  if (connection == NULL)
    {
      g_set_error (&error, FLOWS_LIBRARY_ERROR, FLOWS_LIBRARY_ERROR_NOT_FOUND,
                   _("Connection “%s” is no longer in the library"), flows_connection_get_name (self->connection));
      show_save_error (self, error);
      return;
    }

  flows_connection_set_name (connection, self->pending_name);
  g_hash_table_iter_init (&iter, self->pending_values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    flows_connection_set_value (connection, key, value);

  if (!flows_library_save_connection (self->library, connection, &error))
    {
      show_save_error (self, error);
      return;
    }

  message = g_strdup_printf (_("Saved the connection “%s”"), self->pending_name);
  finish_saving (self, message);
}

static void
save (GtkWidget  *widget,
      const char *action_name,
      GVariant   *parameter)
{
  FlowsConnectionEditor *self = FLOWS_CONNECTION_EDITOR (widget);
  g_autoptr(GHashTable) secrets = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify)flows_secrets_free);
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *problems = find_problems (self);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  if (self->saving || problems != NULL)
    return;

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      const char *key = flows_param_get_key (field->param);
      char *value = field_get_value (field);

      if (flows_param_get_sensitive (field->param))
        {
          /* Only what was typed replaces a stored secret. */
          if (value != NULL && *value != '\0')
            g_hash_table_insert (secrets, (gpointer)key, value);
          else
            flows_secrets_free (value);
          /* A sensitive value never stays in the connection, whatever an older file held. */
          g_hash_table_insert (values, (gpointer)key, NULL);
        }
      else if (value != NULL && *value == '\0')
        {
          g_hash_table_insert (values, (gpointer)key, NULL);
          g_free (value);
        }
      else
        g_hash_table_insert (values, (gpointer)key, value);
    }

  set_saving (self, TRUE);
  show_problem (self, NULL, FALSE);

  if (self->connection == NULL)
    {
      g_autofree char *id = flows_new_id ();
      g_autoptr(FlowsConnection) connection = flows_connection_new (id, flows_app_get_id (self->app), name);
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, values);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (value != NULL)
          flows_connection_set_value (connection, key, value);

      flows_library_add_connection_with_secrets_async (self->library, connection, secrets, self->cancellable,
                                                       on_added, weak_ref_new (self));
    }
  else
    {
      g_free (self->pending_name);
      self->pending_name = g_steal_pointer (&name);
      g_clear_pointer (&self->pending_values, g_hash_table_unref);
      self->pending_values = g_steal_pointer (&values);
      flows_library_store_connection_secrets_async (self->library, self->connection, secrets, self->cancellable,
                                                    on_secrets_stored, weak_ref_new (self));
    }
}

/* Rows ---------------------------------------------------------------------------------------- */

static void
describe_row (GtkWidget  *row,
              FlowsParam *param)
{
  const char *description = flows_param_get_description (param);

  if (*description == '\0')
    return;
  gtk_widget_set_tooltip_text (row, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

static GtkWidget *
create_entry_row (FlowsConnectionEditor *self,
                  Field                 *field,
                  const char            *value)
{
  FlowsParam *param = field->param;
  GtkWidget *row;

  row = flows_param_get_sensitive (param) ? adw_password_entry_row_new () : adw_entry_row_new ();
  if (value != NULL)
    gtk_editable_set_text (GTK_EDITABLE (row), value);

  switch (flows_param_get_kind (param))
    {
    case FLOWS_PARAM_KIND_NUMBER:
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_NUMBER);
      break;
    case FLOWS_PARAM_KIND_URL:
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_URL);
      break;
    default:
      break;
    }

  g_signal_connect_object (row, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "entry-activated", G_CALLBACK (on_entry_activated), self, G_CONNECT_SWAPPED);
  field->input = row;
  return row;
}

static GtkWidget *
create_switch_row (FlowsConnectionEditor *self,
                   Field                 *field,
                   const char            *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  gtk_switch_set_active (GTK_SWITCH (toggle), is_true (value));
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  flows_param_get_label (field->param), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), flows_param_get_description (field->param));
  g_signal_connect_object (toggle, "notify::active", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  field->input = toggle;
  return row;
}

static GtkWidget *
create_choice_row (FlowsConnectionEditor *self,
                   Field                 *field,
                   const char            *value)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  const char * const *choices = flows_param_get_choices (field->param);
  guint selected = 0;
  gboolean found = FALSE;
  guint n = 0;

  field->has_none_item = !flows_param_get_required (field->param);
  if (field->has_none_item)
    {
      /* Translators: the choice of no value for an optional setting */
      gtk_string_list_append (model, _("None"));
      n++;
    }
  for (guint i = 0; choices != NULL && choices[i] != NULL; i++, n++)
    {
      gtk_string_list_append (model, choices[i]);
      if (!found && g_strcmp0 (choices[i], value) == 0)
        {
          selected = n;
          found = TRUE;
        }
    }
  /* A value that is no longer among the choices is kept, rather than silently replaced. */
  if (!found && value != NULL && *value != '\0')
    {
      gtk_string_list_append (model, value);
      selected = n;
    }

  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), flows_param_get_description (field->param));
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  field->input = row;
  return row;
}

static GtkWidget *
create_text_row (FlowsConnectionEditor *self,
                 Field                 *field,
                 const char            *value)
{
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *child = gtk_list_box_row_new ();
  GtkWidget *view = gtk_text_view_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));

  gtk_text_buffer_set_text (buffer, value != NULL ? value : "", -1);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 12);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 12);
  gtk_widget_set_size_request (view, -1, 96);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  flows_param_get_label (field->param), -1);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (child), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (child), view);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), child);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), flows_param_get_description (field->param));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  field->input = view;
  return row;
}

/* The title of a row: the parameter's label, and for a sensitive row while editing, what
 * happens to the stored value. A stored secret is never shown, not even as dots. The empty
 * row shows its title where the text would be, so this reads as the row's placeholder. */
static void
update_title (FlowsConnectionEditor *self,
              Field                 *field)
{
  const char *label = flows_param_get_label (field->param);
  g_autofree char *title = NULL;

  if (*label == '\0')
    label = flows_param_get_key (field->param);

  if (self->connection == NULL || !flows_param_get_sensitive (field->param))
    title = g_strdup (label);
  else if (field->stored == STORED_NO)
    /* Translators: a parameter's label, in the title of its row */
    title = g_strdup_printf (_("%s — nothing stored yet"), label);
  else
    /* Translators: a parameter's label, in the title of its row */
    title = g_strdup_printf (_("%s — stored in the keyring, leave empty to keep"), label);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->row), title);
}

typedef struct
{
  GWeakRef  editor;
  char     *key;
} LookUp;

static void
on_stored_looked_up (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  LookUp *look_up = user_data;
  g_autoptr(FlowsConnectionEditor) self = g_weak_ref_get (&look_up->editor);
  g_autofree char *key = g_steal_pointer (&look_up->key);
  g_autoptr(GError) error = NULL;
  char *secret = flows_secrets_lookup_finish (result, &error);
  gboolean stored = secret != NULL;

  /* Only whether there is one matters: the value goes at once. */
  flows_secrets_free (secret);
  g_weak_ref_clear (&look_up->editor);
  g_free (look_up);
  /* Unknown stays "stored": an unreadable keyring must not force retyping every secret. */
  if (self == NULL || error != NULL)
    return;

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (!flows_param_get_sensitive (field->param) || !g_str_equal (flows_param_get_key (field->param), key))
        continue;
      field->stored = stored ? STORED_YES : STORED_NO;
      update_title (self, field);
    }
  validate (self);
}

/* Whether the keyring holds a sensitive value: a required one with nothing stored must be
 * typed before saving. */
static void
look_up_stored (FlowsConnectionEditor *self,
                Field                 *field)
{
  LookUp *look_up = g_new0 (LookUp, 1);

  g_weak_ref_init (&look_up->editor, self);
  look_up->key = g_strdup (flows_param_get_key (field->param));
  field->stored = STORED_UNKNOWN;
  flows_secrets_lookup_async (flows_app_get_id (self->app), flows_connection_get_id (self->connection),
                              look_up->key, self->cancellable, on_stored_looked_up, look_up);
}

static void
add_field (FlowsConnectionEditor *self,
           FlowsParam            *param)
{
  Field *field = g_new0 (Field, 1);
  const char *value = NULL;
  GtkWidget *row;

  field->param = g_object_ref (param);
  if (self->connection != NULL)
    value = flows_connection_get_value (self->connection, flows_param_get_key (param));
  else if (*flows_param_get_default (param) != '\0')
    value = flows_param_get_default (param);
  else if (self->sandbox_values != NULL)
    value = g_hash_table_lookup (self->sandbox_values, flows_param_get_key (param));

  /* A stored secret is never shown; a new connection's sandbox secret is the provider's public
   * demo value, and goes to the keyring on Add like one typed. */
  if (flows_param_get_sensitive (param))
    row = create_entry_row (self, field, self->connection == NULL ? value : NULL);
  else
    switch (flows_param_get_kind (param))
      {
      case FLOWS_PARAM_KIND_BOOLEAN:
        row = create_switch_row (self, field, value);
        break;
      case FLOWS_PARAM_KIND_CHOICE:
        row = create_choice_row (self, field, value);
        break;
      case FLOWS_PARAM_KIND_MULTILINE:
        row = create_text_row (self, field, value);
        break;
      case FLOWS_PARAM_KIND_TEXT:
      case FLOWS_PARAM_KIND_NUMBER:
      case FLOWS_PARAM_KIND_URL:
      default:
        row = create_entry_row (self, field, value);
        break;
      }

  field->row = row;
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  update_title (self, field);
  describe_row (row, param);
  adw_preferences_group_add (self->params_group, row);
  g_ptr_array_add (self->fields, field);

  if (self->connection != NULL && flows_param_get_sensitive (param))
    look_up_stored (self, field);
}

/* A sensitive value filled in at sign-in shows as dots once the keyring holds one. */
static void
on_sign_in_secret_looked_up (GObject      *source,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  g_autoptr(AdwActionRow) row = g_weak_ref_get (user_data);
  char *secret = flows_secrets_lookup_finish (result, NULL);

  g_weak_ref_clear (user_data);
  g_free (user_data);
  if (row != NULL && secret != NULL)
    /* Translators: a value filled in at sign-in, kept in the keyring and never shown */
    adw_action_row_set_subtitle (row, _("Filled in at sign-in: ●●●●●●●●"));
  flows_secrets_free (secret);
}

/* A parameter filled in at sign-in (docs/ARCHITECTURE.md, "Flow roles") is nobody's to type:
 * a read-only row says so, with the value once the connection has one. */
static void
add_sign_in_row (FlowsConnectionEditor *self,
                 FlowsParam            *param)
{
  GtkWidget *row = adw_action_row_new ();
  const char *label = flows_param_get_label (param);
  const char *value = self->connection != NULL ? flows_connection_get_value (self->connection, flows_param_get_key (param)) : NULL;
  g_autofree char *subtitle = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), *label != '\0' ? label : flows_param_get_key (param));
  if (value != NULL && *value != '\0' && !flows_param_get_sensitive (param))
    /* Translators: the placeholder is the value the provider returned at sign-in */
    subtitle = g_strdup_printf (_("Filled in at sign-in: %s"), value);
  else
    subtitle = g_strdup (_("Filled in at sign-in"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  describe_row (row, param);
  adw_preferences_group_add (self->params_group, row);

  if (self->connection != NULL && flows_param_get_sensitive (param))
    {
      GWeakRef *weak = g_new0 (GWeakRef, 1);

      g_weak_ref_init (weak, row);
      flows_secrets_lookup_async (flows_app_get_id (self->app), flows_connection_get_id (self->connection),
                                  flows_param_get_key (param), self->cancellable, on_sign_in_secret_looked_up, weak);
    }
}

/* A name no other connection of the App has: the App's name, then "Name 2", "Name 3"… */
static char *
suggest_name (FlowsConnectionEditor *self)
{
  GListModel *connections = flows_library_get_connections (self->library);
  const char *base = flows_app_get_name (self->app);

  for (guint n = 1; ; n++)
    {
      /* Translators: a connection's name, made from its App's name and a number */
      g_autofree char *name = n == 1 ? g_strdup (base) : g_strdup_printf (_("%s %u"), base, n);
      gboolean taken = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (connections) && !taken; i++)
        {
          g_autoptr(FlowsConnection) connection = g_list_model_get_item (connections, i);

          taken = g_strcmp0 (flows_connection_get_app_id (connection), flows_app_get_id (self->app)) == 0 &&
                  g_strcmp0 (flows_connection_get_name (connection), name) == 0;
        }
      if (!taken)
        return g_steal_pointer (&name);
    }
}

static void
flows_connection_editor_constructed (GObject *object)
{
  FlowsConnectionEditor *self = (FlowsConnectionEditor *)object;
  GListModel *params = flows_app_get_params (self->app);
  g_autofree char *name = NULL;

  G_OBJECT_CLASS (flows_connection_editor_parent_class)->constructed (object);

  if (self->connection != NULL)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Connection"));
      gtk_button_set_label (GTK_BUTTON (self->save_button), _("_Save"));
      name = g_strdup (flows_connection_get_name (self->connection));
    }
  else
    {
      gtk_window_set_title (GTK_WINDOW (self), _("Add Connection"));
      gtk_button_set_label (GTK_BUTTON (self->save_button), _("_Add"));
      name = suggest_name (self);
    }
  /* A connection to the sandbox provider: what to sign in with, and for a new one its values
   * ready, so that Add, Sign In and Test work with nothing typed. */
  if (flows_uses_sandbox (self->app, self->connection))
    {
      /* Translators: the placeholders are the sandbox provider's demo user name and password */
      g_autofree char *account = g_strdup_printf (_("Sign in as “%s” with the password “%s”"),
                                                  FLOWS_SANDBOX_USER_NAME, FLOWS_SANDBOX_PASSWORD);

      adw_action_row_set_subtitle (self->sandbox_row, account);
      gtk_widget_set_visible (GTK_WIDGET (self->sandbox_group), TRUE);
      if (self->connection == NULL)
        {
          self->sandbox_values = flows_sandbox_get_connection_values (flows_sandbox_get_configured_port ());
          adw_preferences_group_set_description (self->sandbox_group,
                                                 _("This App signs in to the sandbox provider built into Flows Studio, on this computer. Its values are filled in."));
        }
    }
  adw_window_title_set_title (self->window_title, gtk_window_get_title (GTK_WINDOW (self)));
  adw_window_title_set_subtitle (self->window_title, flows_app_get_name (self->app));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);

  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);

      if (flows_param_get_from_sign_in (param))
        add_sign_in_row (self, param);
      else
        add_field (self, param);
    }

  if (g_list_model_get_n_items (params) == 0)
    adw_preferences_group_set_description (self->params_group,
                                           _("This App’s connection has no parameters. Add them in the Connection view."));
  else if (self->connection != NULL)
    adw_preferences_group_set_description (self->params_group,
                                           _("Sensitive values are kept in the keyring and never shown. Type a new one only to replace it."));
  else
    adw_preferences_group_set_description (self->params_group,
                                           _("Sensitive values go to the keyring, never to a file."));

  validate (self);
}

static void
flows_connection_editor_dispose (GObject *object)
{
  FlowsConnectionEditor *self = (FlowsConnectionEditor *)object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_CONNECTION_EDITOR);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->pending_name, g_free);
  g_clear_pointer (&self->pending_values, g_hash_table_unref);
  g_clear_pointer (&self->sandbox_values, g_hash_table_unref);
  g_clear_object (&self->connection);
  g_clear_object (&self->app);
  g_clear_object (&self->library);

  G_OBJECT_CLASS (flows_connection_editor_parent_class)->dispose (object);
}

static void
flows_connection_editor_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  FlowsConnectionEditor *self = FLOWS_CONNECTION_EDITOR (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    case PROP_APP:
      g_value_set_object (value, self->app);
      break;
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_connection_editor_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  FlowsConnectionEditor *self = FLOWS_CONNECTION_EDITOR (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      self->library = g_value_dup_object (value);
      break;
    case PROP_APP:
      self->app = g_value_dup_object (value);
      break;
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_connection_editor_class_init (FlowsConnectionEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = flows_connection_editor_constructed;
  object_class->dispose = flows_connection_editor_dispose;
  object_class->get_property = flows_connection_editor_get_property;
  object_class->set_property = flows_connection_editor_set_property;

  properties[PROP_LIBRARY] = g_param_spec_object ("library", NULL, NULL, FLOWS_TYPE_LIBRARY, flags);
  properties[PROP_APP] = g_param_spec_object ("app", NULL, NULL, FLOWS_TYPE_APP, flags);
  properties[PROP_CONNECTION] = g_param_spec_object ("connection", NULL, NULL, FLOWS_TYPE_CONNECTION, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-connection-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionEditor, spinner);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionEditor, sandbox_group);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionEditor, sandbox_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionEditor, params_group);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionEditor, problem_label);
  gtk_widget_class_bind_template_callback (widget_class, validate);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
}

static void
flows_connection_editor_init (FlowsConnectionEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify)field_free);
}

FlowsConnectionEditor *
flows_connection_editor_new (GtkWindow       *parent,
                             FlowsLibrary    *library,
                             FlowsApp        *app,
                             FlowsConnection *connection)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FLOWS_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);
  g_return_val_if_fail (connection == NULL || FLOWS_IS_CONNECTION (connection), NULL);

  return g_object_new (FLOWS_TYPE_CONNECTION_EDITOR,
                       "transient-for", parent,
                       "library", library,
                       "app", app,
                       "connection", connection,
                       NULL);
}
