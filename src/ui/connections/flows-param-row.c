/* flows-param-row.c — the editor of one parameter of an App's connection */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-expression.h"
#include "flows-param-row.h"
#include "flows-ui-shared.h"
#include "flows-validate.h"

struct _FlowsParamRow
{
  AdwExpanderRow  parent_instance;

  FlowsApp       *app;
  FlowsParam     *param;

  AdwEntryRow    *key_row;
  GtkWidget      *key_error_row;
  GtkLabel       *key_error_label;
  AdwEntryRow    *label_row;
  AdwEntryRow    *description_row;
  AdwComboRow    *kind_row;
  AdwEntryRow    *choices_row;
  AdwEntryRow    *default_row;
  GtkWidget      *default_error_row;
  GtkLabel       *default_error_label;
  GtkSwitch      *required_switch;
  GtkSwitch      *from_sign_in_switch;
  GtkSwitch      *sensitive_switch;
  GtkSpinner     *sensitive_spinner;
  GtkMenuButton  *menu_button;
  GtkWidget      *remove_button;
  /* "param": move-up, move-down, remove (see flows_param_row_class_init). */
  GSimpleActionGroup *param_actions;

  /* Set while the widgets are filled from the parameter, so that doing so is not an edit. */
  guint           syncing : 1;
  /* The key entry holds a key typed but not applied (Enter or the apply button). */
  guint           key_pending : 1;
  guint           busy : 1;
};

G_DEFINE_FINAL_TYPE (FlowsParamRow, flows_param_row, ADW_TYPE_EXPANDER_ROW)

enum {
  PROP_0,
  PROP_APP,
  PROP_PARAM,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* In the order of FlowsParamKind, which is the order of the kind drop-down. */
static const char *
kind_label (FlowsParamKind kind)
{
  switch (kind)
    {
    case FLOWS_PARAM_KIND_TEXT:
      return _("Text");
    case FLOWS_PARAM_KIND_MULTILINE:
      return _("Multi-line text");
    case FLOWS_PARAM_KIND_NUMBER:
      return _("Number");
    case FLOWS_PARAM_KIND_BOOLEAN:
      return _("Yes or no");
    case FLOWS_PARAM_KIND_URL:
      return _("URL");
    case FLOWS_PARAM_KIND_CHOICE:
      return _("Choice");
    default:
      return _("Unknown");
    }
}

/* Why @key cannot be this parameter's key, or NULL when it can. */
static char *
check_key (FlowsParamRow *self,
           const char    *key)
{
  GListModel *params = flows_app_get_params (self->app);

  if (*key == '\0')
    return g_strdup (_("A key is required: flows refer to the parameter by it."));

  if (!flows_expression_is_identifier (key))
    /* Translators: <Key> is literal syntax, keep it as is */
    return g_strdup (_("A key starts with a letter or “_” and has only letters, digits and “_”, so that flows can refer to it as <Key>."));

  /* Keys differing only in case would make references ambiguous to the eye. */
  for (guint i = 0; i < g_list_model_get_n_items (params); i++)
    {
      g_autoptr(FlowsParam) other = g_list_model_get_item (params, i);

      if (other != self->param && g_ascii_strcasecmp (flows_param_get_key (other), key) == 0)
        return g_strdup_printf (_("Another parameter already has the key “%s”."), flows_param_get_key (other));
    }

  return NULL;
}

/* @message under @entry (in @error_row's @label), or nothing when it is NULL. */
static void
show_error (AdwEntryRow *entry,
            GtkWidget   *error_row,
            GtkLabel    *label,
            const char  *message)
{
  gboolean invalid = message != NULL;

  gtk_label_set_text (label, invalid ? message : "");
  gtk_widget_set_visible (error_row, invalid);
  if (invalid)
    gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");

  gtk_accessible_update_state (GTK_ACCESSIBLE (entry),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
  if (invalid)
    gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                    -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
show_key_error (FlowsParamRow *self,
                const char    *message)
{
  show_error (self->key_row, self->key_error_row, self->key_error_label, message);
}

/* The default is saved as typed, like every other field: validation lists it as a problem of
 * the App until it is a value that can be used. */
static void
update_default_error (FlowsParamRow *self)
{
  g_autofree char *message = flows_validate_param_default (self->app, self->param);

  show_error (self->default_row, self->default_error_row, self->default_error_label, message);
}

static void
update_summary (FlowsParamRow *self)
{
  const char *label = flows_param_get_label (self->param);
  const char *key = flows_param_get_key (self->param);
  g_autoptr(GString) subtitle = g_string_new (key);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), *label != '\0' ? label : key);
  /* AdwExpanderRow gives its own list box row no name; a screen reader reads this one. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  *label != '\0' ? label : key, -1);

  g_string_append_printf (subtitle, " · %s", kind_label (flows_param_get_kind (self->param)));
  if (flows_param_get_required (self->param))
    g_string_append_printf (subtitle, " · %s", _("required"));
  if (flows_param_get_sensitive (self->param))
    g_string_append_printf (subtitle, " · %s", _("sensitive"));
  if (flows_param_get_from_sign_in (self->param))
    g_string_append_printf (subtitle, " · %s", _("filled in at sign-in"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle->str);
}

/* Only text that differs is set, so that the cursor of the entry being typed in stays put.
 * The entry's own undo history would take the filling for typing, and Ctrl+Z would then
 * empty the entry and save that: turning undo off and on again forgets the history, so that
 * undo only ever takes back what was typed since. */
static void
set_entry_text (AdwEntryRow *row,
                const char  *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text) != 0)
    {
      gtk_editable_set_enable_undo (GTK_EDITABLE (row), FALSE);
      gtk_editable_set_text (GTK_EDITABLE (row), text);
      gtk_editable_set_enable_undo (GTK_EDITABLE (row), TRUE);
    }
}

/* A switch shows the value itself: both its position and its state, with no edit made. */
static void
set_switch (FlowsParamRow *self,
            GtkSwitch     *toggle,
            gboolean       value)
{
  gboolean was_syncing = self->syncing;

  self->syncing = TRUE;
  gtk_switch_set_active (toggle, value);
  gtk_switch_set_state (toggle, value);
  self->syncing = was_syncing;
}

static void
sync_from_param (FlowsParamRow *self)
{
  const char * const *choices = flows_param_get_choices (self->param);
  g_autofree char *choices_text = choices != NULL ? g_strjoinv (", ", (char **)choices) : g_strdup ("");
  FlowsParamKind kind = flows_param_get_kind (self->param);

  self->syncing = TRUE;

  /* A key being typed stays in the entry (with its error) until it is applied. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->key_row)), flows_param_get_key (self->param)) == 0)
    self->key_pending = FALSE;
  if (!self->key_pending)
    {
      set_entry_text (self->key_row, flows_param_get_key (self->param));
      show_key_error (self, NULL);
    }
  set_entry_text (self->label_row, flows_param_get_label (self->param));
  set_entry_text (self->description_row, flows_param_get_description (self->param));
  adw_combo_row_set_selected (self->kind_row, kind);
  gtk_widget_set_visible (GTK_WIDGET (self->choices_row), kind == FLOWS_PARAM_KIND_CHOICE);
  /* Re-joining would move the cursor while commas are typed: only set a different list. */
  {
    g_auto(GStrv) shown = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->choices_row)), ",", -1);
    g_autofree char *shown_text = NULL;

    for (guint i = 0; shown[i] != NULL; i++)
      g_strstrip (shown[i]);
    shown_text = g_strjoinv (", ", shown);
    if (g_strcmp0 (shown_text, choices_text) != 0)
      set_entry_text (self->choices_row, choices_text);
  }
  set_entry_text (self->default_row, flows_param_get_default (self->param));
  set_switch (self, self->required_switch, flows_param_get_required (self->param));
  set_switch (self, self->from_sign_in_switch, flows_param_get_from_sign_in (self->param));
  if (!self->busy)
    set_switch (self, self->sensitive_switch, flows_param_get_sensitive (self->param));

  self->syncing = FALSE;

  update_default_error (self);
  update_summary (self);
}

static void
emit_changed (FlowsParamRow *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Typing only checks the key: flows and connections refer to it, so a half-typed key is never
 * applied (docs/ARCHITECTURE.md, "References"). */
static void
on_key_changed (FlowsParamRow *self)
{
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));
  g_autofree char *error = NULL;

  if (self->syncing)
    return;

  self->key_pending = g_strcmp0 (key, flows_param_get_key (self->param)) != 0;
  if (self->key_pending)
    error = check_key (self, key);
  show_key_error (self, error);
}

/* Enter or the apply button: the page renames the parameter, offering to update the flows. */
static void
on_key_apply (FlowsParamRow *self)
{
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));
  int index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self));
  g_autofree char *error = NULL;

  if (g_strcmp0 (key, flows_param_get_key (self->param)) == 0)
    return;

  error = check_key (self, key);
  show_key_error (self, error);
  if (error == NULL && index >= 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "settings.rename-param", "(us)", (guint)index, key);
}

static void
on_label_changed (FlowsParamRow *self)
{
  if (self->syncing)
    return;
  flows_param_set_label (self->param, gtk_editable_get_text (GTK_EDITABLE (self->label_row)));
  emit_changed (self);
}

static void
on_description_changed (FlowsParamRow *self)
{
  if (self->syncing)
    return;
  flows_param_set_description (self->param, gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  emit_changed (self);
}

static void
on_kind_changed (FlowsParamRow *self)
{
  guint selected = adw_combo_row_get_selected (self->kind_row);

  if (self->syncing || selected == GTK_INVALID_LIST_POSITION)
    return;
  flows_param_set_kind (self->param, selected);
  emit_changed (self);
}

static void
on_choices_changed (FlowsParamRow *self)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) choices = NULL;

  if (self->syncing)
    return;

  parts = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->choices_row)), ",", -1);
  builder = g_strv_builder_new ();
  for (guint i = 0; parts[i] != NULL; i++)
    if (*g_strstrip (parts[i]) != '\0')
      g_strv_builder_add (builder, parts[i]);
  choices = g_strv_builder_end (builder);

  flows_param_set_choices (self->param, (const char * const *)choices);
  emit_changed (self);
}

static void
on_default_changed (FlowsParamRow *self)
{
  if (self->syncing)
    return;
  flows_param_set_default (self->param, gtk_editable_get_text (GTK_EDITABLE (self->default_row)));
  emit_changed (self);
}

static void
on_required_changed (FlowsParamRow *self)
{
  if (self->syncing)
    return;
  flows_param_set_required (self->param, gtk_switch_get_active (self->required_switch));
  emit_changed (self);
}

static void
on_from_sign_in_changed (FlowsParamRow *self)
{
  if (self->syncing)
    return;
  flows_param_set_from_sign_in (self->param, gtk_switch_get_active (self->from_sign_in_switch));
  emit_changed (self);
}

/* The switch only asks: moving stored values takes the keyring, maybe a confirmation, and can
 * fail, so its state follows the parameter once the page is done (delayed state change). */
static gboolean
on_sensitive_state_set (FlowsParamRow *self,
                        gboolean       state,
                        GtkSwitch     *toggle)
{
  int index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self));

  if (self->syncing)
    return FALSE;

  if (!self->busy && index >= 0 && state != flows_param_get_sensitive (self->param))
    gtk_widget_activate_action (GTK_WIDGET (self), "settings.set-param-sensitive", "(ub)", (guint)index, state);

  /* When nothing took over (no page, or no change), the switch goes back to the parameter. */
  if (!self->busy)
    set_switch (self, toggle, flows_param_get_sensitive (self->param));
  return TRUE;
}

static void
activate_page_action (FlowsParamRow *self,
                      const char    *action_name)
{
  int index = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self));

  if (index >= 0)
    gtk_widget_activate_action (GTK_WIDGET (self), action_name, "u", (guint)index);
}

static void
move_up (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  activate_page_action (FLOWS_PARAM_ROW (user_data), "settings.move-param-up");
}

static void
move_down (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  activate_page_action (FLOWS_PARAM_ROW (user_data), "settings.move-param-down");
}

static void
remove_param (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  activate_page_action (FLOWS_PARAM_ROW (user_data), "settings.remove-param");
}

/* Alt+Up and Alt+Down anywhere in the row, as the menu shows. */
static gboolean
move_binding (GtkWidget *widget,
              GVariant  *args,
              gpointer   user_data)
{
  FlowsParamRow *self = FLOWS_PARAM_ROW (widget);

  g_action_group_activate_action (G_ACTION_GROUP (self->param_actions), g_variant_get_string (args, NULL), NULL);
  return TRUE;
}

/* Escape in the Key while a new key waits there: the key as applied again, its error gone, as
 * Escape leaves a field edit elsewhere. Otherwise Escape goes on to the window. */
static gboolean
revert_key_binding (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  FlowsParamRow *self = FLOWS_PARAM_ROW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (!self->key_pending || focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->key_row)))
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->key_row), flows_param_get_key (self->param));
  return TRUE;
}

static void
edit (GtkWidget  *widget,
      const char *action_name,
      GVariant   *parameter)
{
  flows_param_row_edit_key (FLOWS_PARAM_ROW (widget));
}

static void
flows_param_row_constructed (GObject *object)
{
  FlowsParamRow *self = (FlowsParamRow *)object;

  G_OBJECT_CLASS (flows_param_row_parent_class)->constructed (object);

  g_signal_connect_object (self->param, "notify", G_CALLBACK (sync_from_param), self, G_CONNECT_SWAPPED);
  sync_from_param (self);
}

static void
flows_param_row_dispose (GObject *object)
{
  FlowsParamRow *self = (FlowsParamRow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_PARAM_ROW);
  g_clear_object (&self->param);
  g_clear_object (&self->app);
  g_clear_object (&self->param_actions);

  G_OBJECT_CLASS (flows_param_row_parent_class)->dispose (object);
}

static void
flows_param_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FlowsParamRow *self = FLOWS_PARAM_ROW (object);

  switch (prop_id)
    {
    case PROP_APP:
      g_value_set_object (value, self->app);
      break;
    case PROP_PARAM:
      g_value_set_object (value, self->param);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_param_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FlowsParamRow *self = FLOWS_PARAM_ROW (object);

  switch (prop_id)
    {
    case PROP_APP:
      self->app = g_value_dup_object (value);
      break;
    case PROP_PARAM:
      self->param = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_param_row_class_init (FlowsParamRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = flows_param_row_constructed;
  object_class->dispose = flows_param_row_dispose;
  object_class->get_property = flows_param_row_get_property;
  object_class->set_property = flows_param_row_set_property;

  properties[PROP_APP] =
    g_param_spec_object ("app", NULL, NULL, FLOWS_TYPE_APP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PARAM] =
    g_param_spec_object ("param", NULL, NULL, FLOWS_TYPE_PARAM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-param-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, key_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, key_error_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, key_error_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, label_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, description_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, kind_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, choices_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, default_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, default_error_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, default_error_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, required_switch);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, sensitive_switch);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, from_sign_in_switch);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, sensitive_spinner);
  gtk_widget_class_bind_template_callback (widget_class, on_key_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_key_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_label_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_description_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_choices_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_default_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_required_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_from_sign_in_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_sensitive_state_set);

  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, FlowsParamRow, remove_button);

  /* GTK 4.8 offers a screen reader every action of a row's own (its class's and the groups put
   * on it) in no fixed order, and a screen reader's default action is the first: the row has
   * only the harmless one. Moving and removing are the menu's and the Remove button's, in a
   * group put on those two. */
  gtk_widget_class_install_action (widget_class, "param.edit", NULL, edit);
  /* Entries do not use Alt+arrows. */
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Up, GDK_ALT_MASK, move_binding, "s", "move-up");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Down, GDK_ALT_MASK, move_binding, "s", "move-down");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, revert_key_binding, NULL);
}

static void
flows_param_row_init (FlowsParamRow *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);

  static const GActionEntry param_entries[] = {
    { "move-up", move_up },
    { "move-down", move_down },
    { "remove", remove_param },
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->param_actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->param_actions), param_entries,
                                   G_N_ELEMENTS (param_entries), self);
  /* A button offers a screen reader only its click, whatever groups it holds; the menu is
   * read while it is open. */
  gtk_widget_insert_action_group (GTK_WIDGET (gtk_menu_button_get_popover (self->menu_button)),
                                  "param", G_ACTION_GROUP (self->param_actions));
  gtk_widget_insert_action_group (self->remove_button, "param", G_ACTION_GROUP (self->param_actions));

  for (FlowsParamKind kind = FLOWS_PARAM_KIND_TEXT; kind <= FLOWS_PARAM_KIND_CHOICE; kind++)
    gtk_string_list_append (kinds, kind_label (kind));
  flows_name_combo_items (self->kind_row);
  self->syncing = TRUE;
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
  self->syncing = FALSE;
}

GtkWidget *
flows_param_row_new (FlowsApp   *app,
                     FlowsParam *param)
{
  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);
  g_return_val_if_fail (FLOWS_IS_PARAM (param), NULL);

  return g_object_new (FLOWS_TYPE_PARAM_ROW,
                       "app", app,
                       "param", param,
                       NULL);
}

FlowsParam *
flows_param_row_get_param (FlowsParamRow *self)
{
  g_return_val_if_fail (FLOWS_IS_PARAM_ROW (self), NULL);
  return self->param;
}

void
flows_param_row_revalidate (FlowsParamRow *self)
{
  g_return_if_fail (FLOWS_IS_PARAM_ROW (self));

  /* A rename in one row changes which keys the others may take: a key waiting in the entry is
   * checked again (and still waits to be applied). */
  if (self->key_pending)
    on_key_changed (self);
}

void
flows_param_row_edit_key (FlowsParamRow *self)
{
  g_return_if_fail (FLOWS_IS_PARAM_ROW (self));

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->key_row));
  gtk_editable_select_region (GTK_EDITABLE (self->key_row), 0, -1);
}

void
flows_param_row_set_movable (FlowsParamRow *self,
                             gboolean       up,
                             gboolean       down)
{
  g_return_if_fail (FLOWS_IS_PARAM_ROW (self));

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->param_actions), "move-up")), up);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->param_actions), "move-down")), down);
}

void
flows_param_row_focus (FlowsParamRow *self)
{
  g_return_if_fail (FLOWS_IS_PARAM_ROW (self));

  /* The first focusable part is the header, which expands and collapses the row. */
  gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

void
flows_param_row_set_busy (FlowsParamRow *self,
                          gboolean       busy)
{
  g_return_if_fail (FLOWS_IS_PARAM_ROW (self));

  self->busy = !!busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->sensitive_switch), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->sensitive_spinner), busy);
  gtk_spinner_set_spinning (self->sensitive_spinner, busy);
  if (!busy)
    set_switch (self, self->sensitive_switch, flows_param_get_sensitive (self->param));
}
