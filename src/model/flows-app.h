/* flows-app.h — an App: its connection definition (type, parameters, redirect URL) and its flows. */
#pragma once

#include <gio/gio.h>

#include "flows-flow.h"
#include "flows-param.h"

G_BEGIN_DECLS

#define FLOWS_TYPE_APP (flows_app_get_type ())
G_DECLARE_FINAL_TYPE (FlowsApp, flows_app, FLOWS, APP, GObject)

/* Used when an OAuth App is created and when a file names none. */
#define FLOWS_DEFAULT_REDIRECT_URL "http://127.0.0.1:8976/oauth/callback"

FlowsApp            *flows_app_new                 (const char          *id,
                                                    const char          *name,
                                                    FlowsConnectionType  connection_type);
const char          *flows_app_get_id              (FlowsApp            *self);
const char          *flows_app_get_name            (FlowsApp            *self);
void                 flows_app_set_name            (FlowsApp            *self,
                                                    const char          *name);
const char          *flows_app_get_description     (FlowsApp            *self);
void                 flows_app_set_description     (FlowsApp            *self,
                                                    const char          *description);
const char          *flows_app_get_icon_name       (FlowsApp            *self);
void                 flows_app_set_icon_name       (FlowsApp            *self,
                                                    const char          *icon_name);
FlowsConnectionType  flows_app_get_connection_type (FlowsApp            *self);
void                 flows_app_set_connection_type (FlowsApp            *self,
                                                    FlowsConnectionType  connection_type);
const char          *flows_app_get_redirect_url    (FlowsApp            *self);
void                 flows_app_set_redirect_url    (FlowsApp            *self,
                                                    const char          *redirect_url);

/* The id of the provider preset the App was made from ("github"), "" for none: for people. */
const char          *flows_app_get_provider        (FlowsApp            *self);
void                 flows_app_set_provider        (FlowsApp            *self,
                                                    const char          *provider);
/* How this provider is asked for a refresh token, added to the message of a refresh that has
 * none; "" when nothing is known. */
const char          *flows_app_get_offline_access_hint (FlowsApp        *self);
void                 flows_app_set_offline_access_hint (FlowsApp        *self,
                                                        const char      *hint);

/* The HTTP statuses after which a Call API stage that uses the connection's token refreshes it
 * and sends its request once more (docs/ARCHITECTURE.md, "OAuth sequence"). Never empty: an
 * empty list sets the default. */
#define FLOWS_APP_DEFAULT_REFRESH_ON_STATUS 401
const guint         *flows_app_get_refresh_on_status (FlowsApp          *self,
                                                      guint             *n_statuses);
void                 flows_app_set_refresh_on_status (FlowsApp          *self,
                                                      const guint       *statuses,
                                                      guint              n_statuses);
gboolean             flows_app_refreshes_on_status   (FlowsApp          *self,
                                                      guint              status);

/* A GListModel of FlowsParam. */
GListModel          *flows_app_get_params          (FlowsApp            *self);
void                 flows_app_add_param           (FlowsApp            *self,
                                                    FlowsParam          *param);
void                 flows_app_remove_param        (FlowsApp            *self,
                                                    FlowsParam          *param);
FlowsParam          *flows_app_find_param          (FlowsApp            *self,
                                                    const char          *key);

/* A GListModel of FlowsFlow. */
GListModel          *flows_app_get_flows           (FlowsApp            *self);
void                 flows_app_add_flow            (FlowsApp            *self,
                                                    FlowsFlow           *flow);
void                 flows_app_remove_flow         (FlowsApp            *self,
                                                    FlowsFlow           *flow);
/* By id first, then by name. */
FlowsFlow           *flows_app_find_flow           (FlowsApp            *self,
                                                    const char          *id_or_name);
FlowsFlow           *flows_app_find_flow_by_role   (FlowsApp            *self,
                                                    FlowsFlowRole        role);

G_END_DECLS
