/* flows-stage-card.c — one stage on the flow editor's canvas */

#include "config.h"

#include <glib/gi18n.h>

#include "flows-icon-cache.h"
#include "flows-layout.h"
#include "flows-stage-card.h"
#include "flows-stage-catalog.h"

struct _FlowsStageCard
{
  GtkWidget           parent_instance;

  FlowsStage         *stage;
  GSignalGroup       *stage_signals;
  char               *problems;
  FlowsStageRunState  run_state;
  gint64              duration_us;

  GtkWidget          *content;
  GtkImage           *icon;
  GtkLabel           *name_label;
  GtkLabel           *type_label;
  GtkWidget          *problem_badge;
  GtkWidget          *status_box;
  GtkSpinner         *spinner;
  GtkImage           *status_icon;
  GtkLabel           *duration_label;
};

G_DEFINE_FINAL_TYPE (FlowsStageCard, flows_stage_card, GTK_TYPE_WIDGET)

static const char * const run_state_classes[] = {
  [FLOWS_STAGE_RUN_STATE_NONE] = NULL,
  [FLOWS_STAGE_RUN_STATE_RUNNING] = "running",
  [FLOWS_STAGE_RUN_STATE_SUCCEEDED] = "succeeded",
  [FLOWS_STAGE_RUN_STATE_FAILED] = "failed",
  [FLOWS_STAGE_RUN_STATE_SKIPPED] = "skipped",
};

static const char *
run_state_description (FlowsStageRunState state)
{
  switch (state)
    {
    case FLOWS_STAGE_RUN_STATE_RUNNING:
      return _("Running");
    case FLOWS_STAGE_RUN_STATE_SUCCEEDED:
      return _("Succeeded");
    case FLOWS_STAGE_RUN_STATE_FAILED:
      return _("Failed");
    case FLOWS_STAGE_RUN_STATE_SKIPPED:
      return _("Skipped");
    case FLOWS_STAGE_RUN_STATE_NONE:
    default:
      return NULL;
    }
}

static char *
format_duration (gint64 duration_us)
{
  if (duration_us < 1000 * G_TIME_SPAN_MILLISECOND)
    /* Translators: a stage's duration in milliseconds, on a canvas card. */
    return g_strdup_printf (_("%.0f ms"), duration_us / 1000.0);
  /* Translators: a stage's duration in seconds, on a canvas card. */
  return g_strdup_printf (_("%.1f s"), duration_us / (double)G_TIME_SPAN_SECOND);
}

/* What a screen reader says for the card, and its tooltip: everything the card shows. */
static void
update_description (FlowsStageCard *self)
{
  const FlowsStageInfo *info = flows_stage_catalog_lookup (flows_stage_get_stage_type (self->stage));
  g_autoptr(GString) text = g_string_new (NULL);
  const char *state = run_state_description (self->run_state);

  /* Translators: the accessible name of a stage card: its type, then its name. */
  g_string_printf (text, _("%s stage “%s”"), info->name, flows_stage_get_name (self->stage));
  if (state != NULL)
    g_string_append_printf (text, ", %s", state);
  if (self->run_state == FLOWS_STAGE_RUN_STATE_SUCCEEDED || self->run_state == FLOWS_STAGE_RUN_STATE_FAILED)
    {
      g_autofree char *duration = format_duration (self->duration_us);

      g_string_append_printf (text, ", %s", duration);
    }
  if (self->problems != NULL)
    g_string_append_printf (text, ", %s", self->problems);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text->str,
                                  -1);
}

static void
update_labels (FlowsStageCard *self)
{
  const FlowsStageInfo *info = flows_stage_catalog_lookup (flows_stage_get_stage_type (self->stage));
  const char *name = flows_stage_get_name (self->stage);

  flows_icon_cache_show_in_image (self->icon, info->icon_name);
  gtk_label_set_text (self->name_label, *name != '\0' ? name : info->name);
  gtk_label_set_text (self->type_label, info->name);
  update_description (self);
}

static void
on_stage_name_changed (FlowsStageCard *self)
{
  update_labels (self);
}

/* The problem badge's and the run status's tooltips, given when GTK asks for them rather than
 * set: setting the tooltip of a widget on show makes GTK ask the X server where the pointer is,
 * in case a tooltip is up, a round trip for each card that comes into view on the canvas and
 * takes a stage with problems (bench-canvas). */
static gboolean
on_query_tooltip (GtkWidget      *widget,
                  int             x,
                  int             y,
                  gboolean        keyboard_mode,
                  GtkTooltip     *tooltip,
                  FlowsStageCard *self)
{
  const char *text = widget == self->problem_badge ? self->problems : run_state_description (self->run_state);

  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* What the tooltip says, for assistive technologies, as a tooltip set on the widget would. */
static void
describe_tooltip (GtkWidget  *widget,
                  const char *text)
{
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
flows_stage_card_dispose (GObject *object)
{
  FlowsStageCard *self = FLOWS_STAGE_CARD (object);

  g_clear_object (&self->stage_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), FLOWS_TYPE_STAGE_CARD);
  g_clear_object (&self->stage);

  G_OBJECT_CLASS (flows_stage_card_parent_class)->dispose (object);
}

static void
flows_stage_card_finalize (GObject *object)
{
  FlowsStageCard *self = FLOWS_STAGE_CARD (object);

  g_free (self->problems);

  G_OBJECT_CLASS (flows_stage_card_parent_class)->finalize (object);
}

static void
flows_stage_card_class_init (FlowsStageCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = flows_stage_card_dispose;
  object_class->finalize = flows_stage_card_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowsstudio/FlowsStudio/flows-stage-card.ui");
  gtk_widget_class_bind_template_child (widget_class, FlowsStageCard, content);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageCard, icon);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageCard, type_label);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageCard, problem_badge);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageCard, status_box);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageCard, spinner);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageCard, status_icon);
  gtk_widget_class_bind_template_child (widget_class, FlowsStageCard, duration_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "stagecard");
}

static void
flows_stage_card_init (FlowsStageCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Through the display's icon cache, as every icon of a card (flows-icon-cache.c says why). */
  flows_icon_cache_show_in_image (GTK_IMAGE (self->problem_badge), "dialog-warning-symbolic");
  self->stage_signals = g_signal_group_new (FLOWS_TYPE_STAGE);
  g_signal_group_connect_swapped (self->stage_signals, "notify::name", G_CALLBACK (on_stage_name_changed), self);
  gtk_widget_set_size_request (GTK_WIDGET (self),
                               (int)FLOWS_LAYOUT_CARD_WIDTH, (int)FLOWS_LAYOUT_CARD_HEIGHT);
  gtk_widget_set_has_tooltip (self->problem_badge, TRUE);
  gtk_widget_set_has_tooltip (self->status_box, TRUE);
  g_signal_connect (self->problem_badge, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
  g_signal_connect (self->status_box, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
}

GtkWidget *
flows_stage_card_new (FlowsStage *stage)
{
  FlowsStageCard *self;

  g_return_val_if_fail (FLOWS_IS_STAGE (stage), NULL);

  self = g_object_new (FLOWS_TYPE_STAGE_CARD, NULL);
  self->stage = g_object_ref (stage);
  g_signal_group_set_target (self->stage_signals, stage);
  update_labels (self);

  return GTK_WIDGET (self);
}

void
flows_stage_card_set_stage (FlowsStageCard *self,
                            FlowsStage     *stage)
{
  g_return_if_fail (FLOWS_IS_STAGE_CARD (self));
  g_return_if_fail (FLOWS_IS_STAGE (stage));

  if (stage == self->stage)
    return;
  g_set_object (&self->stage, stage);
  g_signal_group_set_target (self->stage_signals, stage);
  update_labels (self);
}

void
flows_stage_card_set_selected (FlowsStageCard *self,
                               gboolean        selected)
{
  g_return_if_fail (FLOWS_IS_STAGE_CARD (self));

  if (selected)
    gtk_widget_set_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED, FALSE);
  else
    gtk_widget_unset_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_SELECTED, selected, -1);
}

void
flows_stage_card_set_problems (FlowsStageCard *self,
                               const char     *problems)
{
  g_return_if_fail (FLOWS_IS_STAGE_CARD (self));

  if (problems != NULL && *problems == '\0')
    problems = NULL;
  if (g_strcmp0 (problems, self->problems) == 0)
    return;

  g_free (self->problems);
  self->problems = g_strdup (problems);
  gtk_widget_set_visible (self->problem_badge, problems != NULL);
  describe_tooltip (self->problem_badge, problems);
  if (problems != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "has-problems");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "has-problems");
  update_description (self);
}

gboolean
flows_stage_card_has_problems (FlowsStageCard *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE_CARD (self), FALSE);

  return self->problems != NULL;
}

void
flows_stage_card_set_run_state (FlowsStageCard     *self,
                                FlowsStageRunState  state,
                                gint64              duration_us)
{
  g_autofree char *duration = NULL;
  gboolean finished = state == FLOWS_STAGE_RUN_STATE_SUCCEEDED || state == FLOWS_STAGE_RUN_STATE_FAILED;

  g_return_if_fail (FLOWS_IS_STAGE_CARD (self));

  if (state == self->run_state && duration_us == self->duration_us)
    return;

  if (run_state_classes[self->run_state] != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self), run_state_classes[self->run_state]);
  self->run_state = state;
  self->duration_us = duration_us;
  if (run_state_classes[state] != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), run_state_classes[state]);

  gtk_widget_set_visible (self->status_box, state == FLOWS_STAGE_RUN_STATE_RUNNING || finished);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state == FLOWS_STAGE_RUN_STATE_RUNNING);
  gtk_spinner_set_spinning (self->spinner, state == FLOWS_STAGE_RUN_STATE_RUNNING);
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), finished);
  flows_icon_cache_show_in_image (self->status_icon,
                                  state == FLOWS_STAGE_RUN_STATE_FAILED ? "process-stop-symbolic"
                                                                        : "object-select-symbolic");
  gtk_widget_set_visible (GTK_WIDGET (self->duration_label), finished);
  if (finished)
    duration = format_duration (duration_us);
  gtk_label_set_text (self->duration_label, duration != NULL ? duration : "");
  describe_tooltip (self->status_box, run_state_description (state));
  update_description (self);
}

FlowsStageRunState
flows_stage_card_get_run_state (FlowsStageCard *self)
{
  g_return_val_if_fail (FLOWS_IS_STAGE_CARD (self), FLOWS_STAGE_RUN_STATE_NONE);

  return self->run_state;
}
