/* flows-stage-palette.c — the stage types that can be added to a flow, searchable */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "flows-enums.h"
#include "flows-icon-cache.h"
#include "flows-stage-catalog.h"
#include "flows-stage-palette.h"
#include "flows-stage-registry.h"

struct _FlowsStagePalette
{
  GtkWidget       parent_instance;

  /* The search, case-folded; NULL shows every type. */
  char           *needle;

  GtkSearchEntry *search_entry;
  GtkListBox     *list_box;
};

G_DEFINE_FINAL_TYPE (FlowsStagePalette, flows_stage_palette, GTK_TYPE_WIDGET)

enum {
  STAGE_TYPE_ACTIVATED,
  DISMISSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Rows carry their type as qdata; the catalogue gives everything else. */
static GQuark stage_type_quark;
/* The case-folded text a search looks in: name, description and nick. */
static GQuark haystack_quark;

static FlowsStageType
row_stage_type (GtkListBoxRow *row)
{
  return GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (row), stage_type_quark));
}

char *
flows_stage_palette_drop_string (FlowsStageType stage_type)
{
  return g_strconcat (FLOWS_STAGE_PALETTE_DROP_PREFIX,
                      flows_enum_to_nick (FLOWS_TYPE_STAGE_TYPE, stage_type), NULL);
}

gboolean
flows_stage_palette_type_from_drop (const char     *text,
                                    FlowsStageType *stage_type)
{
  int value;

  if (text == NULL || !g_str_has_prefix (text, FLOWS_STAGE_PALETTE_DROP_PREFIX))
    return FALSE;
  if (!flows_enum_from_nick (FLOWS_TYPE_STAGE_TYPE, text + strlen (FLOWS_STAGE_PALETTE_DROP_PREFIX), &value))
    return FALSE;
  if (stage_type != NULL)
    *stage_type = value;
  return TRUE;
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 GtkListBoxRow *row)
{
  g_autofree char *text = flows_stage_palette_drop_string (row_stage_type (row));

  return gdk_content_provider_new_typed (G_TYPE_STRING, text);
}

/* The row itself follows the pointer, so that what is dropped is what was picked up. */
static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               GtkListBoxRow *row)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (row));

  gtk_drag_source_set_icon (source, paintable, 0, 0);
}

static GtkWidget *
create_row (FlowsStageType stage_type)
{
  const FlowsStageInfo *info = flows_stage_catalog_lookup (stage_type);
  g_autofree char *haystack_text = g_strjoin ("\n", info->name, info->description,
                                              flows_enum_to_nick (FLOWS_TYPE_STAGE_TYPE, stage_type), NULL);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *name = gtk_label_new (info->name);
  GtkWidget *description = gtk_label_new (info->description);
  GtkDragSource *drag_source = gtk_drag_source_new ();

  g_object_set_qdata (G_OBJECT (row), stage_type_quark, GUINT_TO_POINTER (stage_type));
  g_object_set_qdata_full (G_OBJECT (row), haystack_quark, g_utf8_casefold (haystack_text, -1), g_free);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  /* The size of an image's icon by default; through the display's icon cache, as the cards'
   * icons (flows-icon-cache.c says why). */
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 16);
  flows_icon_cache_show_in_image (GTK_IMAGE (icon), info->icon_name);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  /* A wrapping label asks for little width: let the line take what the palette has. */
  gtk_label_set_max_width_chars (GTK_LABEL (description), 60);
  gtk_widget_set_hexpand (text_box, TRUE);
  gtk_widget_add_css_class (name, "heading");
  gtk_widget_add_css_class (description, "caption");
  gtk_widget_add_css_class (description, "dim-label");
  gtk_box_append (GTK_BOX (text_box), name);
  gtk_box_append (GTK_BOX (text_box), description);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), text_box);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_widget_set_tooltip_text (row, _("Click or press Enter to add, or drag onto the canvas"));

  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, info->name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, info->description,
                                  -1);

  gtk_drag_source_set_actions (drag_source, GDK_ACTION_COPY);
  g_signal_connect (drag_source, "prepare", G_CALLBACK (on_drag_prepare), row);
  g_signal_connect (drag_source, "drag-begin", G_CALLBACK (on_drag_begin), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (drag_source));

  return row;
}

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       user_data)
{
  FlowsStagePalette *self = user_data;

  return self->needle == NULL || strstr (g_object_get_qdata (G_OBJECT (row), haystack_quark), self->needle) != NULL;
}

static GtkListBoxRow *
first_visible_row (FlowsStagePalette *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && filter_row (GTK_LIST_BOX_ROW (child), self))
      return GTK_LIST_BOX_ROW (child);
  return NULL;
}

static void
on_search_changed (FlowsStagePalette *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  GtkListBoxRow *first;

  g_clear_pointer (&self->needle, g_free);
  if (*stripped != '\0')
    self->needle = g_utf8_casefold (stripped, -1);
  gtk_list_box_invalidate_filter (self->list_box);

  /* The first match is what Enter adds: show it selected. */
  first = first_visible_row (self);
  gtk_list_box_select_row (self->list_box, first);
}

static void
on_search_activate (FlowsStagePalette *self)
{
  GtkListBoxRow *first = first_visible_row (self);

  if (first != NULL)
    g_signal_emit (self, signals[STAGE_TYPE_ACTIVATED], 0, row_stage_type (first));
}

/* Escape clears the search; in an empty search it says the palette is done with. */
static void
on_stop_search (FlowsStagePalette *self)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) == '\0')
    g_signal_emit (self, signals[DISMISSED], 0);
  else
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static gboolean
on_search_key_pressed (FlowsStagePalette *self,
                       guint              keyval,
                       guint              keycode,
                       GdkModifierType    state)
{
  GtkListBoxRow *first;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return FALSE;

  first = first_visible_row (self);
  if (first == NULL)
    return FALSE;
  gtk_list_box_select_row (self->list_box, first);
  gtk_widget_grab_focus (GTK_WIDGET (first));
  return TRUE;
}

/* Up from the first row goes back to the search, as in GNOME Settings' search. */
static gboolean
on_list_keynav_failed (FlowsStagePalette *self,
                       GtkDirectionType   direction)
{
  if (direction != GTK_DIR_UP)
    return FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

static void
on_row_activated (FlowsStagePalette *self,
                  GtkListBoxRow     *row)
{
  g_signal_emit (self, signals[STAGE_TYPE_ACTIVATED], 0, row_stage_type (row));
}

void
flows_stage_palette_start_search (FlowsStagePalette *self)
{
  g_return_if_fail (FLOWS_IS_STAGE_PALETTE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
flows_stage_palette_set_search_text (FlowsStagePalette *self,
                                     const char        *text)
{
  g_return_if_fail (FLOWS_IS_STAGE_PALETTE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  /* GtkSearchEntry delays search-changed while typing; a text set from code applies now. */
  on_search_changed (self);
}

guint
flows_stage_palette_get_n_visible (FlowsStagePalette *self)
{
  guint n = 0;

  g_return_val_if_fail (FLOWS_IS_STAGE_PALETTE (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && filter_row (GTK_LIST_BOX_ROW (child), self))
      n++;
  return n;
}

GtkWidget *
flows_stage_palette_new (void)
{
  return g_object_new (FLOWS_TYPE_STAGE_PALETTE, NULL);
}

static gboolean
flows_stage_palette_grab_focus (GtkWidget *widget)
{
  FlowsStagePalette *self = FLOWS_STAGE_PALETTE (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
flows_stage_palette_dispose (GObject *object)
{
  FlowsStagePalette *self = (FlowsStagePalette *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_STAGE_PALETTE);
  /* The template disposes only the children it binds; the list's scrolled window is ours. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->needle, g_free);

  G_OBJECT_CLASS (flows_stage_palette_parent_class)->dispose (object);
}

static void
flows_stage_palette_class_init (FlowsStagePaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flows_stage_palette_dispose;
  widget_class->grab_focus = flows_stage_palette_grab_focus;

  stage_type_quark = g_quark_from_static_string ("flows-stage-palette-type");
  haystack_quark = g_quark_from_static_string ("flows-stage-palette-haystack");

  signals[STAGE_TYPE_ACTIVATED] =
    g_signal_new ("stage-type-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, FLOWS_TYPE_STAGE_TYPE);
  signals[DISMISSED] =
    g_signal_new ("dismissed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-stage-palette.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsStagePalette, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FlowsStagePalette, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_search_key_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_list_keynav_failed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
flows_stage_palette_init (FlowsStagePalette *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  placeholder = gtk_label_new (_("No stage type matches the search"));
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_list_box_set_placeholder (self->list_box, placeholder);

  for (guint i = 0; i < flows_stage_registry_get_n_kinds (); i++)
    gtk_list_box_append (self->list_box, create_row (flows_stage_kind_get_stage_type (flows_stage_registry_get_nth_kind (i))));
  gtk_list_box_set_filter_func (self->list_box, filter_row, self, NULL);
}
