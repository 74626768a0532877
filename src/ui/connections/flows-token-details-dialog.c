/* flows-token-details-dialog.c — the Token Details window of a signed-in connection */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-token-details.h"
#include "flows-token-details-dialog.h"
#include "flows-toast.h"

struct _FlowsTokenDetailsDialog
{
  AdwWindow           parent_instance;

  FlowsApp           *app;
  FlowsConnection    *connection;
  FlowsTokenDetails  *details;
  GCancellable       *cancellable;
  /* The countdowns, ticking once a second while the window is shown. */
  guint               tick_id;
  GtkWidget          *access_countdown;
  GtkWidget          *refresh_countdown;

  AdwWindowTitle     *window_title;
  AdwToastOverlay    *toast_overlay;
  GtkStack           *stack;
  AdwStatusPage      *error_page;
  GtkWidget          *page;
};

G_DEFINE_FINAL_TYPE (FlowsTokenDetailsDialog, flows_token_details_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_APP,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Values up to this long stay on one line. */
#define SHORT_VALUE_CHARS 24

static void load (FlowsTokenDetailsDialog *self);

/* Rows ------------------------------------------------------------------------------------- */

static GtkWidget *
new_group (const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  return group;
}

/* A row whose title and subtitle are text, never markup: values come from the provider. */
static GtkWidget *
add_row (GtkWidget  *group,
         const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

/* A value at the end of a row, which can be selected and copied by hand. */
static GtkWidget *
add_value (GtkWidget  *row,
           const char *value)
{
  GtkWidget *label = gtk_label_new (value);

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  /* Short values on one line; long ones (URLs, lists) wrap, anywhere if they must. */
  if (g_utf8_strlen (value, -1) > SHORT_VALUE_CHARS)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_width_chars (GTK_LABEL (label), SHORT_VALUE_CHARS);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
    }
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return label;
}

static void
on_copy_clicked (GtkButton               *button,
                 FlowsTokenDetailsDialog *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "flows-claim-name");
  g_autofree char *message = NULL;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)),
                          g_object_get_data (G_OBJECT (button), "flows-claim-value"));
  /* Translators: %s is the name of a claim of a token, such as "sub" */
  message = g_strdup_printf (_("Copied “%s”"), name);
  flows_toast_add (self->toast_overlay, adw_toast_new (message));
}

static void
add_claim (FlowsTokenDetailsDialog *self,
           GtkWidget               *group,
           const FlowsTokenClaim   *claim)
{
  GtkWidget *row = add_row (group, claim->name, claim->date);
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  /* Translators: %s is the name of a claim of a token, such as "sub" */
  g_autofree char *copy_label = g_strdup_printf (_("Copy the value of “%s”"), claim->name);

  add_value (row, claim->value);
  gtk_widget_add_css_class (copy, "flat");
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (copy, copy_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_LABEL, copy_label, -1);
  g_object_set_data_full (G_OBJECT (copy), "flows-claim-name", g_strdup (claim->name), g_free);
  g_object_set_data_full (G_OBJECT (copy), "flows-claim-value", g_strdup (claim->value), g_free);
  g_signal_connect_object (copy, "clicked", G_CALLBACK (on_copy_clicked), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), copy);
}

/* Groups ----------------------------------------------------------------------------------- */

static void
update_countdowns (FlowsTokenDetailsDialog *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  struct { GtkWidget *label; gint64 expires_at; } countdowns[] = {
    { self->access_countdown, self->details != NULL ? self->details->expires_at : 0 },
    { self->refresh_countdown, self->details != NULL ? self->details->refresh_expires_at : 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (countdowns); i++)
    {
      g_autofree char *text = NULL;

      if (countdowns[i].label == NULL || countdowns[i].expires_at == 0)
        continue;
      text = flows_token_details_describe_expiry (countdowns[i].expires_at, now);
      gtk_label_set_text (GTK_LABEL (countdowns[i].label), text);
      /* The words say it; the colour repeats it. */
      if (countdowns[i].expires_at < now)
        gtk_widget_add_css_class (countdowns[i].label, "error");
      else
        gtk_widget_remove_css_class (countdowns[i].label, "error");
    }
}

static gboolean
on_tick (gpointer user_data)
{
  update_countdowns (user_data);
  return G_SOURCE_CONTINUE;
}

/* The timer runs only while the window is shown and has something to count. */
static void
update_tick (FlowsTokenDetailsDialog *self)
{
  gboolean wanted = gtk_widget_get_mapped (GTK_WIDGET (self)) &&
                    (self->access_countdown != NULL || self->refresh_countdown != NULL);

  if (wanted && self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, on_tick, self);
  else if (!wanted)
    g_clear_handle_id (&self->tick_id, g_source_remove);
}

static GtkWidget *
new_countdown (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_add_css_class (label, "token-countdown");
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  return label;
}

static GtkWidget *
build_access_group (FlowsTokenDetailsDialog *self)
{
  FlowsTokenDetails *details = self->details;
  GtkWidget *group = new_group (_("Access Token"), NULL);
  g_autofree char *form = NULL;
  GtkWidget *row;

  row = add_row (group, _("Token type"), NULL);
  add_value (row, *details->token_type != '\0' ? details->token_type : _("Not said by the provider"));

  if (details->expires_at != 0)
    {
      g_autofree char *date = flows_token_details_format_date (details->expires_at);

      row = add_row (group, _("Expires"), date);
      self->access_countdown = new_countdown ();
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->access_countdown);
    }
  else
    add_value (add_row (group, _("Expires"), NULL), _("Not said by the provider"));

  if (details->access_token == NULL)
    add_value (add_row (group, _("Form"), NULL), _("None in the keyring"));
  else
    {
      form = flows_token_details_describe_form (details->access_token);
      add_row (group, _("Form"), form);
    }
  return group;
}

static GtkWidget *
build_refresh_group (FlowsTokenDetailsDialog *self)
{
  FlowsTokenDetails *details = self->details;
  GtkWidget *group = new_group (_("Refresh Token"), NULL);
  GtkWidget *row;

  if (!details->refresh_token_held)
    {
      add_row (group, _("None held"), _("The connection must be signed in again when the access token expires"));
      return group;
    }
  if (details->refresh_expires_at == 0)
    {
      add_row (group, _("Held in the keyring"), _("The provider did not say when it expires"));
      return group;
    }
  {
    g_autofree char *date = flows_token_details_format_date (details->refresh_expires_at);
    /* Translators: %s is a date and time */
    g_autofree char *subtitle = g_strdup_printf (_("Expires %s"), date);

    row = add_row (group, _("Held in the keyring"), subtitle);
    self->refresh_countdown = new_countdown ();
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->refresh_countdown);
  }
  return group;
}

static GtkWidget *
build_scopes_group (FlowsTokenDetailsDialog *self)
{
  FlowsTokenDetails *details = self->details;
  const char *description = !details->scope_reported
                              ? _("The provider reported no scope, which means it granted the scopes asked (RFC 6749 §5.1).")
                              : details->scopes_from_connection ? _("Asked: the connection’s Scopes value.")
                                                                : _("Asked: the App’s default Scopes.");
  GtkWidget *group = new_group (_("Scopes"), description);

  for (guint i = 0; i < details->scopes->len; i++)
    {
      FlowsTokenScope *scope = g_ptr_array_index (details->scopes, i);
      const char *state;
      GtkWidget *row;

      if (scope->missing)
        state = _("Asked, not granted");
      else if (scope->asked && scope->granted)
        state = _("Asked and granted");
      else if (scope->asked)
        state = _("Asked");
      else
        state = _("Granted without being asked");
      row = add_row (group, scope->name, state);

      if (scope->missing)
        {
          GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
          GtkWidget *label = gtk_label_new (_("Missing"));

          /* The word says it, the icon and the colour repeat it. */
          gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Missing"), -1);
          gtk_widget_add_css_class (row, "token-scope-missing");
          gtk_widget_add_css_class (icon, "warning");
          gtk_widget_add_css_class (label, "warning");
          gtk_widget_add_css_class (label, "heading");
          gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
          adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
        }
    }
  if (details->scopes->len == 0)
    add_row (group, _("None asked, none reported"), NULL);
  return group;
}

/* The parameters filled in at sign-in; none when the App has no such parameter. */
static GtkWidget *
build_kept_group (FlowsTokenDetailsDialog *self)
{
  GPtrArray *kept_values = self->details->kept_values;
  GtkWidget *group;

  if (kept_values->len == 0)
    return NULL;

  group = new_group (_("Kept From the Token Reply"),
                     _("Parameters filled in at sign-in, which every flow of the App can use."));
  for (guint i = 0; i < kept_values->len; i++)
    {
      FlowsTokenKeptValue *kept = g_ptr_array_index (kept_values, i);
      GtkWidget *row = add_row (group, kept->label, kept->key);

      if (!kept->held)
        add_value (row, _("Not received yet"));
      else if (kept->sensitive)
        /* Translators: the dots stand for a sensitive value that is not shown */
        add_value (row, _("•••••• (kept in the keyring)"));
      else
        add_value (row, kept->value);
    }
  return group;
}

/* The header and the claims of a decoded token, each a group of its own. */
static void
add_decoded_groups (FlowsTokenDetailsDialog *self,
                    const char              *header_title,
                    const char              *claims_title,
                    const FlowsTokenDecoded *decoded)
{
  GtkWidget *group;

  if (decoded == NULL || decoded->form == FLOWS_JWT_OPAQUE)
    return;

  if (decoded->header->len > 0)
    {
      group = new_group (header_title, NULL);
      for (guint i = 0; i < decoded->header->len; i++)
        add_claim (self, group, g_ptr_array_index (decoded->header, i));
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (group));
    }
  if (decoded->claims->len > 0)
    {
      group = new_group (claims_title, _("Decoded, not verified: for reading, not for trusting."));
      for (guint i = 0; i < decoded->claims->len; i++)
        add_claim (self, group, g_ptr_array_index (decoded->claims, i));
      adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (group));
    }
}

static GtkWidget *
build_id_token_group (FlowsTokenDetailsDialog *self)
{
  GtkWidget *group = new_group (_("ID Token"), NULL);
  g_autofree char *form = NULL;

  if (self->details->id_token == NULL)
    {
      add_row (group, _("None"), _("Only OpenID Connect providers issue one, when the scopes ask for “openid”"));
      return group;
    }
  form = flows_token_details_describe_form (self->details->id_token);
  add_row (group, _("Form"), form);
  return group;
}

static void
show_details (FlowsTokenDetailsDialog *self)
{
  GtkWidget *group;

  if (self->page != NULL)
    gtk_stack_remove (self->stack, self->page);
  self->access_countdown = NULL;
  self->refresh_countdown = NULL;

  self->page = adw_preferences_page_new ();
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (build_access_group (self)));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (build_scopes_group (self)));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (build_refresh_group (self)));
  if ((group = build_kept_group (self)) != NULL)
    adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (group));
  add_decoded_groups (self, _("Access Token Header"), _("Access Token Claims"), self->details->access_token);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (build_id_token_group (self)));
  add_decoded_groups (self, _("ID Token Header"), _("ID Token Claims"), self->details->id_token);

  gtk_stack_add_named (self->stack, self->page, "details");
  gtk_stack_set_visible_child (self->stack, self->page);
  update_countdowns (self);
  update_tick (self);
}

/* Loading ---------------------------------------------------------------------------------- */

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FlowsTokenDetailsDialog) self = g_weak_ref_get (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlowsTokenDetails) details = flows_token_details_load_finish (result, &error);

  g_weak_ref_clear (user_data);
  g_free (user_data);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (details == NULL)
    {
      /* libadwaita 1.2 reads a status page's description as markup. */
      g_autofree char *escaped = g_markup_escape_text (error->message, -1);

      adw_status_page_set_description (self->error_page, escaped);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  g_clear_pointer (&self->details, flows_token_details_free);
  self->details = g_steal_pointer (&details);
  show_details (self);
}

static void
load (FlowsTokenDetailsDialog *self)
{
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  if (self->app == NULL || self->connection == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_weak_ref_init (weak, self);
  flows_token_details_load_async (self->app, self->connection, self->cancellable, on_loaded, weak);
}

/* GObject ---------------------------------------------------------------------------------- */

static void
flows_token_details_dialog_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (flows_token_details_dialog_parent_class)->map (widget);
  update_countdowns (FLOWS_TOKEN_DETAILS_DIALOG (widget));
  update_tick (FLOWS_TOKEN_DETAILS_DIALOG (widget));
}

static void
flows_token_details_dialog_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (flows_token_details_dialog_parent_class)->unmap (widget);
  update_tick (FLOWS_TOKEN_DETAILS_DIALOG (widget));
}

static void
flows_token_details_dialog_constructed (GObject *object)
{
  FlowsTokenDetailsDialog *self = FLOWS_TOKEN_DETAILS_DIALOG (object);

  G_OBJECT_CLASS (flows_token_details_dialog_parent_class)->constructed (object);

  adw_window_title_set_subtitle (self->window_title, flows_connection_get_name (self->connection));
  /* A refresh or a sign-in while the window is open: show the new tokens. */
  g_signal_connect_object (self->connection, "notify::token-expires-at", G_CALLBACK (load), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::signed-in", G_CALLBACK (load), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::scope", G_CALLBACK (load), self, G_CONNECT_SWAPPED);
  load (self);
}

static void
flows_token_details_dialog_dispose (GObject *object)
{
  FlowsTokenDetailsDialog *self = FLOWS_TOKEN_DETAILS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_TOKEN_DETAILS_DIALOG);
  self->page = NULL;
  self->access_countdown = NULL;
  self->refresh_countdown = NULL;
  g_clear_object (&self->cancellable);
  g_clear_object (&self->app);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->details, flows_token_details_free);

  G_OBJECT_CLASS (flows_token_details_dialog_parent_class)->dispose (object);
}

static void
flows_token_details_dialog_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  FlowsTokenDetailsDialog *self = FLOWS_TOKEN_DETAILS_DIALOG (object);

  switch (prop_id)
    {
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
flows_token_details_dialog_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  FlowsTokenDetailsDialog *self = FLOWS_TOKEN_DETAILS_DIALOG (object);

  switch (prop_id)
    {
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
flows_token_details_dialog_class_init (FlowsTokenDetailsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = flows_token_details_dialog_constructed;
  object_class->dispose = flows_token_details_dialog_dispose;
  object_class->get_property = flows_token_details_dialog_get_property;
  object_class->set_property = flows_token_details_dialog_set_property;
  widget_class->map = flows_token_details_dialog_map;
  widget_class->unmap = flows_token_details_dialog_unmap;

  properties[PROP_APP] = g_param_spec_object ("app", NULL, NULL, FLOWS_TYPE_APP, flags);
  properties[PROP_CONNECTION] = g_param_spec_object ("connection", NULL, NULL, FLOWS_TYPE_CONNECTION, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-token-details-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsTokenDetailsDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FlowsTokenDetailsDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlowsTokenDetailsDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, FlowsTokenDetailsDialog, error_page);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
flows_token_details_dialog_init (FlowsTokenDetailsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

FlowsTokenDetailsDialog *
flows_token_details_dialog_new (GtkWindow       *parent,
                                FlowsApp        *app,
                                FlowsConnection *connection)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FLOWS_IS_APP (app), NULL);
  g_return_val_if_fail (FLOWS_IS_CONNECTION (connection), NULL);

  return g_object_new (FLOWS_TYPE_TOKEN_DETAILS_DIALOG,
                       "transient-for", parent,
                       "app", app,
                       "connection", connection,
                       NULL);
}
