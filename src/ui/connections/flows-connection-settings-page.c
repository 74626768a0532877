/* flows-connection-settings-page.c — the Connection view of an App */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-connection-settings-page.h"
#include "flows-expression.h"
#include "flows-param-rename.h"
#include "flows-toast.h"
#include "flows-param-row.h"
#include "flows-secrets.h"
#include "flows-validate.h"
#include "flows-window.h"

struct _FlowsConnectionSettingsPage
{
  AdwBin               parent_instance;

  FlowsLibrary        *library;
  FlowsApp            *app;
  GSignalGroup        *app_signals;
  /* On the App's list of parameters. */
  GSignalGroup        *params_signals;

  /* Parameters whose rows are open, so that rows rebuilt after a move stay open. */
  GHashTable          *expanded;
  /* Parameters whose stored values are moving between keyring and files; the moves outlive
   * the page, so this set only mirrors them for the switches. */
  GHashTable          *busy;

  /* The last removed parameter and its position, while its Undo toast shows. */
  FlowsParam          *removed;
  guint                removed_position;
  AdwToast            *undo_toast;

  AdwToastOverlay     *toast_overlay;
  GtkStack            *stack;
  GtkWidget           *problems_group;
  AdwActionRow        *problems_row;
  AdwActionRow        *type_row;
  GtkImage            *type_icon;
  AdwEntryRow         *redirect_row;
  GtkLabel            *redirect_note;
  GtkLabel            *redirect_error_label;
  AdwPreferencesGroup *refresh_group;
  AdwEntryRow         *refresh_status_row;
  GtkLabel            *refresh_status_note;
  GtkLabel            *refresh_status_error_label;
  GtkListBox          *params_list;

  guint                syncing : 1;
};

G_DEFINE_FINAL_TYPE (FlowsConnectionSettingsPage, flows_connection_settings_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_LIBRARY,
  PROP_APP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_error (FlowsConnectionSettingsPage *self,
            const char                  *summary,
            const char                  *details)
{
  flows_widget_show_error (GTK_WIDGET (self), summary, details);
}

/* The window's overlay, so that these toasts show where all others do; the page's own when
 * it is hosted elsewhere. */
static AdwToastOverlay *
get_toast_overlay (FlowsConnectionSettingsPage *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));
  GtkWidget *overlay = parent != NULL ? gtk_widget_get_ancestor (parent, ADW_TYPE_TOAST_OVERLAY) : NULL;

  return overlay != NULL ? ADW_TOAST_OVERLAY (overlay) : self->toast_overlay;
}

/* News that needs no decision goes away by itself. */
static void
show_note (FlowsConnectionSettingsPage *self,
           const char                  *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 3);
  flows_toast_add (get_toast_overlay (self), toast);
}

/* A question about @object (kept on the dialog as @key), answered through @on_response; its
 * responses start with "cancel", the close response; present it once the others are added. */
static AdwMessageDialog *
new_question (FlowsConnectionSettingsPage *self,
              const char                  *heading,
              const char                  *body,
              const char                  *key,
              gpointer                     object,
              GCallback                    on_response)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body));
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), key, g_object_ref (object), g_object_unref);
  g_signal_connect_object (dialog, "response", on_response, self, 0);
  return dialog;
}

/* Typing saves too: the library gathers quick edits into one write, and reports a failure
 * with its "save-failed" signal (shown by the window). */
static void
save_app (FlowsConnectionSettingsPage *self)
{
  flows_library_queue_save_app (self->library, self->app);
}

static FlowsParamRow *
find_row (FlowsConnectionSettingsPage *self,
          FlowsParam                  *param)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->params_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (FLOWS_IS_PARAM_ROW (child) && flows_param_row_get_param (FLOWS_PARAM_ROW (child)) == param)
      return FLOWS_PARAM_ROW (child);
  return NULL;
}

static gboolean
key_taken (FlowsApp   *app,
           const char *key)
{
  GListModel *params = flows_app_get_params (app);

  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    {
      g_autoptr(FlowsParam) param = g_list_model_get_item (params, i);

      if (g_ascii_strcasecmp (flows_param_get_key (param), key) == 0)
        return TRUE;
    }
  return FALSE;
}

static GPtrArray *
list_params (FlowsApp *app)
{
  GListModel *params = flows_app_get_params (app);
  GPtrArray *order = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    g_ptr_array_add (order, g_list_model_get_item (params, i));
  return order;
}

/* The App only appends parameters, so everything from the first difference on is taken out
 * and put back in the new order. */
static void
apply_param_order (FlowsApp  *app,
                   GPtrArray *order)
{
  g_autoptr(GPtrArray) current = list_params (app);
  guint first = 0;

  while (first < current->len && first < order->len &&
         g_ptr_array_index (current, first) == g_ptr_array_index (order, first))
    first++;

  for (guint i = current->len; i > first; i--)
    flows_app_remove_param (app, g_ptr_array_index (current, i - 1));
  for (guint i = first; i < order->len; i++)
    flows_app_add_param (app, g_ptr_array_index (order, i));
}

static void
update_move_actions (FlowsConnectionSettingsPage *self)
{
  guint n = self->app != NULL ? g_list_model_get_n_items (flows_app_get_params (self->app)) : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->params_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int index;

      if (!FLOWS_IS_PARAM_ROW (child))
        continue;
      index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (child));
      flows_param_row_set_movable (FLOWS_PARAM_ROW (child), index > 0, index >= 0 && (guint)index + 1 < n);
    }
}

/* The App's problems (flows_validate_app()): how many, and each one's message, above the
 * settings; nothing when there are none. */
static void
update_problems (FlowsConnectionSettingsPage *self)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GString) text = NULL;
  g_autofree char *title = NULL;

  if (self->app == NULL || (problems = flows_validate_app (self->app))->len == 0)
    {
      gtk_widget_set_visible (self->problems_group, FALSE);
      return;
    }

  text = g_string_new (NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *line = flows_problem_to_string (g_ptr_array_index (problems, i));

      g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", line);
    }
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Problem in This App", "%u Problems in This App", problems->len),
                           problems->len);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->problems_row), title);
  adw_action_row_set_subtitle (self->problems_row, text->str);
  gtk_widget_set_visible (self->problems_group, TRUE);
}

/* A key that changed may free or take the key another row is waiting for. */
static void
revalidate_rows (FlowsConnectionSettingsPage *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->params_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (FLOWS_IS_PARAM_ROW (child))
      flows_param_row_revalidate (FLOWS_PARAM_ROW (child));
}

static void
on_row_changed (FlowsParamRow               *row,
                FlowsConnectionSettingsPage *self)
{
  save_app (self);
  update_problems (self);
}

static void
on_row_expanded (FlowsParamRow               *row,
                 GParamSpec                  *pspec,
                 FlowsConnectionSettingsPage *self)
{
  FlowsParam *param = flows_param_row_get_param (row);

  if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)))
    g_hash_table_add (self->expanded, g_object_ref (param));
  else
    g_hash_table_remove (self->expanded, param);
}

static GtkWidget *
create_param_row (gpointer item,
                  gpointer user_data)
{
  FlowsConnectionSettingsPage *self = user_data;
  FlowsParam *param = item;
  GtkWidget *row = flows_param_row_new (self->app, param);

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), g_hash_table_contains (self->expanded, param));
  flows_param_row_set_busy (FLOWS_PARAM_ROW (row), g_hash_table_contains (self->busy, param));
  g_signal_connect_object (row, "changed", G_CALLBACK (on_row_changed), self, 0);
  g_signal_connect_object (row, "notify::expanded", G_CALLBACK (on_row_expanded), self, 0);
  return row;
}

static void
on_params_changed (FlowsConnectionSettingsPage *self)
{
  update_move_actions (self);
  /* A parameter removed leaves the references to it unknown. */
  update_problems (self);
}

static void
set_busy (FlowsConnectionSettingsPage *self,
          FlowsParam                  *param,
          gboolean                     busy)
{
  FlowsParamRow *row = find_row (self, param);

  if (busy)
    g_hash_table_add (self->busy, g_object_ref (param));
  else
    g_hash_table_remove (self->busy, param);
  if (row != NULL)
    flows_param_row_set_busy (row, busy);
}

/* Redirect URL ----------------------------------------------------------------------------- */

char *
flows_connection_settings_page_check_redirect_url (const char *text)
{
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  if (*text == '\0')
    return g_strdup (_("A redirect URL is required: the provider sends users back to it after they sign in."));

  if (!flows_validate_is_web_address (text))
    /* Translators: the placeholder is an example URL */
    return g_strdup_printf (_("Enter an http:// or https:// address, such as %s."), FLOWS_DEFAULT_REDIRECT_URL);

  /* RFC 6749 §3.1.2: the provider appends its answer, which a fragment would swallow. */
  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (g_uri_get_fragment (uri) != NULL)
    return g_strdup (_("A redirect URL cannot have a “#” part."));

  return NULL;
}

static void
show_redirect_error (FlowsConnectionSettingsPage *self,
                     const char                  *message)
{
  gboolean invalid = message != NULL;

  gtk_label_set_text (self->redirect_error_label, invalid ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->redirect_error_label), invalid);
  if (invalid)
    gtk_widget_add_css_class (GTK_WIDGET (self->redirect_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->redirect_row), "error");

  gtk_accessible_update_state (GTK_ACCESSIBLE (self->redirect_row),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
  /* The note under the row says what the URL is for; an error says what is wrong with it. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->redirect_row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  invalid ? message : gtk_label_get_text (self->redirect_note),
                                  -1);

  /* What would be copied is the saved URL, which is not what the entry shows. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.copy-redirect-url", !invalid && self->app != NULL);
}

static void
on_redirect_changed (FlowsConnectionSettingsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->redirect_row));
  g_autofree char *error = NULL;

  if (self->syncing || self->app == NULL)
    return;

  error = flows_connection_settings_page_check_redirect_url (text);
  show_redirect_error (self, error);
  if (error == NULL && g_strcmp0 (text, flows_app_get_redirect_url (self->app)) != 0)
    {
      flows_app_set_redirect_url (self->app, text);
      save_app (self);
    }
}

static void
sync_redirect (FlowsConnectionSettingsPage *self)
{
  const char *url = flows_app_get_redirect_url (self->app);

  /* A URL being typed that is not valid yet stays, with its error. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->redirect_error_label)))
    return;

  self->syncing = TRUE;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->redirect_row)), url) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->redirect_row), url);
  self->syncing = FALSE;
  show_redirect_error (self, NULL);
}

/* Refresh and retry --------------------------------------------------------------------------- */

char *
flows_connection_settings_page_parse_statuses (const char *text,
                                               GArray     *statuses)
{
  g_auto(GStrv) parts = g_strsplit_set (text, ", ", -1);

  g_return_val_if_fail (text != NULL && statuses != NULL, NULL);

  g_array_set_size (statuses, 0);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 status;

      if (*parts[i] == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (parts[i], 10, 100, 599, &status, NULL))
        /* Translators: the placeholder is what was typed */
        return g_strdup_printf (_("“%s” is not an HTTP status: enter numbers from 100 to 599, such as 401, 403."), parts[i]);
      g_array_append_val (statuses, (guint) { (guint) status });
    }
  if (statuses->len == 0)
    return g_strdup (_("Enter at least one HTTP status, such as 401."));
  return NULL;
}

static char *
statuses_to_text (FlowsApp *app)
{
  guint n;
  const guint *statuses = flows_app_get_refresh_on_status (app, &n);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? ", " : "", statuses[i]);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
show_refresh_status_error (FlowsConnectionSettingsPage *self,
                           const char                  *message)
{
  gboolean invalid = message != NULL;

  gtk_label_set_text (self->refresh_status_error_label, invalid ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->refresh_status_error_label), invalid);
  if (invalid)
    gtk_widget_add_css_class (GTK_WIDGET (self->refresh_status_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->refresh_status_row), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->refresh_status_row), GTK_ACCESSIBLE_STATE_INVALID,
                               invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->refresh_status_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  invalid ? message : gtk_label_get_text (self->refresh_status_note), -1);
}

static void
on_refresh_status_changed (FlowsConnectionSettingsPage *self)
{
  g_autoptr(GArray) statuses = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *error = NULL;
  g_autofree char *current = NULL;

  if (self->syncing || self->app == NULL)
    return;

  error = flows_connection_settings_page_parse_statuses (gtk_editable_get_text (GTK_EDITABLE (self->refresh_status_row)),
                                                         statuses);
  show_refresh_status_error (self, error);
  if (error != NULL)
    return;
  current = statuses_to_text (self->app);
  flows_app_set_refresh_on_status (self->app, (const guint *)(gpointer) statuses->data, statuses->len);
  {
    g_autofree char *now = statuses_to_text (self->app);

    if (!g_str_equal (current, now))
      save_app (self);
  }
}

static void
sync_refresh_status (FlowsConnectionSettingsPage *self)
{
  g_autofree char *text = statuses_to_text (self->app);
  g_autoptr(GArray) shown = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *shown_error = NULL;
  g_autofree char *shown_text = NULL;

  /* Statuses being typed that are not valid yet stay, with their error; so does "401,403",
   * which says what the App has. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->refresh_status_error_label)))
    return;
  shown_error = flows_connection_settings_page_parse_statuses (gtk_editable_get_text (GTK_EDITABLE (self->refresh_status_row)),
                                                               shown);
  if (shown_error == NULL)
    {
      g_autoptr(FlowsApp) scratch = flows_app_new ("scratch", "", FLOWS_CONNECTION_TYPE_OAUTH);

      flows_app_set_refresh_on_status (scratch, (const guint *)(gpointer) shown->data, shown->len);
      shown_text = statuses_to_text (scratch);
    }
  self->syncing = TRUE;
  if (g_strcmp0 (shown_text, text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->refresh_status_row), text);
  self->syncing = FALSE;
  show_refresh_status_error (self, NULL);
}

static void
copy_redirect_url (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlowsConnectionSettingsPage *self = FLOWS_CONNECTION_SETTINGS_PAGE (widget);

  if (self->app == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), flows_app_get_redirect_url (self->app));
  show_note (self, _("Redirect URL copied"));
}

/* Adding, removing, moving ----------------------------------------------------------------- */

static void
add_param (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  FlowsConnectionSettingsPage *self = FLOWS_CONNECTION_SETTINGS_PAGE (widget);
  g_autoptr(FlowsParam) param = NULL;
  g_autofree char *key = NULL;
  FlowsParamRow *row;

  if (self->app == NULL)
    return;

  /* A valid, unique key from the start, so that the new parameter is saved at once. */
  for (guint i = g_list_model_get_n_items (flows_app_get_params (self->app)) + 1; ; i++)
    {
      g_free (key);
      key = g_strdup_printf ("Parameter%u", i);
      if (!key_taken (self->app, key))
        break;
    }

  param = flows_param_new (key, _("New parameter"), FLOWS_PARAM_KIND_TEXT);
  flows_app_add_param (self->app, param);
  save_app (self);

  if ((row = find_row (self, param)) != NULL)
    flows_param_row_edit_key (row);
}

static void
forget_removed (FlowsConnectionSettingsPage *self)
{
  g_clear_object (&self->removed);
  if (self->undo_toast != NULL)
    {
      AdwToast *toast = g_steal_pointer (&self->undo_toast);
      adw_toast_dismiss (toast);
      g_object_unref (toast);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.undo-remove", FALSE);
}

static void
on_undo_toast_dismissed (AdwToast                    *toast,
                         FlowsConnectionSettingsPage *self)
{
  if (toast == self->undo_toast)
    forget_removed (self);
}

static void undo_remove (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter);

static void
on_undo_clicked (FlowsConnectionSettingsPage *self)
{
  undo_remove (GTK_WIDGET (self), "settings.undo-remove", NULL);
}

/* The focus goes to the row now in the removed one's place, else to the one before. */
static void
focus_param_near (FlowsConnectionSettingsPage *self,
                  guint                        position)
{
  guint n = g_list_model_get_n_items (flows_app_get_params (self->app));
  GtkListBoxRow *row;

  if (n == 0)
    return;
  row = gtk_list_box_get_row_at_index (self->params_list, MIN (position, n - 1));
  if (FLOWS_IS_PARAM_ROW (row))
    flows_param_row_focus (FLOWS_PARAM_ROW (row));
}

static void
remove_param (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FlowsConnectionSettingsPage *self = FLOWS_CONNECTION_SETTINGS_PAGE (widget);
  guint position = g_variant_get_uint32 (parameter);
  g_autoptr(FlowsParam) param = NULL;
  g_autofree char *title = NULL;
  const char *label;

  if (self->app == NULL ||
      !(param = g_list_model_get_item (flows_app_get_params (self->app), position)))
    return;

  forget_removed (self);
  flows_app_remove_param (self->app, param);
  g_hash_table_remove (self->expanded, param);
  save_app (self);

  self->removed = g_object_ref (param);
  self->removed_position = position;
  gtk_widget_action_set_enabled (widget, "settings.undo-remove", TRUE);

  label = flows_param_get_label (param);
  /* Translators: the placeholder is a parameter's label */
  title = g_markup_printf_escaped (_("“%s” removed"), *label != '\0' ? label : flows_param_get_key (param));
  self->undo_toast = adw_toast_new (title);
  adw_toast_set_button_label (self->undo_toast, _("_Undo"));
  adw_toast_set_priority (self->undo_toast, ADW_TOAST_PRIORITY_HIGH);
  /* A signal, not an action name: the window's overlay is outside the page's actions. */
  g_signal_connect_object (self->undo_toast, "button-clicked", G_CALLBACK (on_undo_clicked), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->undo_toast, "dismissed", G_CALLBACK (on_undo_toast_dismissed), self, G_CONNECT_AFTER);
  flows_toast_add (get_toast_overlay (self), g_object_ref (self->undo_toast));

  focus_param_near (self, position);
}

static void
undo_remove (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FlowsConnectionSettingsPage *self = FLOWS_CONNECTION_SETTINGS_PAGE (widget);
  g_autoptr(FlowsParam) param = NULL;
  g_autoptr(GPtrArray) order = NULL;
  FlowsParamRow *row;

  if (self->app == NULL || self->removed == NULL)
    return;

  param = g_object_ref (self->removed);
  order = list_params (self->app);

  /* A parameter added since may have taken the key. */
  if (key_taken (self->app, flows_param_get_key (param)))
    {
      g_autofree char *key = NULL;

      for (guint i = 2; ; i++)
        {
          g_free (key);
          key = g_strdup_printf ("%s%u", flows_param_get_key (param), i);
          if (!key_taken (self->app, key))
            break;
        }
      flows_param_set_key (param, key);
    }

  g_ptr_array_insert (order, MIN (self->removed_position, order->len), g_object_ref (param));
  forget_removed (self);
  apply_param_order (self->app, order);
  save_app (self);

  if ((row = find_row (self, param)) != NULL)
    flows_param_row_focus (row);
}

static void
move_param (FlowsConnectionSettingsPage *self,
            guint                        position,
            gboolean                     up)
{
  g_autoptr(GPtrArray) order = NULL;
  guint target;
  FlowsParamRow *row;
  FlowsParam *param;

  if (self->app == NULL)
    return;

  order = list_params (self->app);
  if (position >= order->len || (up && position == 0) || (!up && position + 1 >= order->len))
    return;

  target = up ? position - 1 : position + 1;
  param = g_ptr_array_index (order, position);
  order->pdata[position] = order->pdata[target];
  order->pdata[target] = param;

  apply_param_order (self->app, order);
  save_app (self);

  if ((row = find_row (self, param)) != NULL)
    flows_param_row_focus (row);
}

static void
move_param_up (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  move_param (FLOWS_CONNECTION_SETTINGS_PAGE (widget), g_variant_get_uint32 (parameter), TRUE);
}

static void
move_param_down (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  move_param (FLOWS_CONNECTION_SETTINGS_PAGE (widget), g_variant_get_uint32 (parameter), FALSE);
}

/* Renaming a key ---------------------------------------------------------------------------- */

static void
on_rename_undone (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(FlowsConnectionSettingsPage) self = g_weak_ref_get (user_data);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (user_data);
  g_free (user_data);

  if (!flows_param_rename_undo_finish (FLOWS_PARAM_RENAME (source), result, &error))
    {
      if (self != NULL)
        show_error (self, _("The rename could not be undone"), error->message);
      else
        g_warning ("The rename could not be undone: %s", error->message);
      return;
    }
  if (self != NULL)
    {
      revalidate_rows (self);
      update_problems (self);
    }
}

static void
on_rename_undo_clicked (AdwToast                    *toast,
                        FlowsConnectionSettingsPage *self)
{
  FlowsParamRename *rename = g_object_get_data (G_OBJECT (toast), "rename");
  GWeakRef *page = g_new0 (GWeakRef, 1);

  g_weak_ref_init (page, self);
  flows_param_rename_undo_async (rename, NULL, on_rename_undone, page);
}

static void
on_rename_applied (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FlowsParamRename *rename = FLOWS_PARAM_RENAME (source);
  g_autoptr(FlowsConnectionSettingsPage) self = g_weak_ref_get (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  gboolean applied;
  AdwToast *toast;

  g_weak_ref_clear (user_data);
  g_free (user_data);

  applied = flows_param_rename_apply_finish (rename, result, &error);
  if (self == NULL)
    {
      if (error != NULL)
        g_warning ("%s", error->message);
      return;
    }

  revalidate_rows (self);
  update_problems (self);
  if (!applied)
    {
      /* Translators: the placeholder is a parameter's key */
      g_autofree char *summary = g_strdup_printf (_("“%s” could not be renamed"), flows_param_rename_get_old_key (rename));

      show_error (self, summary, error->message);
      return;
    }

  /* Translators: the placeholders are a parameter's old and new keys */
  title = g_markup_printf_escaped (_("“%s” renamed to “%s”"),
                                   flows_param_rename_get_old_key (rename), flows_param_rename_get_new_key (rename));
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "rename", g_object_ref (rename), g_object_unref);
  /* A signal, not an action name: the window's overlay is outside the page's actions. */
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_rename_undo_clicked), self, 0);
  flows_toast_add (get_toast_overlay (self), toast);
}

static void
start_rename (FlowsConnectionSettingsPage *self,
              FlowsParamRename            *rename,
              gboolean                     update_references)
{
  GWeakRef *page = g_new0 (GWeakRef, 1);

  g_weak_ref_init (page, self);
  flows_param_rename_apply_async (rename, update_references, NULL, on_rename_applied, page);
}

static void
on_rename_response (AdwMessageDialog            *dialog,
                    const char                  *response,
                    FlowsConnectionSettingsPage *self)
{
  /* Taken: a dialog may report its response twice (once as it closes). */
  g_autoptr(FlowsParamRename) rename = g_object_steal_data (G_OBJECT (dialog), "rename");

  /* Cancelled: the new key waits in its entry. */
  if (rename == NULL)
    return;
  if (g_strcmp0 (response, "update") == 0 || g_strcmp0 (response, "rename") == 0)
    start_rename (self, rename, g_strcmp0 (response, "update") == 0);
}

static void
confirm_rename (FlowsConnectionSettingsPage *self,
                FlowsParamRename            *rename)
{
  guint n_references = flows_param_rename_get_n_references (rename);
  guint n_flows = flows_param_rename_get_n_flows (rename);
  const char *old_key = flows_param_rename_get_old_key (rename);
  const char *new_key = flows_param_rename_get_new_key (rename);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  /* Translators: the dialog asks "Update 3 references in 2 flows?"; both numbers vary */
  if (n_flows == 1)
    heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Update %u Reference in 1 Flow?", "Update %u References in 1 Flow?", n_references),
                               n_references);
  else
    /* More than one flow: more than one reference. */
    heading = g_strdup_printf (_("Update %u References in %u Flows?"), n_references, n_flows);
  /* Translators: <%s> is the reference syntax; the placeholders are the old and new keys */
  body = g_strdup_printf (_("The App’s flows refer to this parameter as <%s>. Updating them makes them use <%s>; otherwise they keep the old key, which no longer names anything. The connections’ values move to the new key either way."),
                          old_key, new_key);

  /* The response takes the rename with g_object_steal_data(). */
  dialog = new_question (self, heading, body, "rename", rename, G_CALLBACK (on_rename_response));
  adw_message_dialog_add_responses (dialog,
                                    "rename", _("_Only Rename"),
                                    "update", _("_Update References"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "update", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "update");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
rename_param (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  FlowsConnectionSettingsPage *self = FLOWS_CONNECTION_SETTINGS_PAGE (widget);
  g_autoptr(FlowsParam) param = NULL;
  g_autoptr(FlowsParamRename) rename = NULL;
  const char *key;
  guint position;

  g_variant_get (parameter, "(u&s)", &position, &key);
  /* The row checked the key; what comes from elsewhere is checked again. */
  if (self->app == NULL ||
      !(param = g_list_model_get_item (flows_app_get_params (self->app), position)) ||
      !flows_expression_is_identifier (key) ||
      g_strcmp0 (key, flows_param_get_key (param)) == 0 ||
      (g_ascii_strcasecmp (key, flows_param_get_key (param)) != 0 && key_taken (self->app, key)))
    return;

  rename = flows_param_rename_new (self->library, self->app, param, key);
  if (flows_param_rename_get_n_references (rename) > 0)
    confirm_rename (self, rename);
  else
    start_rename (self, rename, FALSE);
}

/* Sensitive values between keyring and files ---------------------------------------------- */

/* One change of a parameter's "sensitive", carried out even if the page goes away meanwhile:
 * stopping half-way would leave values where nothing looks for them. */
typedef struct
{
  GWeakRef      page;
  FlowsLibrary *library;
  FlowsApp     *app;
  FlowsParam   *param;
  /* The connections whose value moves and, on the way out of the keyring, their values. */
  GPtrArray    *connections;
  GPtrArray    *values;
  guint         next;
} ValueMove;

static void
value_move_free (ValueMove *move)
{
  g_weak_ref_clear (&move->page);
  g_clear_object (&move->library);
  g_clear_object (&move->app);
  g_clear_object (&move->param);
  g_clear_pointer (&move->connections, g_ptr_array_unref);
  g_clear_pointer (&move->values, g_ptr_array_unref);
  g_free (move);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ValueMove, value_move_free)

static ValueMove *
value_move_new (FlowsConnectionSettingsPage *self,
                FlowsParam                  *param)
{
  ValueMove *move = g_new0 (ValueMove, 1);

  g_weak_ref_init (&move->page, self);
  move->library = g_object_ref (self->library);
  move->app = g_object_ref (self->app);
  move->param = g_object_ref (param);
  move->connections = g_ptr_array_new_with_free_func (g_object_unref);
  move->values = g_ptr_array_new_with_free_func ((GDestroyNotify)flows_secrets_free);
  return move;
}

static const char *
value_move_label (ValueMove *move)
{
  const char *label = flows_param_get_label (move->param);

  return *label != '\0' ? label : flows_param_get_key (move->param);
}

/* Reports @summary (when not NULL) and lets the switch show the parameter again. */
static void
value_move_finish (ValueMove  *move,
                   const char *summary,
                   const char *details)
{
  g_autoptr(FlowsConnectionSettingsPage) self = g_weak_ref_get (&move->page);

  if (self != NULL)
    {
      set_busy (self, move->param, FALSE);
      if (summary != NULL)
        show_error (self, summary, details);
    }
  else if (summary != NULL)
    g_warning ("%s: %s", summary, details != NULL ? details : "");

  value_move_free (move);
}

static void store_next_value (ValueMove *move);

/* All values are in the keyring: now out of the files, then the App says "sensitive". */
static void
commit_to_keyring (ValueMove *move)
{
  const char *key = flows_param_get_key (move->param);
  g_autoptr(GString) failures = g_string_new (NULL);
  g_autofree char *summary = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < move->connections->len; i++)
    {
      FlowsConnection *connection = g_ptr_array_index (move->connections, i);
      g_autoptr(GError) save_error = NULL;

      flows_connection_set_value (connection, key, NULL);
      if (!flows_library_save_connection (move->library, connection, &save_error))
        g_string_append_printf (failures, "%s%s", failures->len > 0 ? "\n" : "", save_error->message);
    }

  flows_param_set_sensitive (move->param, TRUE);
  if (!flows_library_save_app (move->library, move->app, &error))
    g_string_append_printf (failures, "%s%s", failures->len > 0 ? "\n" : "", error->message);

  if (failures->len > 0)
    /* Translators: the placeholder is a parameter's label */
    summary = g_strdup_printf (_("The values of “%s” are in the keyring, but not every file could be saved without them"),
                               value_move_label (move));
  value_move_finish (move, summary, failures->len > 0 ? failures->str : NULL);
}

static void
on_value_stored (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ValueMove *move = user_data;
  g_autoptr(GError) error = NULL;

  if (!flows_secrets_store_finish (result, &error))
    {
      FlowsConnection *connection = g_ptr_array_index (move->connections, move->next);
      g_autofree char *summary = NULL;
      g_autofree char *details = NULL;

      /* The files still have every value: the copies already made would only linger. */
      for (guint i = 0; i < move->next; i++)
        flows_secrets_clear_async (flows_app_get_id (move->app),
                                   flows_connection_get_id (g_ptr_array_index (move->connections, i)),
                                   flows_param_get_key (move->param), NULL, NULL, NULL);

      /* Translators: the first placeholder is a parameter's label, the second the reason */
      summary = g_strdup_printf (_("“%s” was not made sensitive: %s"), value_move_label (move), error->message);
      /* Translators: the first placeholder is a connection's name, the second the reason */
      details = g_strdup_printf (_("The value of connection “%s” could not be stored in the keyring: %s"),
                                 flows_connection_get_name (connection), error->message);
      value_move_finish (move, summary, details);
      return;
    }

  move->next++;
  store_next_value (move);
}

static void
store_next_value (ValueMove *move)
{
  FlowsConnection *connection;

  if (move->next == move->connections->len)
    {
      commit_to_keyring (move);
      return;
    }

  connection = g_ptr_array_index (move->connections, move->next);
  flows_secrets_store_async (flows_app_get_id (move->app),
                             flows_connection_get_id (connection),
                             flows_param_get_key (move->param),
                             flows_connection_get_value (connection, flows_param_get_key (move->param)),
                             NULL, on_value_stored, move);
}

/* Keyring first, files after: a value is never in neither place. */
static void
move_values_to_keyring (FlowsConnectionSettingsPage *self,
                        FlowsParam                  *param)
{
  ValueMove *move = value_move_new (self, param);
  GListModel *connections = flows_library_get_connections (self->library);
  const char *key = flows_param_get_key (param);

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FlowsConnection) connection = g_list_model_get_item (connections, i);

      if (g_strcmp0 (flows_connection_get_app_id (connection), flows_app_get_id (self->app)) == 0 &&
          flows_connection_get_value (connection, key) != NULL)
        g_ptr_array_add (move->connections, g_steal_pointer (&connection));
    }

  store_next_value (move);
}

static void clear_next_value (ValueMove *move);

static void
on_value_cleared (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ValueMove *move = user_data;
  g_autoptr(GError) error = NULL;

  if (!flows_secrets_clear_finish (result, &error))
    {
      g_autofree char *summary = NULL;

      /* Translators: the first placeholder is a parameter's label, the second the reason */
      summary = g_strdup_printf (_("The values of “%s” are in the connection files, but copies remain in the keyring: %s"),
                                 value_move_label (move), error->message);
      value_move_finish (move, summary, NULL);
      return;
    }

  move->next++;
  clear_next_value (move);
}

static void
clear_next_value (ValueMove *move)
{
  FlowsConnection *connection;

  if (move->next == move->connections->len)
    {
      value_move_finish (move, NULL, NULL);
      return;
    }

  connection = g_ptr_array_index (move->connections, move->next);
  flows_secrets_clear_async (flows_app_get_id (move->app),
                             flows_connection_get_id (connection),
                             flows_param_get_key (move->param),
                             NULL, on_value_cleared, move);
}

/* Every value has been read from the keyring: the App stops calling the parameter sensitive,
 * the files get the values, and only then does the keyring let go of them. */
static void
commit_to_files (ValueMove *move)
{
  const char *key = flows_param_get_key (move->param);
  g_autoptr(GPtrArray) saved = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) failures = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  flows_param_set_sensitive (move->param, FALSE);
  if (!flows_library_save_app (move->library, move->app, &error))
    {
      g_autofree char *summary = NULL;

      flows_param_set_sensitive (move->param, TRUE);
      /* Translators: the first placeholder is a parameter's label, the second the reason */
      summary = g_strdup_printf (_("“%s” is still sensitive: %s"), value_move_label (move), error->message);
      value_move_finish (move, summary, NULL);
      return;
    }

  for (guint i = 0; i < move->connections->len; i++)
    {
      FlowsConnection *connection = g_ptr_array_index (move->connections, i);
      const char *value = g_ptr_array_index (move->values, i);
      g_autoptr(GError) save_error = NULL;

      if (value == NULL)
        continue;

      flows_connection_set_value (connection, key, value);
      if (flows_library_save_connection (move->library, connection, &save_error))
        g_ptr_array_add (saved, g_object_ref (connection));
      else
        {
          /* Its keyring entry stays, the only copy. */
          flows_connection_set_value (connection, key, NULL);
          g_string_append_printf (failures, "%s%s", failures->len > 0 ? "\n" : "", save_error->message);
        }
    }

  if (failures->len > 0)
    {
      g_autoptr(FlowsConnectionSettingsPage) self = g_weak_ref_get (&move->page);
      g_autofree char *summary =
        /* Translators: the placeholder is a parameter's label */
        g_strdup_printf (_("Some values of “%s” stay in the keyring: their connection files could not be saved"),
                         value_move_label (move));

      if (self != NULL)
        show_error (self, summary, failures->str);
      else
        g_warning ("%s: %s", summary, failures->str);
    }

  g_ptr_array_unref (move->connections);
  move->connections = g_steal_pointer (&saved);
  move->next = 0;
  clear_next_value (move);
}

static void look_up_next_value (ValueMove *move);

static void
on_value_looked_up (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ValueMove *move = user_data;
  g_autoptr(GError) error = NULL;
  char *value = flows_secrets_lookup_finish (result, &error);

  if (error != NULL)
    {
      g_autofree char *summary = NULL;

      /* Translators: the first placeholder is a parameter's label, the second the reason */
      summary = g_strdup_printf (_("“%s” is still sensitive: %s"), value_move_label (move), error->message);
      value_move_finish (move, summary, NULL);
      return;
    }

  g_ptr_array_add (move->values, value);
  move->next++;
  look_up_next_value (move);
}

static void
look_up_next_value (ValueMove *move)
{
  FlowsConnection *connection;

  if (move->next == move->connections->len)
    {
      commit_to_files (move);
      return;
    }

  connection = g_ptr_array_index (move->connections, move->next);
  flows_secrets_lookup_async (flows_app_get_id (move->app),
                              flows_connection_get_id (connection),
                              flows_param_get_key (move->param),
                              NULL, on_value_looked_up, move);
}

static void
move_values_to_files (FlowsConnectionSettingsPage *self,
                      FlowsParam                  *param)
{
  ValueMove *move = value_move_new (self, param);
  GListModel *connections = flows_library_get_connections (self->library);

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(FlowsConnection) connection = g_list_model_get_item (connections, i);

      if (g_strcmp0 (flows_connection_get_app_id (connection), flows_app_get_id (self->app)) == 0)
        g_ptr_array_add (move->connections, g_steal_pointer (&connection));
    }

  look_up_next_value (move);
}

static void
on_plain_text_response (AdwMessageDialog            *dialog,
                        const char                  *response,
                        FlowsConnectionSettingsPage *self)
{
  FlowsParam *param = g_object_get_data (G_OBJECT (dialog), "param");

  /* Had another App been chosen while the dialog was open, the page would no longer know the
   * parameter's connections: then nothing moves. */
  if (g_strcmp0 (response, "plain-text") == 0 && self->app != NULL && find_row (self, param) != NULL)
    move_values_to_files (self, param);
  else
    set_busy (self, param, FALSE);
}

static void
confirm_plain_text (FlowsConnectionSettingsPage *self,
                    FlowsParam                  *param)
{
  const char *label = flows_param_get_label (param);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  /* Translators: the placeholder is a parameter's label */
  heading = g_strdup_printf (_("Store “%s” in Plain Text?"), *label != '\0' ? label : flows_param_get_key (param));
  dialog = new_question (self, heading,
                         _("Its values will move out of the keyring and be written to the connection files in plain text, where anyone who can read your files can see them."),
                         "param", param, G_CALLBACK (on_plain_text_response));
  adw_message_dialog_add_response (dialog, "plain-text", _("_Store in Plain Text"));
  adw_message_dialog_set_response_appearance (dialog, "plain-text", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
set_param_sensitive (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FlowsConnectionSettingsPage *self = FLOWS_CONNECTION_SETTINGS_PAGE (widget);
  g_autoptr(FlowsParam) param = NULL;
  gboolean sensitive;
  guint position;

  g_variant_get (parameter, "(ub)", &position, &sensitive);
  if (self->app == NULL ||
      !(param = g_list_model_get_item (flows_app_get_params (self->app), position)) ||
      flows_param_get_sensitive (param) == sensitive ||
      g_hash_table_contains (self->busy, param))
    return;

  set_busy (self, param, TRUE);
  if (sensitive)
    move_values_to_keyring (self, param);
  else
    confirm_plain_text (self, param);
}

/* The App ---------------------------------------------------------------------------------- */

static void
update_type (FlowsConnectionSettingsPage *self)
{
  gboolean oauth = flows_app_get_connection_type (self->app) == FLOWS_CONNECTION_TYPE_OAUTH;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->type_row), oauth ? _("OAuth") : _("Generic"));
  adw_action_row_set_subtitle (self->type_row,
                               oauth
                               ? _("Users sign in at the provider, and the OAuth flows get and refresh their access token. The type is chosen when an App is created and cannot be changed.")
                               : _("Users enter the parameters below, such as an API key. The type is chosen when an App is created and cannot be changed."));
  gtk_image_set_from_icon_name (self->type_icon, oauth ? "system-users-symbolic" : "dialog-password-symbolic");
  gtk_widget_set_visible (GTK_WIDGET (self->redirect_row), oauth);
  gtk_widget_set_visible (GTK_WIDGET (self->redirect_note), oauth);
  gtk_widget_set_visible (GTK_WIDGET (self->refresh_group), oauth);
  if (!oauth)
    gtk_widget_set_visible (GTK_WIDGET (self->redirect_error_label), FALSE);
}

static void
update_actions (FlowsConnectionSettingsPage *self)
{
  gboolean has_app = self->app != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.add-param", has_app);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.remove-param", has_app);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.rename-param", has_app);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.move-param-up", has_app);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.move-param-down", has_app);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.set-param-sensitive", has_app);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.undo-remove", has_app && self->removed != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "settings.copy-redirect-url",
                                 has_app && !gtk_widget_get_visible (GTK_WIDGET (self->redirect_error_label)));
}

void
flows_connection_settings_page_set_app (FlowsConnectionSettingsPage *self,
                                        FlowsApp                    *app)
{
  g_return_if_fail (FLOWS_IS_CONNECTION_SETTINGS_PAGE (self));
  g_return_if_fail (app == NULL || FLOWS_IS_APP (app));

  if (self->app == app)
    return;

  g_signal_group_set_target (self->app_signals, NULL);
  g_signal_group_set_target (self->params_signals, NULL);
  forget_removed (self);
  g_hash_table_remove_all (self->expanded);
  gtk_list_box_bind_model (self->params_list, NULL, NULL, NULL, NULL);
  /* An error shown for the previous App's URL must not hold back this App's. */
  gtk_widget_set_visible (GTK_WIDGET (self->redirect_error_label), FALSE);

  g_set_object (&self->app, app);

  if (app != NULL)
    {
      GListModel *params = flows_app_get_params (app);

      gtk_list_box_bind_model (self->params_list, params, create_param_row, self, NULL);
      g_signal_group_set_target (self->params_signals, params);
      g_signal_group_set_target (self->app_signals, app);
      update_type (self);
      sync_redirect (self);
      sync_refresh_status (self);
      update_move_actions (self);
    }

  gtk_stack_set_visible_child_name (self->stack, app != NULL ? "settings" : "none");
  update_actions (self);
  update_problems (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APP]);
}

static void
flows_connection_settings_page_dispose (GObject *object)
{
  FlowsConnectionSettingsPage *self = (FlowsConnectionSettingsPage *)object;

  g_clear_object (&self->app_signals);
  g_clear_object (&self->params_signals);
  g_clear_object (&self->removed);
  g_clear_object (&self->undo_toast);
  /* AdwBin keeps its own pointer to the child, which is a template child: let go of it first,
   * or AdwBin would unparent it again after the template is gone. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_CONNECTION_SETTINGS_PAGE);
  g_clear_pointer (&self->expanded, g_hash_table_unref);
  g_clear_pointer (&self->busy, g_hash_table_unref);
  g_clear_object (&self->app);
  g_clear_object (&self->library);

  G_OBJECT_CLASS (flows_connection_settings_page_parent_class)->dispose (object);
}

static void
flows_connection_settings_page_get_property (GObject    *object,
                                             guint       prop_id,
                                             GValue     *value,
                                             GParamSpec *pspec)
{
  FlowsConnectionSettingsPage *self = FLOWS_CONNECTION_SETTINGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    case PROP_APP:
      g_value_set_object (value, self->app);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_connection_settings_page_set_property (GObject      *object,
                                             guint         prop_id,
                                             const GValue *value,
                                             GParamSpec   *pspec)
{
  FlowsConnectionSettingsPage *self = FLOWS_CONNECTION_SETTINGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      if (g_set_object (&self->library, g_value_get_object (value)))
        g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_APP:
      flows_connection_settings_page_set_app (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_connection_settings_page_class_init (FlowsConnectionSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flows_connection_settings_page_dispose;
  object_class->get_property = flows_connection_settings_page_get_property;
  object_class->set_property = flows_connection_settings_page_set_property;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, FLOWS_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_APP] =
    g_param_spec_object ("app", NULL, NULL, FLOWS_TYPE_APP,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/flowsstudio/FlowsStudio/flows-connection-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, problems_group);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, problems_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, type_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, type_icon);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, redirect_note);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, redirect_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, redirect_error_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, refresh_group);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, refresh_status_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, refresh_status_note);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, refresh_status_error_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsConnectionSettingsPage, params_list);
  gtk_widget_class_bind_template_callback (widget_class, on_redirect_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_status_changed);

  gtk_widget_class_install_action (widget_class, "settings.add-param", NULL, add_param);
  gtk_widget_class_install_action (widget_class, "settings.remove-param", "u", remove_param);
  gtk_widget_class_install_action (widget_class, "settings.rename-param", "(us)", rename_param);
  gtk_widget_class_install_action (widget_class, "settings.undo-remove", NULL, undo_remove);
  gtk_widget_class_install_action (widget_class, "settings.move-param-up", "u", move_param_up);
  gtk_widget_class_install_action (widget_class, "settings.move-param-down", "u", move_param_down);
  gtk_widget_class_install_action (widget_class, "settings.set-param-sensitive", "(ub)", set_param_sensitive);
  gtk_widget_class_install_action (widget_class, "settings.copy-redirect-url", NULL, copy_redirect_url);

  /* Entries keep Ctrl+Z for their text; elsewhere it brings a removed parameter back. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "settings.undo-remove", NULL);
}

static void
flows_connection_settings_page_init (FlowsConnectionSettingsPage *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->expanded = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->busy = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->app_signals = g_signal_group_new (FLOWS_TYPE_APP);
  g_signal_group_connect_swapped (self->app_signals, "notify::redirect-url", G_CALLBACK (sync_redirect), self);
  g_signal_group_connect_swapped (self->app_signals, "notify::refresh-on-status", G_CALLBACK (sync_refresh_status), self);
  g_signal_group_connect_swapped (self->app_signals, "notify::connection-type", G_CALLBACK (update_type), self);
  self->params_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->params_signals, "items-changed", G_CALLBACK (on_params_changed), self);

  placeholder = gtk_label_new (_("No parameters: connections of this App ask for nothing."));
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_list_box_set_placeholder (self->params_list, placeholder);

  update_actions (self);
  /* The flows are edited in another view: coming back, the count is taken again. */
  g_signal_connect (self, "map", G_CALLBACK (update_problems), NULL);
}

GtkWidget *
flows_connection_settings_page_new (FlowsLibrary *library)
{
  return g_object_new (FLOWS_TYPE_CONNECTION_SETTINGS_PAGE,
                       "library", library,
                       NULL);
}
