/* flows-new-app-dialog.c — the New App dialog */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "flows-app-templates.h"
#include "flows-connection-settings-page.h"
#include "flows-discovery-page.h"
#include "flows-new-app-dialog.h"
#include "flows-provider-presets.h"
#include "flows-toast.h"
#include "flows-ui-shared.h"

/* What a row of the list starts the App from. */
typedef enum {
  CHOICE_API_KEY,  /* the generic template: parameters such as an API key */
  CHOICE_PRESET,   /* a provider preset */
  CHOICE_DISCOVERY, /* the oidc preset, filled from the provider's metadata */
} ChoiceKind;

struct _Choice
{
  ChoiceKind           kind;
  FlowsProviderPreset *preset;     /* CHOICE_PRESET */
  char                *search_text; /* casefolded: what the search matches */
  GtkWidget           *check;      /* shown on the selected row */
};

struct _FlowsNewAppDialog
{
  AdwWindow             parent_instance;

  FlowsLibrary         *library;
  FlowsProviderPresets *presets;
  /* The name the dialog filled in from a provider, replaced when another one is chosen unless
   * the user has typed their own. */
  char                 *filled_name;

  AdwToastOverlay      *toast_overlay;
  AdwEntryRow          *name_row;
  GtkWidget            *name_problem_label;
  AdwEntryRow          *description_row;
  GtkSearchEntry       *search_entry;
  GtkListBox           *choice_list;
  FlowsDiscoveryPage   *discovery_page;
};

G_DEFINE_FINAL_TYPE (FlowsNewAppDialog, flows_new_app_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_LIBRARY,
  N_PROPS
};

enum {
  CREATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct _Choice Choice;
static Choice *get_choice (GtkListBoxRow *row);

static char *
get_name (FlowsNewAppDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
}

/* Create is enabled only for a name the library takes (flows_library_check_app_name()).
 * The reason shows under the name once something was typed: an empty field at the start needs
 * no message. */
static gboolean
update_create_action (FlowsNewAppDialog *self,
                      gboolean           show_problem)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = get_name (self);
  gboolean valid = self->library != NULL && flows_library_check_app_name (self->library, name, NULL, &error);

  valid = valid && gtk_list_box_get_selected_row (self->choice_list) != NULL;
  /* From the provider's metadata: once it was found. */
  if (get_choice (gtk_list_box_get_selected_row (self->choice_list)) != NULL &&
      get_choice (gtk_list_box_get_selected_row (self->choice_list))->kind == CHOICE_DISCOVERY)
    valid = valid && flows_discovery_page_get_metadata (self->discovery_page) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "new-app.create", valid);
  if (show_problem)
    flows_show_field_problem (GTK_WIDGET (self->name_row), self->name_problem_label,
                              valid || error == NULL ? NULL : error->message);
  return valid;
}

static void
on_name_changed (FlowsNewAppDialog *self)
{
  /* Typed by the user (a name the dialog filled in is set with the handler blocked). */
  g_clear_pointer (&self->filled_name, g_free);
  update_create_action (self, TRUE);
}

/* Choices ---------------------------------------------------------------------------------- */

static void
choice_free (Choice *choice)
{
  g_clear_object (&choice->preset);
  g_free (choice->search_text);
  g_free (choice);
}

static Choice *
get_choice (GtkListBoxRow *row)
{
  return row != NULL ? g_object_get_data (G_OBJECT (row), "flows-choice") : NULL;
}

/* A row of the list: the choice's title and one line on it; an error instead for a preset file
 * that did not load, which cannot be chosen. */
static void
add_choice_row (FlowsNewAppDialog   *self,
                ChoiceKind           kind,
                FlowsProviderPreset *preset,
                const char          *title,
                const char          *subtitle,
                const GError        *error)
{
  GtkWidget *row = adw_action_row_new ();
  Choice *choice = g_new0 (Choice, 1);
  g_autofree char *search_text = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error != NULL ? error->message : subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  /* The row's title names it already (a label of its own would be read twice). */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, error != NULL ? error->message : subtitle,
                                  -1);

  choice->kind = kind;
  choice->preset = preset != NULL ? g_object_ref (preset) : NULL;
  search_text = g_strjoin (" ", title, subtitle, preset != NULL ? flows_provider_preset_get_id (preset) : "",
                           kind == CHOICE_DISCOVERY ? "discover discovery well-known issuer oidc" : "", NULL);
  choice->search_text = g_utf8_casefold (search_text, -1);
  choice->check = gtk_image_new_from_icon_name ("object-select-symbolic");
  gtk_widget_set_visible (choice->check, FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), choice->check);
  g_object_set_data_full (G_OBJECT (row), "flows-choice", choice, (GDestroyNotify)choice_free);

  if (error != NULL)
    {
      gtk_widget_set_tooltip_text (row, error->message);
      gtk_widget_set_sensitive (row, FALSE);
      gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
    }

  gtk_list_box_append (self->choice_list, row);
}

static void
add_choices (FlowsNewAppDialog *self)
{
  g_autoptr(GFile) data_dir = NULL;
  g_autoptr(GFile) user_dir = NULL;
  GListModel *presets;

  g_object_get (self->library, "directory", &data_dir, NULL);
  user_dir = flows_provider_presets_get_user_directory (data_dir);
  self->presets = flows_provider_presets_new (user_dir);
  presets = G_LIST_MODEL (self->presets);

  add_choice_row (self, CHOICE_API_KEY, NULL, _("Generic (API key)"),
                  _("Users enter parameters you define, such as an API key"), NULL);
  for (guint i = 0; i < g_list_model_get_n_items (presets); i++)
    {
      g_autoptr(FlowsProviderPreset) preset = g_list_model_get_item (presets, i);
      g_autoptr(FlowsProviderPreset) next = g_list_model_get_item (presets, i + 1);

      add_choice_row (self, CHOICE_PRESET, preset, flows_provider_preset_get_name (preset),
                      flows_provider_preset_get_description (preset), flows_provider_preset_get_error (preset));
      /* With the generic presets, which come first: it makes one for any provider. */
      if (flows_provider_preset_get_generic (preset) && (next == NULL || !flows_provider_preset_get_generic (next)))
        add_choice_row (self, CHOICE_DISCOVERY, NULL, _("From the provider’s metadata…"),
                        _("Any OpenID Connect or OAuth 2.0 provider that publishes its settings: give its issuer URL"),
                        NULL);
    }

  gtk_list_box_select_row (self->choice_list, gtk_list_box_get_row_at_index (self->choice_list, 0));
}

/* The rows the search leaves, which can be chosen, in order. */
static GPtrArray *
list_visible_rows (FlowsNewAppDialog *self)
{
  GPtrArray *rows = g_ptr_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->choice_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child) &&
        gtk_list_box_row_get_selectable (GTK_LIST_BOX_ROW (child)))
      g_ptr_array_add (rows, child);
  return rows;
}

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       user_data)
{
  FlowsNewAppDialog *self = user_data;
  g_autofree char *query = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  g_auto(GStrv) words = g_strsplit_set (g_strstrip (query), " \t", -1);
  Choice *choice = get_choice (row);

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' && strstr (choice->search_text, words[i]) == NULL)
      return FALSE;
  return TRUE;
}

static void
on_search_changed (FlowsNewAppDialog *self)
{
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->choice_list);
  g_autoptr(GPtrArray) visible = NULL;

  gtk_list_box_invalidate_filter (self->choice_list);
  visible = list_visible_rows (self);

  /* The first match is chosen, so that Enter takes it; none: nothing to create. */
  if (visible->len == 0)
    gtk_list_box_unselect_all (self->choice_list);
  else if (selected == NULL || !g_ptr_array_find (visible, selected, NULL))
    gtk_list_box_select_row (self->choice_list, g_ptr_array_index (visible, 0));
}

/* Up and Down in the search field move the choice among the rows it leaves. */
static gboolean
on_search_key_pressed (FlowsNewAppDialog *self,
                       guint              keyval,
                       guint              keycode,
                       GdkModifierType    state)
{
  g_autoptr(GPtrArray) visible = NULL;
  GtkListBoxRow *selected;
  guint index = 0;
  int step;

  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
    step = 1;
  else if (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up)
    step = -1;
  else
    return FALSE;

  visible = list_visible_rows (self);
  if (visible->len == 0)
    return TRUE;
  selected = gtk_list_box_get_selected_row (self->choice_list);
  if (selected != NULL && g_ptr_array_find (visible, selected, &index))
    index = CLAMP ((int)index + step, 0, (int)visible->len - 1);
  gtk_list_box_select_row (self->choice_list, g_ptr_array_index (visible, index));
  return TRUE;
}

static void
on_search_activate (FlowsNewAppDialog *self)
{
  Choice *choice = get_choice (gtk_list_box_get_selected_row (self->choice_list));

  /* Nothing discovered yet: the issuer URL is what comes next. */
  if (choice != NULL && choice->kind == CHOICE_DISCOVERY && flows_discovery_page_get_metadata (self->discovery_page) == NULL)
    flows_discovery_page_focus (self->discovery_page);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "new-app.create", NULL);
}

/* Escape empties the search first, then closes the dialog as it does elsewhere. */
static void
on_stop_search (FlowsNewAppDialog *self)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
on_row_activated (FlowsNewAppDialog *self,
                  GtkListBoxRow     *row)
{
  gtk_list_box_select_row (self->choice_list, row);
  /* Nothing found yet: the issuer URL is what comes next. */
  if (get_choice (row)->kind == CHOICE_DISCOVERY && flows_discovery_page_get_metadata (self->discovery_page) == NULL)
    flows_discovery_page_focus (self->discovery_page);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "new-app.create", NULL);
}

/* Sets the name without counting it as typed. */
static void
fill_name (FlowsNewAppDialog *self,
           const char        *name)
{
  g_signal_handlers_block_by_func (self->name_row, on_name_changed, self);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  g_signal_handlers_unblock_by_func (self->name_row, on_name_changed, self);
  g_free (self->filled_name);
  self->filled_name = g_strdup (name);
  update_create_action (self, *name != '\0');
}

/* A name for an App made from discovered metadata: the issuer's host ("accounts.example.com"),
 * or NULL before anything was found. */
static char *
name_discovered (FlowsNewAppDialog *self)
{
  const FlowsProviderMetadata *metadata = flows_discovery_page_get_metadata (self->discovery_page);
  g_autoptr(GUri) issuer = metadata != NULL ? g_uri_parse (metadata->issuer, G_URI_FLAGS_NONE, NULL) : NULL;

  return issuer != NULL ? g_strdup (g_uri_get_host (issuer)) : NULL;
}

static void on_selection_changed (FlowsNewAppDialog *self);

/* The discovery page is under the list, which is longer than the dialog: once laid out, it is
 * scrolled to the top of the view (the issuer URL first, then what was found), without taking
 * the focus from the list or the search. */
static gboolean
scroll_to_discovery_page (GtkWidget     *page,
                          GdkFrameClock *frame_clock,
                          gpointer       user_data)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (page, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *viewport = scrolled != NULL ? gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)) : NULL;
  GtkWidget *content = GTK_IS_VIEWPORT (viewport) ? gtk_viewport_get_child (GTK_VIEWPORT (viewport)) : NULL;
  guint *frames_left = user_data;
  graphene_rect_t bounds;
  int natural_height;

  if (content == NULL || !gtk_widget_get_visible (page) || (*frames_left)-- == 0)
    return G_SOURCE_REMOVE;
  /* Ticks come before the layout of their frame: wait for the one that has the page laid out
   * as it is now (shown, or grown by what was found). */
  gtk_widget_measure (page, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (page), NULL, &natural_height, NULL, NULL);
  if (!gtk_widget_compute_bounds (page, content, &bounds) || (int)bounds.size.height != natural_height)
    return G_SOURCE_CONTINUE;
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), bounds.origin.y);
  return G_SOURCE_REMOVE;
}

static void
on_discovered (FlowsNewAppDialog *self)
{
  /* The same as choosing again: the name may follow, Create may be enabled. */
  on_selection_changed (self);
}

static void
on_selection_changed (FlowsNewAppDialog *self)
{
  GtkListBoxRow *selected;
  Choice *choice;
  g_autofree char *name = NULL;

  /* The list unselects its rows as it goes with the dialog. */
  if (self->choice_list == NULL || self->name_row == NULL)
    return;

  selected = gtk_list_box_get_selected_row (self->choice_list);
  choice = get_choice (selected);
  name = get_name (self);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->choice_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child))
      gtk_widget_set_visible (get_choice (GTK_LIST_BOX_ROW (child))->check, child == GTK_WIDGET (selected));

  gtk_widget_set_visible (GTK_WIDGET (self->discovery_page), choice != NULL && choice->kind == CHOICE_DISCOVERY);
  if (choice != NULL && choice->kind == CHOICE_DISCOVERY)
    gtk_widget_add_tick_callback (GTK_WIDGET (self->discovery_page), scroll_to_discovery_page,
                                  g_memdup2 (&(guint) { 30 }, sizeof (guint)), g_free);

  /* A provider names the App until the user gives it a name of their own. */
  if (*name == '\0' || self->filled_name != NULL)
    {
      g_autofree char *discovered = NULL;

      if (choice != NULL && choice->kind == CHOICE_PRESET && !flows_provider_preset_get_generic (choice->preset))
        fill_name (self, flows_provider_preset_get_name (choice->preset));
      else if (choice != NULL && choice->kind == CHOICE_DISCOVERY && (discovered = name_discovered (self)) != NULL)
        fill_name (self, discovered);
      else if (self->filled_name != NULL)
        fill_name (self, "");
    }

  update_create_action (self, FALSE);
}

/* The redirect URL chosen in the preferences, when the schema is installed and the value is a
 * usable URL; NULL keeps the template's. */
static char *
get_default_redirect_url (void)
{
  g_autoptr(GSettingsSchema) schema =
    g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *url = NULL;
  g_autofree char *problem = NULL;

  if (schema == NULL)
    return NULL;

  settings = g_settings_new (APP_ID);
  url = g_settings_get_string (settings, "default-redirect-url");
  if ((problem = flows_connection_settings_page_check_redirect_url (url)) != NULL)
    return NULL;
  return g_steal_pointer (&url);
}

static void
create (GtkWidget  *widget,
        const char *action_name,
        GVariant   *parameter)
{
  FlowsNewAppDialog *self = FLOWS_NEW_APP_DIALOG (widget);
  g_autofree char *name = get_name (self);
  g_autofree char *description = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_row))));
  Choice *choice = get_choice (gtk_list_box_get_selected_row (self->choice_list));
  g_autoptr(FlowsApp) app = NULL;
  g_autoptr(GError) error = NULL;

  if (!update_create_action (self, TRUE))
    return;

  switch (choice->kind)
    {
    case CHOICE_API_KEY:
      app = flows_app_new_from_template (name, FLOWS_CONNECTION_TYPE_GENERIC);
      break;
    case CHOICE_PRESET:
      app = flows_provider_preset_create_app (choice->preset, name, &error);
      break;
    case CHOICE_DISCOVERY:
      {
        FlowsProviderPreset *oidc = flows_provider_presets_find (self->presets, FLOWS_DISCOVERY_PRESET_ID);

        if (oidc == NULL)
          error = g_error_new (FLOWS_DISCOVERY_ERROR, FLOWS_DISCOVERY_ERROR_BAD_PRESET,
                               _("the provider preset “%s”, which discovery starts from, did not load"),
                               FLOWS_DISCOVERY_PRESET_ID);
        else
          app = flows_discovery_create_app (oidc, name, flows_discovery_page_get_metadata (self->discovery_page), &error);
      }
      break;
    default:
      g_assert_not_reached ();
    }

  if (app != NULL && *description != '\0')
    flows_app_set_description (app, description);
  if (app != NULL && flows_app_get_connection_type (app) == FLOWS_CONNECTION_TYPE_OAUTH)
    {
      g_autofree char *redirect_url = get_default_redirect_url ();

      if (redirect_url != NULL)
        flows_app_set_redirect_url (app, redirect_url);
    }

  if (app == NULL || !flows_library_add_app (self->library, app, &error))
    {
      /* Translators: the placeholder is the reason */
      g_autofree char *message = g_strdup_printf (_("The App could not be created: %s"), error->message);
      g_autofree char *title = g_markup_escape_text (message, -1);
      AdwToast *toast = adw_toast_new (title);

      /* The dialog stays, with what was typed, so that it can be tried again. */
      adw_toast_set_timeout (toast, 0);
      flows_toast_add (self->toast_overlay, toast);
      return;
    }

  g_signal_emit (self, signals[CREATED], 0, app);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Typing can start at once. Not the "focus-widget" property: GTK picks the first focusable
 * widget (Cancel) when the window maps, over a focus set before. */
static void
flows_new_app_dialog_map (GtkWidget *widget)
{
  FlowsNewAppDialog *self = FLOWS_NEW_APP_DIALOG (widget);

  GTK_WIDGET_CLASS (flows_new_app_dialog_parent_class)->map (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
flows_new_app_dialog_constructed (GObject *object)
{
  FlowsNewAppDialog *self = FLOWS_NEW_APP_DIALOG (object);

  G_OBJECT_CLASS (flows_new_app_dialog_parent_class)->constructed (object);
  gtk_list_box_set_filter_func (self->choice_list, filter_row, self, NULL);
  add_choices (self);
  update_create_action (self, FALSE);
}

static void
flows_new_app_dialog_dispose (GObject *object)
{
  FlowsNewAppDialog *self = (FlowsNewAppDialog *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_NEW_APP_DIALOG);
  g_clear_object (&self->library);
  g_clear_object (&self->presets);
  g_clear_pointer (&self->filled_name, g_free);

  G_OBJECT_CLASS (flows_new_app_dialog_parent_class)->dispose (object);
}

static void
flows_new_app_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  FlowsNewAppDialog *self = FLOWS_NEW_APP_DIALOG (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      g_value_set_object (value, self->library);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_new_app_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  FlowsNewAppDialog *self = FLOWS_NEW_APP_DIALOG (object);

  switch (prop_id)
    {
    case PROP_LIBRARY:
      self->library = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_new_app_dialog_class_init (FlowsNewAppDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = flows_new_app_dialog_constructed;
  object_class->dispose = flows_new_app_dialog_dispose;
  object_class->get_property = flows_new_app_dialog_get_property;
  object_class->set_property = flows_new_app_dialog_set_property;
  widget_class->map = flows_new_app_dialog_map;

  properties[PROP_LIBRARY] =
    g_param_spec_object ("library", NULL, NULL, FLOWS_TYPE_LIBRARY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, FLOWS_TYPE_APP);

  g_type_ensure (FLOWS_TYPE_DISCOVERY_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-new-app-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsNewAppDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlowsNewAppDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsNewAppDialog, name_problem_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsNewAppDialog, description_row);
  gtk_widget_class_bind_template_child (widget_class, FlowsNewAppDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FlowsNewAppDialog, choice_list);
  gtk_widget_class_bind_template_child (widget_class, FlowsNewAppDialog, discovery_page);
  gtk_widget_class_bind_template_callback (widget_class, on_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_key_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_discovered);

  gtk_widget_class_install_action (widget_class, "new-app.create", NULL, create);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
flows_new_app_dialog_init (FlowsNewAppDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}


GtkWidget *
flows_new_app_dialog_new (GtkWindow    *parent,
                          FlowsLibrary *library)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FLOWS_IS_LIBRARY (library), NULL);

  return g_object_new (FLOWS_TYPE_NEW_APP_DIALOG,
                       "transient-for", parent,
                       "library", library,
                       NULL);
}
