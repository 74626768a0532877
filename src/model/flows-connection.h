/* flows-connection.h — an installed instance of an App's connection.
 *
 * It holds the values of the non-sensitive parameters only: sensitive values and OAuth tokens
 * live in the Secret Service (flows-secrets.h) and never in this object or its file.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FLOWS_TYPE_CONNECTION (flows_connection_get_type ())
G_DECLARE_FINAL_TYPE (FlowsConnection, flows_connection, FLOWS, CONNECTION, GObject)

FlowsConnection *flows_connection_new                   (const char      *id,
                                                         const char      *app_id,
                                                         const char      *name);
const char      *flows_connection_get_id                (FlowsConnection *self);
const char      *flows_connection_get_app_id            (FlowsConnection *self);
const char      *flows_connection_get_name              (FlowsConnection *self);
void             flows_connection_set_name              (FlowsConnection *self,
                                                         const char      *name);

const char      *flows_connection_get_value             (FlowsConnection *self,
                                                         const char      *key);
/* NULL removes the value. */
void             flows_connection_set_value             (FlowsConnection *self,
                                                         const char      *key,
                                                         const char      *value);
/* Keys with a value, sorted; free with g_strfreev(). */
char           **flows_connection_list_value_keys       (FlowsConnection *self);

/* OAuth state: whether tokens are stored, when the access token expires (unix seconds, 0 when
 * unknown), the granted scope, and whether the user must sign in again (with the reason). */
gboolean         flows_connection_get_signed_in         (FlowsConnection *self);
void             flows_connection_set_signed_in         (FlowsConnection *self,
                                                         gboolean         signed_in);
gint64           flows_connection_get_token_expires_at  (FlowsConnection *self);
void             flows_connection_set_token_expires_at  (FlowsConnection *self,
                                                         gint64           unix_time);
const char      *flows_connection_get_scope             (FlowsConnection *self);
void             flows_connection_set_scope             (FlowsConnection *self,
                                                         const char      *scope);
/* What the token endpoint said of its tokens: the token_type ("" when unknown) and when the
 * refresh token expires (unix seconds, 0 when the provider did not say). */
const char      *flows_connection_get_token_type        (FlowsConnection *self);
void             flows_connection_set_token_type        (FlowsConnection *self,
                                                         const char      *token_type);
gint64           flows_connection_get_refresh_expires_at (FlowsConnection *self);
void             flows_connection_set_refresh_expires_at (FlowsConnection *self,
                                                         gint64           unix_time);
const char      *flows_connection_get_needs_sign_in     (FlowsConnection *self);
void             flows_connection_set_needs_sign_in     (FlowsConnection *self,
                                                         const char      *reason);

/* The last Test: unix time (0 = never tested), pass or fail, HTTP status (0 = none), message. */
gint64           flows_connection_get_last_test_time    (FlowsConnection *self);
gboolean         flows_connection_get_last_test_passed  (FlowsConnection *self);
guint            flows_connection_get_last_test_status  (FlowsConnection *self);
const char      *flows_connection_get_last_test_message (FlowsConnection *self);
void             flows_connection_set_last_test         (FlowsConnection *self,
                                                         gint64           unix_time,
                                                         gboolean         passed,
                                                         guint            http_status,
                                                         const char      *message);
/* Whether the last Test ran before the latest successful sign-in, so that it says nothing of
 * the tokens the connection has now; setting a new result makes it current again. */
gboolean         flows_connection_get_last_test_stale   (FlowsConnection *self);
void             flows_connection_mark_last_test_stale  (FlowsConnection *self);
/* The latest sign-in that failed, when no sign-in succeeded after it: unix time (0 = none) and
 * why (NULL = none). A NULL @message clears it. */
gint64           flows_connection_get_sign_in_failure_time (FlowsConnection *self);
const char      *flows_connection_get_sign_in_failure   (FlowsConnection *self);
void             flows_connection_set_sign_in_failure   (FlowsConnection *self,
                                                         gint64           unix_time,
                                                         const char      *message);

G_END_DECLS
