/* flows-flow-view.c — one flow as a read-only list of its stages */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-flow-view.h"
#include "flows-stage-catalog.h"

/* Long lists of fields are cut here: the row is a summary, the editor shows the rest. */
#define MAX_LISTED_NAMES 5

struct _FlowsFlowView
{
  AdwBin                parent_instance;

  FlowsApp             *app;
  FlowsFlow            *flow;
  /* The stages whose signals we listen to, so that they can be let go of on a change. */
  GPtrArray            *watched_stages;
  guint                 rebuild_source;
  GtkWidget            *badge;

  GtkScrolledWindow    *scroller;
  GtkBox               *title_box;
  GtkLabel             *title_label;
  GtkLabel             *description_label;
  GtkListBox           *stages_list;
  AdwPreferencesGroup  *unreachable_group;
  GtkListBox           *unreachable_list;
};

G_DEFINE_FINAL_TYPE (FlowsFlowView, flows_flow_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_APP,
  PROP_FLOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Badges --------------------------------------------------------------------------------- */

const char *
flows_flow_role_badge (FlowsFlowRole role)
{
  switch (role)
    {
    case FLOWS_FLOW_ROLE_OAUTH_AUTHORIZE:
      return _("Step 1 · Authorise");
    case FLOWS_FLOW_ROLE_OAUTH_EXCHANGE:
      return _("Step 2 · Exchange");
    case FLOWS_FLOW_ROLE_OAUTH_REFRESH:
      return _("Step 3 · Refresh");
    case FLOWS_FLOW_ROLE_CONNECTION_TEST:
      return _("Connection Test");
    case FLOWS_FLOW_ROLE_NONE:
    default:
      return NULL;
    }
}

/* The pill style is ours, not libadwaita's; it is loaded with the first badge so that any view
 * showing one gets it. */
static void
ensure_badge_css (void)
{
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();
      GdkDisplay *display = gdk_display_get_default ();

      gtk_css_provider_load_from_resource (provider, "/io/github/flowsstudio/FlowsStudio/flows-flows-page.css");
      if (display != NULL)
        gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                                    GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&loaded, 1);
    }
}

GtkWidget *
flows_flow_role_badge_new (FlowsFlowRole role)
{
  const char *text = flows_flow_role_badge (role);
  GtkWidget *label;

  g_return_val_if_fail (text != NULL, NULL);

  ensure_badge_css ();
  label = gtk_label_new (text);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "flow-role-badge");
  gtk_widget_add_css_class (label, role == FLOWS_FLOW_ROLE_CONNECTION_TEST ? "test" : "oauth");
  gtk_widget_set_tooltip_text (label, role == FLOWS_FLOW_ROLE_CONNECTION_TEST
                                      ? _("Runs when a connection is tested; it cannot be deleted")
                                      : _("A step of the OAuth sign-in; it cannot be deleted"));
  return label;
}

/* Settings summaries ------------------------------------------------------------------------ */

/* Settings come from files that may be hand-edited: every member is looked up defensively. */
static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return "";
}

static JsonArray *
get_array (JsonObject *object,
           const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonObject *
array_object (JsonArray *array,
              guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* "a, b, c" — or, with @with_value, "a = x, b = y" — from a list of {"name", "value"} objects,
 * cut after @max. */
static char *
join_names (JsonArray  *array,
            const char *separator,
            gboolean    with_value,
            guint       max)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = array != NULL ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n && i < max; i++)
    {
      JsonObject *item = array_object (array, i);

      if (i > 0)
        g_string_append (text, separator);
      g_string_append (text, get_string (item, "name"));
      if (with_value)
        g_string_append_printf (text, " = %s", get_string (item, "value"));
    }
  if (n > max)
    {
      guint more = n - max;

      g_string_append (text, " ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more", more), more);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
summarise_call_api (JsonObject *settings)
{
  g_autoptr(GString) text = g_string_new (NULL);
  JsonObject *body = get_object (settings, "body");
  const char *kind = get_string (body, "kind");
  const char *method = get_string (settings, "method");
  JsonNode *token = json_object_get_member (settings, "useOAuthToken");

  g_string_append_printf (text, "%s %s%s", *method != '\0' ? method : "GET",
                          get_string (settings, "uriBase"), get_string (settings, "uriPath"));
  if (g_str_equal (kind, "form") || g_str_equal (kind, "json"))
    {
      g_autofree char *fields = join_names (get_array (body, "fields"), ", ", FALSE, MAX_LISTED_NAMES);

      if (*fields != '\0')
        {
          g_string_append (text, "\n");
          /* Translators: %s is a list of field names sent in a request body. */
          g_string_append_printf (text, g_str_equal (kind, "form") ? _("Form body: %s") : _("JSON body: %s"), fields);
        }
    }
  else if (g_str_equal (kind, "raw"))
    {
      g_string_append (text, "\n");
      /* Translators: %s is a content type such as text/plain. */
      g_string_append_printf (text, _("Raw body: %s"), get_string (body, "contentType"));
    }
  if (token != NULL && JSON_NODE_HOLDS_VALUE (token) && json_node_get_value_type (token) == G_TYPE_BOOLEAN &&
      json_node_get_boolean (token))
    {
      g_string_append (text, "\n");
      g_string_append (text, _("Sends the connection’s access token"));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
summarise_route_flow (JsonObject *settings)
{
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *conditions = get_array (settings, "conditions");
  guint n = conditions != NULL ? json_array_get_length (conditions) : 0;

  if (n == 0)
    return g_strdup (_("No conditions"));

  g_string_append (text, g_str_equal (get_string (settings, "match"), "any") ? _("Any of:") : _("All of:"));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *condition = array_object (conditions, i);

      g_string_append_printf (text, "\n%s %s %s", get_string (condition, "field"),
                              get_string (condition, "comparator"), get_string (condition, "value"));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The main settings of @stage on a line or three, as the file has them (references included). */
static char *
summarise_settings (FlowsFlowView *self,
                    FlowsStage    *stage)
{
  JsonObject *settings = flows_stage_get_settings (stage);

  switch (flows_stage_get_stage_type (stage))
    {
    case FLOWS_STAGE_TYPE_TRIGGER:
      {
        g_autofree char *inputs = join_names (get_array (settings, "inputs"), ", ", FALSE, MAX_LISTED_NAMES);

        /* Translators: %s is a list of input names. */
        return *inputs != '\0' ? g_strdup_printf (_("Inputs: %s"), inputs) : g_strdup (_("No inputs"));
      }

    case FLOWS_STAGE_TYPE_SET_FIELDS:
      {
        g_autofree char *fields = join_names (get_array (settings, "fields"), "\n", TRUE, MAX_LISTED_NAMES);

        return *fields != '\0' ? g_steal_pointer (&fields) : g_strdup (_("No fields"));
      }

    case FLOWS_STAGE_TYPE_BUILD_URL:
      {
        /* The whole query: it reads as the URL being built. */
        g_autofree char *query = join_names (get_array (settings, "query"), "&", FALSE, G_MAXUINT);

        return g_strdup_printf ("%s%s%s → %s", get_string (settings, "base"), *query != '\0' ? "?" : "",
                                query, get_string (settings, "resultField"));
      }

    case FLOWS_STAGE_TYPE_CALL_API:
      return summarise_call_api (settings);

    case FLOWS_STAGE_TYPE_ROUTE_FLOW:
      return summarise_route_flow (settings);

    case FLOWS_STAGE_TYPE_CALL_FLOW:
      {
        const char *flow_id = get_string (settings, "flow");
        FlowsFlow *called = self->app != NULL && *flow_id != '\0' ? flows_app_find_flow (self->app, flow_id) : NULL;

        if (*flow_id == '\0')
          return g_strdup (_("No flow chosen"));
        /* Translators: %s is the name of a flow. */
        return g_strdup_printf (_("Runs “%s”"), called != NULL ? flows_flow_get_name (called) : flow_id);
      }

    case FLOWS_STAGE_TYPE_ADD_TO_RESPONSE:
      {
        g_autofree char *fields = join_names (get_array (settings, "fields"), ", ", FALSE, MAX_LISTED_NAMES);

        /* Translators: %s is a list of field names. */
        return *fields != '\0' ? g_strdup_printf (_("Returns %s"), fields) : g_strdup (_("No fields"));
      }

    case FLOWS_STAGE_TYPE_SLEEP:
      {
        JsonNode *node = json_object_get_member (settings, "seconds");
        double seconds = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) : 0;

        /* Translators: %g is a number of seconds. */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Waits %g second", "Waits %g seconds",
                                             seconds == 1 ? 1 : 2), seconds);
      }

    case FLOWS_STAGE_TYPE_FOR_EACH:
      /* Translators: %s is a reference to a list, such as <callApi.body.items>. */
      return g_strdup_printf (_("Each item of %s"), get_string (settings, "list"));

    default:
      return g_strdup ("");
    }
}

/* Route order ------------------------------------------------------------------------------ */

/* The routes of @stage in the catalogue's order (success before fail), then any others. */
static GPtrArray *
list_outputs (FlowsStage *stage)
{
  const FlowsStageInfo *info = flows_stage_catalog_lookup (flows_stage_get_stage_type (stage));
  g_auto(GStrv) routes = flows_stage_list_routes (stage);
  GPtrArray *outputs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; info->outputs[i] != NULL; i++)
    if (g_strv_contains ((const char * const *)routes, info->outputs[i]))
      g_ptr_array_add (outputs, g_strdup (info->outputs[i]));
  for (guint i = 0; routes[i] != NULL; i++)
    if (!g_strv_contains (info->outputs, routes[i]))
      g_ptr_array_add (outputs, g_strdup (routes[i]));
  return outputs;
}

/* Depth first from @stage, so that a chain reads top to bottom and each branch is listed whole
 * before the next. */
static void
visit (FlowsFlow  *flow,
       FlowsStage *stage,
       GHashTable *seen,
       GPtrArray  *order)
{
  g_autoptr(GPtrArray) outputs = NULL;

  if (!g_hash_table_add (seen, stage))
    return;
  g_ptr_array_add (order, stage);

  outputs = list_outputs (stage);
  for (guint i = 0; i < outputs->len; i++)
    {
      FlowsStage *next = flows_flow_find_stage (flow, flows_stage_get_route (stage, g_ptr_array_index (outputs, i)));

      if (next != NULL)
        visit (flow, next, seen, order);
    }
}

/* Output names are file-format words; these are the known ones as people read them. */
static const char *
describe_output (const char *output)
{
  static const struct { const char *output; const char *label; } labels[] = {
    { "success", NC_("route", "success") },
    { "fail", NC_("route", "fail") },
    { "pass", NC_("route", "pass") },
    { "each", NC_("route", "each") },
    { "done", NC_("route", "done") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (output, labels[i].output))
      return g_dpgettext2 (GETTEXT_PACKAGE, "route", labels[i].label);
  return output;
}

static const char *
stage_title (FlowsStage *stage)
{
  const char *name = flows_stage_get_name (stage);

  return *name != '\0' ? name : flows_stage_get_key (stage);
}

/* Rows --------------------------------------------------------------------------------------- */

static GtkWidget *
create_stage_row (FlowsFlowView *self,
                  FlowsStage    *stage,
                  guint          number)
{
  const FlowsStageInfo *info = flows_stage_catalog_lookup (flows_stage_get_stage_type (stage));
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *number_label;
  GtkWidget *icon = gtk_image_new_from_icon_name (info->icon_name);
  g_autofree char *title = g_markup_escape_text (stage_title (stage), -1);
  g_autofree char *summary = summarise_settings (self, stage);
  g_autoptr(GPtrArray) outputs = list_outputs (stage);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *number_text = g_strdup_printf ("%u", number);

  /* Markup, so that keys and settings can be set in monospace; everything from the file is
   * escaped. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), TRUE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);

  g_string_append (subtitle, info->name);
  if (*flows_stage_get_key (stage) != '\0')
    {
      g_autofree char *key = g_markup_escape_text (flows_stage_get_key (stage), -1);

      /* Translators: the key of a stage, the name its outputs are referred to by. */
      g_string_append_printf (subtitle, " · %s <tt>%s</tt>", _("key"), key);
    }
  if (*summary != '\0')
    {
      g_autofree char *escaped = g_markup_escape_text (summary, -1);

      g_string_append_printf (subtitle, "\n<tt>%s</tt>", escaped);
    }
  for (guint i = 0; i < outputs->len; i++)
    {
      const char *output = g_ptr_array_index (outputs, i);
      FlowsStage *target = flows_flow_find_stage (self->flow, flows_stage_get_route (stage, output));
      g_autofree char *target_name = g_markup_escape_text (target != NULL ? stage_title (target)
                                                                          : _("a missing stage"), -1);

      g_string_append_printf (subtitle, "\n<b>%s</b> → %s", describe_output (output), target_name);
    }
  if (outputs->len == 0)
    g_string_append_printf (subtitle, "\n%s", _("Ends the flow"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);

  /* Prefixes are prepended: the icon first, so that the number ends up left of it. */
  gtk_widget_set_tooltip_text (icon, info->name);
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  number_label = gtk_label_new (number_text);
  gtk_widget_add_css_class (number_label, "dim-label");
  gtk_widget_add_css_class (number_label, "numeric");
  gtk_label_set_width_chars (GTK_LABEL (number_label), 2);
  gtk_label_set_xalign (GTK_LABEL (number_label), 1);
  /* The row's title and position say it; the number is for the eye. */
  gtk_accessible_update_state (GTK_ACCESSIBLE (number_label), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), number_label);

  g_object_set_data_full (G_OBJECT (row), "flows-stage", g_object_ref (stage), g_object_unref);
  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void schedule_rebuild (FlowsFlowView *self);

static void
unwatch_stages (FlowsFlowView *self)
{
  for (guint i = 0; i < self->watched_stages->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched_stages, i), self);
  g_ptr_array_set_size (self->watched_stages, 0);
}

static void
update_header (FlowsFlowView *self)
{
  const char *description = self->flow != NULL ? flows_flow_get_description (self->flow) : "";
  FlowsFlowRole role = self->flow != NULL ? flows_flow_get_role (self->flow) : FLOWS_FLOW_ROLE_NONE;

  gtk_label_set_text (self->title_label, self->flow != NULL ? flows_flow_get_name (self->flow) : "");
  gtk_label_set_text (self->description_label, description);
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), *description != '\0');

  if (self->badge != NULL)
    gtk_box_remove (self->title_box, g_steal_pointer (&self->badge));
  if (role != FLOWS_FLOW_ROLE_NONE)
    {
      self->badge = flows_flow_role_badge_new (role);
      gtk_box_append (self->title_box, self->badge);
    }
}

static void
rebuild (FlowsFlowView *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  GListModel *stages;
  FlowsStage *trigger;
  guint n_reachable;
  guint n;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  unwatch_stages (self);
  clear_list (self->stages_list);
  clear_list (self->unreachable_list);
  update_header (self);

  if (self->flow == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->unreachable_group), FALSE);
      return;
    }

  stages = flows_flow_get_stages (self->flow);
  n = g_list_model_get_n_items (stages);
  /* Without a Trigger nothing runs, so the list is the file's order and nothing is set apart. */
  if ((trigger = flows_flow_get_trigger (self->flow)) != NULL)
    visit (self->flow, trigger, seen, order);
  n_reachable = trigger != NULL ? order->len : n;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlowsStage) stage = g_list_model_get_item (stages, i);

      if (trigger == NULL || !g_hash_table_contains (seen, stage))
        g_ptr_array_add (order, stage);

      g_ptr_array_add (self->watched_stages, g_object_ref (stage));
      g_signal_connect_object (stage, "notify", G_CALLBACK (schedule_rebuild), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (stage, "routes-changed", G_CALLBACK (schedule_rebuild), self, G_CONNECT_SWAPPED);
    }

  for (guint i = 0; i < order->len; i++)
    gtk_list_box_append (i < n_reachable ? self->stages_list : self->unreachable_list,
                         create_stage_row (self, g_ptr_array_index (order, i), i + 1));

  gtk_widget_set_visible (GTK_WIDGET (self->unreachable_group), order->len > n_reachable);
}

static gboolean
rebuild_cb (gpointer data)
{
  FlowsFlowView *self = data;

  self->rebuild_source = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

/* A reset or an edit elsewhere changes many stages at once: one rebuild for all of it. */
static void
schedule_rebuild (FlowsFlowView *self)
{
  if (self->rebuild_source == 0)
    self->rebuild_source = g_idle_add (rebuild_cb, self);
}

/* GObject ------------------------------------------------------------------------------------ */

static void
flows_flow_view_dispose (GObject *object)
{
  FlowsFlowView *self = (FlowsFlowView *)object;

  g_clear_handle_id (&self->rebuild_source, g_source_remove);
  if (self->watched_stages != NULL)
    unwatch_stages (self);
  if (self->flow != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->flow, self);
      g_signal_handlers_disconnect_by_data (flows_flow_get_stages (self->flow), self);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_FLOW_VIEW);
  self->badge = NULL;
  g_clear_object (&self->flow);
  g_clear_object (&self->app);

  G_OBJECT_CLASS (flows_flow_view_parent_class)->dispose (object);
}

static void
flows_flow_view_finalize (GObject *object)
{
  FlowsFlowView *self = (FlowsFlowView *)object;

  g_clear_pointer (&self->watched_stages, g_ptr_array_unref);

  G_OBJECT_CLASS (flows_flow_view_parent_class)->finalize (object);
}

static void
flows_flow_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FlowsFlowView *self = FLOWS_FLOW_VIEW (object);

  switch (prop_id)
    {
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
flows_flow_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FlowsFlowView *self = FLOWS_FLOW_VIEW (object);

  switch (prop_id)
    {
    case PROP_APP:
      flows_flow_view_set_app (self, g_value_get_object (value));
      break;
    case PROP_FLOW:
      flows_flow_view_set_flow (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flows_flow_view_class_init (FlowsFlowViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flows_flow_view_dispose;
  object_class->finalize = flows_flow_view_finalize;
  object_class->get_property = flows_flow_view_get_property;
  object_class->set_property = flows_flow_view_set_property;

  properties[PROP_APP] =
    g_param_spec_object ("app", NULL, NULL, FLOWS_TYPE_APP,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FLOW] =
    g_param_spec_object ("flow", NULL, NULL, FLOWS_TYPE_FLOW,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-flow-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowView, title_box);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowView, title_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowView, description_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowView, stages_list);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowView, unreachable_group);
  gtk_widget_class_bind_template_child (widget_class, FlowsFlowView, unreachable_list);
}

static void
flows_flow_view_init (FlowsFlowView *self)
{
  self->watched_stages = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Not a template child: gtk_widget_dispose_template() would unparent it behind AdwBin's back,
   * and AdwBin would then unparent it a second time. */
  self->scroller = GTK_SCROLLED_WINDOW (adw_bin_get_child (ADW_BIN (self)));
  gtk_widget_set_visible (GTK_WIDGET (self->unreachable_group), FALSE);
}

GtkWidget *
flows_flow_view_new (void)
{
  return g_object_new (FLOWS_TYPE_FLOW_VIEW, NULL);
}

FlowsApp *
flows_flow_view_get_app (FlowsFlowView *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW_VIEW (self), NULL);
  return self->app;
}

void
flows_flow_view_set_app (FlowsFlowView *self,
                         FlowsApp      *app)
{
  g_return_if_fail (FLOWS_IS_FLOW_VIEW (self));
  g_return_if_fail (app == NULL || FLOWS_IS_APP (app));

  if (!g_set_object (&self->app, app))
    return;
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APP]);
}

FlowsFlow *
flows_flow_view_get_flow (FlowsFlowView *self)
{
  g_return_val_if_fail (FLOWS_IS_FLOW_VIEW (self), NULL);
  return self->flow;
}

void
flows_flow_view_set_flow (FlowsFlowView *self,
                          FlowsFlow     *flow)
{
  g_return_if_fail (FLOWS_IS_FLOW_VIEW (self));
  g_return_if_fail (flow == NULL || FLOWS_IS_FLOW (flow));

  if (self->flow == flow)
    return;

  if (self->flow != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->flow, self);
      g_signal_handlers_disconnect_by_data (flows_flow_get_stages (self->flow), self);
    }
  g_set_object (&self->flow, flow);
  if (flow != NULL)
    {
      g_signal_connect_object (flow, "notify", G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (flows_flow_get_stages (flow), "items-changed",
                               G_CALLBACK (schedule_rebuild), self, G_CONNECT_SWAPPED);
    }

  rebuild (self);
  /* A new flow is read from its top. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLOW]);
}
