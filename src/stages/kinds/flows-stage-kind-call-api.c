/* flows-stage-kind-call-api.c — the Call API stage type
 *
 * {"method": GET|POST|PUT|PATCH|DELETE|HEAD, "uriBase", "uriPath",
 *  "query": [{"name", "value", "omitWhenEmpty"?}], "headers": [{"name", "value"}],
 *  "body": {"kind": "none"}
 *        | {"kind": "json", "fields": [{"name", "value", "type"?: string|number|boolean|json}]}
 *        | {"kind": "form", "fields": [{"name", "value"}]}
 *        | {"kind": "raw", "contentType", "text"},
 *  "auth": {"kind": "none"} | {"kind": "basic", "user", "password"},
 *  "timeout": seconds, "useOAuthToken": bool, "successStatus": {"min", "max"}}
 * Outputs: <key.status>, <key.headers.NAME> (lower case), <key.body…>, <key.size>,
 * <key.contentType>. A status outside the success range, like any error, takes the fail route.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "flows-json-util.h"
#include "flows-stage-kind-call-api.h"
#include "flows-stage-query.h"
#include "flows-stage-settings.h"

/* How libsoup reads an http URL (SOUP_HTTP_URI_FLAGS); the engine makes the message of the
 * GUri parsed here. */
#define HTTP_URI_FLAGS (G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED_PATH | G_URI_FLAGS_ENCODED_QUERY | \
                        G_URI_FLAGS_ENCODED_FRAGMENT | G_URI_FLAGS_SCHEME_NORMALIZE)

struct _FlowsStageKindCallApi
{
  FlowsStageKind parent_instance;
};

G_DEFINE_FINAL_TYPE (FlowsStageKindCallApi, flows_stage_kind_call_api, FLOWS_TYPE_STAGE_KIND)

static const FlowsStageRoute routes[] = {
  { "success", NC_("route", "success") },
  { "fail", NC_("route", "fail"), TRUE },
  { NULL },
};

static const FlowsSettingChoice methods[] = {
  { "GET" }, { "POST" }, { "PUT" }, { "PATCH" }, { "DELETE" }, { "HEAD" },
  { NULL },
};

static const FlowsSettingSpec name_value_members[] = {
  FLOWS_SETTING_SPEC_NAME,
  FLOWS_SETTING_SPEC_VALUE,
  { NULL },
};

static const FlowsSettingChoice json_types[] = {
  { "string", N_("Text") },
  { "number", N_("Number") },
  { "boolean", N_("Yes or No") },
  { "json", N_("JSON") },
  { NULL },
};

static const FlowsSettingSpec json_field_members[] = {
  FLOWS_SETTING_SPEC_NAME,
  FLOWS_SETTING_SPEC_VALUE,
  { .member = "type", .type = FLOWS_SETTING_CHOICE, .label = N_("Type"), .choices = json_types },
  { NULL },
};

static const FlowsSettingSpec json_body[] = {
  { .member = "fields", .type = FLOWS_SETTING_LIST, .label = N_("JSON Fields"),
    .description = N_("Sent as a JSON object; values are escaped."),
    .add_label = N_("Add JSON Field"), .item_noun = N_("JSON field %u"), .members = json_field_members },
  { NULL },
};

static const FlowsSettingSpec form_body[] = {
  { .member = "fields", .type = FLOWS_SETTING_LIST, .label = N_("Form Fields"),
    .description = N_("Sent as application/x-www-form-urlencoded; values are encoded."),
    .add_label = N_("Add Form Field"), .item_noun = N_("Form field %u"), .members = name_value_members },
  { NULL },
};

static const FlowsSettingSpec raw_body[] = {
  { .member = "contentType", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES,
    .label = N_("Content Type"), .default_text = "application/json" },
  { .member = "text", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES | FLOWS_SETTING_MULTILINE,
    .label = N_("Body Text") },
  { NULL },
};

static const FlowsSettingChoice body_kinds[] = {
  { "none", N_("None") },
  { "json", N_("JSON Fields"), json_body },
  { "form", N_("Form Fields"), form_body },
  { "raw", N_("Raw Text"), raw_body },
  { NULL },
};

static const FlowsSettingSpec body_members[] = {
  { .member = "kind", .type = FLOWS_SETTING_CHOICE, .flags = FLOWS_SETTING_LITERAL, .label = N_("Kind"),
    .choices = body_kinds },
  { NULL },
};

static const FlowsSettingSpec basic_auth[] = {
  { .member = "user", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES, .label = N_("User"),
    .description = N_("For a token endpoint, the client ID") },
  { .member = "password", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES, .label = N_("Password"),
    .description = N_("For a token endpoint, the client secret; never shown in traces") },
  { NULL },
};

static const FlowsSettingChoice auth_kinds[] = {
  { "none", N_("None") },
  { "basic", N_("HTTP Basic"), basic_auth },
  { NULL },
};

static const FlowsSettingSpec auth_members[] = {
  { .member = "kind", .type = FLOWS_SETTING_CHOICE, .flags = FLOWS_SETTING_LITERAL, .label = N_("Kind"),
    .choices = auth_kinds },
  { NULL },
};

static const FlowsSettingSpec status_members[] = {
  { .member = "min", .type = FLOWS_SETTING_NUMBER, .label = N_("Lowest success status"),
    .default_number = 200, .minimum = 100, .maximum = 599 },
  { .member = "max", .type = FLOWS_SETTING_NUMBER, .label = N_("Highest success status"),
    .default_number = 299, .minimum = 100, .maximum = 599 },
  { NULL },
};

static const FlowsSettingSpec settings_spec[] = {
  { .member = "method", .type = FLOWS_SETTING_CHOICE, .flags = FLOWS_SETTING_LITERAL, .label = N_("Method"),
    .group = N_("Request"), .choices = methods },
  { .member = "uriBase", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES | FLOWS_SETTING_REQUIRED,
    .label = N_("URI Base"), .group = N_("Request"),
    .required_message = N_("Enter the URI base: the address the request goes to") },
  { .member = "uriPath", .type = FLOWS_SETTING_TEXT, .flags = FLOWS_SETTING_REFERENCES, .label = N_("URI Path"),
    .group = N_("Request") },
  FLOWS_STAGE_QUERY_SETTING,
  { .member = "headers", .type = FLOWS_SETTING_LIST, .label = N_("Headers"), .add_label = N_("Add Header"),
    .item_noun = N_("Header %u"), .members = name_value_members },
  { .member = "auth", .type = FLOWS_SETTING_OBJECT, .label = N_("Authentication"), .group = N_("Authentication"),
    .group_description = N_("HTTP Basic sends the user and password as the Authorization header, each form-encoded "
                            "first as OAuth 2.0 asks of client credentials (RFC 6749, section 2.3.1)"),
    .members = auth_members },
  { .member = "body", .type = FLOWS_SETTING_OBJECT, .label = N_("Body"), .group = N_("Body"),
    .members = body_members },
  { .member = "timeout", .type = FLOWS_SETTING_NUMBER, .label = N_("Timeout"),
    .description = N_("Seconds to wait for the response"), .group = N_("Response"),
    .default_number = 30, .minimum = 1, .maximum = 3600 },
  { .member = "useOAuthToken", .type = FLOWS_SETTING_BOOLEAN, .label = N_("Use the Connection’s OAuth Token"),
    .description = N_("Sends the signed-in connection’s access token, refreshed when it expires"),
    .group = N_("Response") },
  { .member = "successStatus", .type = FLOWS_SETTING_OBJECT, .label = N_("Success Status"),
    .description = N_("A response in this range takes the success route"), .group = N_("Response"),
    .members = status_members },
  { NULL },
};

/* Running ----------------------------------------------------------------------------------- */

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Adds the request headers; a name that is not an HTTP token or a value with a line break is
 * refused, so a value can never add headers of its own. */
static gboolean
add_headers (FlowsStageContext  *context,
             FlowsStageRequest  *request,
             JsonObject         *settings,
             JsonObject         *resolved_headers,
             GError            **error)
{
  g_autoptr(GPtrArray) headers = flows_settings_get_entries (settings, "headers");

  for (guint i = 0; i < headers->len; i++)
    {
      JsonObject *header = g_ptr_array_index (headers, i);
      g_autofree char *name_setting = g_strdup_printf ("headers[%u].name", i);
      g_autofree char *value_setting = g_strdup_printf ("headers[%u].value", i);
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (!(name = flows_stage_context_expand (context, name_setting, flows_settings_get_string (header, "name"),
                                               FLOWS_EXPANSION_TEXT, error)) ||
          !(value = flows_stage_context_expand (context, value_setting, flows_settings_get_string (header, "value"),
                                                FLOWS_EXPANSION_TEXT, error)))
        return FALSE;

      if (*name == '\0')
        continue;
      for (const char *p = name; *p != '\0'; p++)
        if (!is_token_char (*p))
          {
            g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                         _("%s: “%s” is not a valid header name"), name_setting, name);
            return FALSE;
          }
      if (strpbrk (value, "\r\n") != NULL)
        {
          g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                       _("%s: the value of header “%s” contains a line break"), value_setting, name);
          return FALSE;
        }

      flows_stage_request_add_header (request, name, value, FALSE);
      json_object_set_string_member (resolved_headers, name, value);
    }

  return TRUE;
}

/* The Authorization header of HTTP Basic authentication, when "auth" asks for it. The user and
 * the password are each application/x-www-form-urlencoded before they are joined with ":" and
 * encoded in base64, as RFC 6749, section 2.3.1, asks of client credentials: a client id or
 * secret with ":" stays unambiguous. The credentials are the run's secrets from here on. */
static gboolean
add_basic_auth (FlowsStageContext  *context,
                FlowsStageRequest  *request,
                JsonObject         *settings,
                JsonObject         *resolved,
                JsonObject         *resolved_headers,
                GError            **error)
{
  JsonNode *auth_node = json_object_get_member (settings, "auth");
  JsonObject *auth = auth_node != NULL && JSON_NODE_HOLDS_OBJECT (auth_node) ? json_node_get_object (auth_node) : NULL;
  const char *kind = flows_settings_get_string (auth, "kind");
  g_autofree char *user = NULL;
  g_autofree char *password = NULL;
  g_autofree char *encoded_user = NULL;
  g_autofree char *encoded_password = NULL;
  g_autofree char *credentials = NULL;
  g_autofree char *base64 = NULL;
  g_autofree char *authorization = NULL;
  JsonObject *resolved_auth;

  /* A stage without "auth" (every one written before it existed) sends none. */
  if (*kind == '\0' || g_str_equal (kind, "none"))
    return TRUE;
  if (!g_str_equal (kind, "basic"))
    {
      g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_SETTING,
                   _("auth.kind: “%s” is not a kind of authentication; use none or basic"), kind);
      return FALSE;
    }

  if (!(user = flows_stage_context_expand (context, "auth.user", flows_settings_get_string (auth, "user"),
                                           FLOWS_EXPANSION_TEXT, error)) ||
      !(password = flows_stage_context_expand (context, "auth.password", flows_settings_get_string (auth, "password"),
                                               FLOWS_EXPANSION_TEXT, error)))
    return FALSE;

  encoded_user = flows_encode_form (user);
  encoded_password = flows_encode_form (password);
  credentials = g_strconcat (encoded_user, ":", encoded_password, NULL);
  base64 = g_base64_encode ((const guchar *) credentials, strlen (credentials));
  authorization = g_strconcat ("Basic ", base64, NULL);
  flows_stage_context_add_secret (context, password);
  flows_stage_context_add_secret (context, base64);
  memset (credentials, 0, strlen (credentials));

  flows_stage_request_add_header (request, "Authorization", authorization, TRUE);
  json_object_set_string_member (resolved_headers, "Authorization", authorization);
  resolved_auth = json_object_new ();
  json_object_set_string_member (resolved_auth, "kind", "basic");
  json_object_set_string_member (resolved_auth, "user", user);
  json_object_set_string_member (resolved_auth, "password", password);
  json_object_set_object_member (resolved, "auth", resolved_auth);
  memset (base64, 0, strlen (base64));
  memset (authorization, 0, strlen (authorization));
  return TRUE;
}

/* One field of a JSON body, its value expanded, as the JSON its "type" says. */
static JsonNode *
json_field_value (const char  *type,
                  const char  *setting,
                  const char  *value,
                  GError     **error)
{
  if (g_str_equal (type, "number"))
    {
      char *end = NULL;
      double number = g_ascii_strtod (value, &end);
      JsonNode *node;

      /* JSON has no NaN or infinity ("nan", "inf" and "1e999" read as those). */
      if (*value == '\0' || *end != '\0' || !isfinite (number))
        {
          g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                       _("%s: “%s” is not a number"), setting, value);
          return NULL;
        }
      node = json_node_alloc ();
      /* In range before the cast, which is undefined beyond gint64. */
      if (number > -9.0e18 && number < 9.0e18 && number == (gint64)number &&
          strpbrk (value, ".eE") == NULL)
        json_node_init_int (node, (gint64)number);
      else
        json_node_init_double (node, number);
      return node;
    }

  if (g_str_equal (type, "boolean"))
    {
      if (!g_str_equal (value, "true") && !g_str_equal (value, "false"))
        {
          g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                       _("%s: “%s” is not true or false"), setting, value);
          return NULL;
        }
      return json_node_init_boolean (json_node_alloc (), g_str_equal (value, "true"));
    }

  if (g_str_equal (type, "json"))
    {
      g_autoptr(GError) parse_error = NULL;
      const char *surrogate;
      JsonNode *node;

      if (flows_json_find_too_deep (value, strlen (value)) != NULL)
        {
          g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                       _("%s: lists and objects are nested more than %d deep"),
                       setting, FLOWS_JSON_MAX_DEPTH);
          return NULL;
        }
      if ((surrogate = flows_json_find_lone_surrogate (value, strlen (value))) != NULL)
        {
          g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                       _("%s: “%.6s” is half of a UTF-16 surrogate pair, not a character"),
                       setting, surrogate);
          return NULL;
        }
      if (!(node = json_from_string (value, &parse_error)))
        {
          g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_VALUE,
                       _("%s: not valid JSON: %s"), setting,
                       parse_error != NULL ? parse_error->message : _("empty"));
          return NULL;
        }
      return node;
    }

  return json_node_init_string (json_node_alloc (), value);
}

/* The request body, as bytes and a content type; NULL bytes for none. */
static gboolean
build_body (FlowsStageContext  *context,
            JsonObject         *settings,
            GBytes            **bytes,
            char              **content_type,
            GError            **error)
{
  JsonNode *body_node = json_object_get_member (settings, "body");
  JsonObject *body = body_node != NULL && JSON_NODE_HOLDS_OBJECT (body_node) ? json_node_get_object (body_node) : NULL;
  const char *kind = flows_settings_get_string (body, "kind");
  g_autoptr(GPtrArray) fields = flows_settings_get_entries (body, "fields");

  *bytes = NULL;
  *content_type = NULL;

  if (*kind == '\0' || g_str_equal (kind, "none"))
    return TRUE;

  if (g_str_equal (kind, "form"))
    {
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint i = 0; i < fields->len; i++)
        {
          JsonObject *field = g_ptr_array_index (fields, i);
          g_autofree char *setting = g_strdup_printf ("body.fields[%u].value", i);
          g_autofree char *value = flows_stage_context_expand (context, setting, flows_settings_get_string (field, "value"),
                                                               FLOWS_EXPANSION_TEXT, error);
          g_autofree char *encoded_name = flows_encode_form (flows_settings_get_string (field, "name"));
          g_autofree char *encoded_value = NULL;

          if (value == NULL)
            return FALSE;
          encoded_value = flows_encode_form (value);
          g_string_append_printf (text, "%s%s=%s", i > 0 ? "&" : "", encoded_name, encoded_value);
        }
      *content_type = g_strdup ("application/x-www-form-urlencoded");
      *bytes = g_string_free_to_bytes (g_steal_pointer (&text));
      return TRUE;
    }

  if (g_str_equal (kind, "json"))
    {
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      for (guint i = 0; i < fields->len; i++)
        {
          JsonObject *field = g_ptr_array_index (fields, i);
          const char *type = flows_settings_get_string (field, "type");
          g_autofree char *setting = g_strdup_printf ("body.fields[%u].value", i);
          /* A "json" field is a JSON text with references inside its strings, so values are
           * escaped for a JSON string; the others are plain text. */
          g_autofree char *value = flows_stage_context_expand (context, setting, flows_settings_get_string (field, "value"),
                                                               g_str_equal (type, "json") ? FLOWS_EXPANSION_JSON : FLOWS_EXPANSION_TEXT,
                                                               error);
          JsonNode *node;

          if (value == NULL || !(node = json_field_value (type, setting, value, error)))
            return FALSE;
          json_object_set_member (object, flows_settings_get_string (field, "name"), node);
        }

      root = json_node_init_object (json_node_alloc (), object);
      text = flows_json_to_compact (root);
      *content_type = g_strdup ("application/json");
      *bytes = g_bytes_new_take (g_steal_pointer (&text), strlen (text));
      return TRUE;
    }

  if (g_str_equal (kind, "raw"))
    {
      g_autofree char *type = flows_stage_context_expand (context, "body.contentType",
                                                          flows_settings_get_string (body, "contentType"),
                                                          FLOWS_EXPANSION_TEXT, error);
      g_autofree char *media = NULL;
      FlowsExpansion place = FLOWS_EXPANSION_TEXT;
      char *text;

      if (type == NULL)
        return FALSE;
      if (*type == '\0')
        {
          g_free (type);
          type = g_strdup ("text/plain; charset=utf-8");
        }

      /* References inside a raw JSON or form body are encoded for it. */
      media = g_ascii_strdown (type, strcspn (type, ";"));
      g_strstrip (media);
      if (g_str_equal (media, "application/json") || g_str_has_suffix (media, "+json"))
        place = FLOWS_EXPANSION_JSON;
      else if (g_str_equal (media, "application/x-www-form-urlencoded"))
        place = FLOWS_EXPANSION_FORM;

      if (!(text = flows_stage_context_expand (context, "body.text", flows_settings_get_string (body, "text"), place, error)))
        return FALSE;
      *content_type = g_steal_pointer (&type);
      *bytes = g_bytes_new_take (text, strlen (text));
      return TRUE;
    }

  g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_SETTING,
               _("body.kind: “%s” is not a body kind; use none, json, form or raw"), kind);
  return FALSE;
}

/* Joins the URI base and path with exactly one slash between them. A query or fragment of the
 * base stays after the joined path: "https://host/api?key=1" + "items" is
 * "https://host/api/items?key=1", not a path appended to the query. A GString, which the query
 * is appended to next. */
static GString *
join_uri (const char *base,
          const char *path)
{
  gsize base_length = strcspn (base, "?#");
  const char *query_and_fragment = base + base_length;
  GString *url;

  if (*path == '\0')
    return g_string_new (base);
  while (base_length > 0 && base[base_length - 1] == '/')
    base_length--;
  while (*path == '/')
    path++;
  url = g_string_new_len (base, base_length);
  g_string_append_c (url, '/');
  g_string_append (url, path);
  g_string_append (url, query_and_fragment);
  return url;
}

/* The request of the Call API stage @user_data, from its settings as they expand now: again
 * for a retry, with the refreshed token. */
static FlowsStageRequest *
build_request (FlowsStageContext  *context,
               gpointer            user_data,
               JsonObject        **resolved,
               GError            **error)
{
  FlowsStage *stage = user_data;
  JsonObject *settings = flows_stage_get_settings (stage);
  const FlowsSettingSpec *method_spec = flows_setting_spec_find (settings_spec, "method");
  const FlowsSettingSpec *status_spec = flows_setting_spec_find (settings_spec, "successStatus");
  JsonNode *status_node = json_object_get_member (settings, "successStatus");
  JsonObject *status_range = status_node != NULL && JSON_NODE_HOLDS_OBJECT (status_node)
                               ? json_node_get_object (status_node) : NULL;
  const char *method = flows_settings_get_string (settings, "method");
  g_autoptr(FlowsStageRequest) request = flows_stage_request_new ();
  g_autoptr(GString) url = NULL;
  g_autofree char *base = NULL;
  g_autofree char *path = NULL;
  JsonObject *resolved_headers = json_object_new ();

  *resolved = json_object_new ();
  json_object_set_object_member (*resolved, "headers", resolved_headers);
  /* A stage saved without a method, a range or a timeout has the defaults. */
  request->method = g_ascii_strup (*method != '\0' ? method : method_spec->choices[0].value, -1);
  request->min_status = (guint)flows_settings_get_number (status_range, "min",
                                                         flows_setting_spec_find (status_spec->members, "min")->default_number);
  request->max_status = (guint)flows_settings_get_number (status_range, "max",
                                                         flows_setting_spec_find (status_spec->members, "max")->default_number);

  if (flows_setting_spec_find_choice (method_spec, request->method) == NULL)
    {
      g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_SETTING,
                   _("method: “%s” is not one of GET, POST, PUT, PATCH, DELETE and HEAD"), request->method);
      return NULL;
    }

  if (!(base = flows_stage_context_expand (context, "uriBase", flows_settings_get_string (settings, "uriBase"),
                                           FLOWS_EXPANSION_TEXT, error)) ||
      !(path = flows_stage_context_expand (context, "uriPath", flows_settings_get_string (settings, "uriPath"),
                                           FLOWS_EXPANSION_URL_COMPONENT, error)))
    return NULL;

  url = join_uri (base, path);
  if (!flows_stage_query_append (context, url, settings, error))
    return NULL;
  request->url = g_string_free (g_steal_pointer (&url), FALSE);
  json_object_set_string_member (*resolved, "method", request->method);
  json_object_set_string_member (*resolved, "url", request->url);

  request->uri = g_uri_parse (request->url, HTTP_URI_FLAGS, NULL);
  if (request->uri == NULL || g_uri_get_host (request->uri) == NULL || *g_uri_get_host (request->uri) == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (request->uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (request->uri), "https") != 0))
    {
      g_set_error (error, FLOWS_RUN_ERROR, FLOWS_RUN_ERROR_INVALID_URL,
                   _("“%s” is not an http or https URL (from uriBase and uriPath)"), request->url);
      return NULL;
    }

  if (!add_headers (context, request, settings, resolved_headers, error) ||
      !add_basic_auth (context, request, settings, *resolved, resolved_headers, error))
    return NULL;

  if (flows_settings_get_boolean (settings, "useOAuthToken"))
    {
      const char *token = flows_stage_context_get_access_token (context, error);
      g_autofree char *authorization = NULL;

      if (token == NULL)
        return NULL;
      authorization = g_strconcat ("Bearer ", token, NULL);
      flows_stage_request_add_header (request, "Authorization", authorization, TRUE);
      json_object_set_string_member (resolved_headers, "Authorization", authorization);
    }

  if (!build_body (context, settings, &request->body, &request->content_type, error))
    return NULL;
  if (request->body != NULL)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (request->body, NULL), g_bytes_get_size (request->body));

      json_object_set_string_member (*resolved, "contentType", request->content_type);
      json_object_set_string_member (*resolved, "body", text);
    }

  request->timeout_seconds = (guint)CLAMP (flows_settings_get_number (settings, "timeout",
                                                                      flows_setting_spec_find (settings_spec, "timeout")->default_number),
                                           1, 3600);
  return g_steal_pointer (&request);
}

static void
on_response (FlowsStageContext *context,
             JsonObject        *outputs,
             JsonObject        *resolved,
             GError            *error,
             gpointer           user_data)
{
  /* A response outside the success range comes with outputs and an error: the fail route can
   * look at it. */
  flows_stage_context_finish (context, outputs != NULL ? "success" : NULL,
                              outputs != NULL ? json_node_init_object (json_node_alloc (), outputs) : NULL,
                              resolved, error);
}

static void
flows_stage_kind_call_api_execute (FlowsStageKind    *kind,
                                   FlowsStage        *stage,
                                   FlowsStageContext *context)
{
  flows_stage_context_send_request (context, flows_settings_get_boolean (flows_stage_get_settings (stage), "useOAuthToken"),
                                    build_request, on_response, stage);
}

static void
flows_stage_kind_call_api_validate (FlowsStageKind  *kind,
                                    FlowsStage      *stage,
                                    FlowsStageCheck *check)
{
  JsonObject *settings = flows_stage_get_settings (stage);
  JsonNode *auth = json_object_get_member (settings, "auth");

  FLOWS_STAGE_KIND_CLASS (flows_stage_kind_call_api_parent_class)->validate (kind, stage, check);

  /* Both would send an Authorization header, and only one can go. */
  if (auth != NULL && JSON_NODE_HOLDS_OBJECT (auth) &&
      g_str_equal (flows_settings_get_string (json_node_get_object (auth), "kind"), "basic") &&
      flows_settings_get_boolean (settings, "useOAuthToken"))
    flows_stage_check_add_problem (check, stage, "auth.kind",
                                   _("HTTP Basic authentication and the connection’s OAuth token both send the Authorization header: choose one"));
}

static void
flows_stage_kind_call_api_add_to_scope (FlowsStageKind    *kind,
                                        FlowsStage        *stage,
                                        FlowsApp          *app,
                                        FlowsScopeOutputs *outputs)
{
  flows_scope_outputs_add_field (outputs, "status", _("The HTTP status code (%s) of “%s”"));
  flows_scope_outputs_add_field (outputs, "headers", _("The response headers (%s.NAME, lower case) of “%s”"));
  flows_scope_outputs_add_field (outputs, "body", _("The response body (%s, with .field paths when JSON) of “%s”"));
  flows_scope_outputs_add_field (outputs, "size", _("The size of the response body (%s) of “%s”"));
  flows_scope_outputs_add_field (outputs, "contentType", _("The content type (%s) of the response of “%s”"));
}

static void
flows_stage_kind_call_api_class_init (FlowsStageKindCallApiClass *klass)
{
  FlowsStageKindClass *kind_class = FLOWS_STAGE_KIND_CLASS (klass);

  kind_class->execute = flows_stage_kind_call_api_execute;
  kind_class->validate = flows_stage_kind_call_api_validate;
  kind_class->add_to_scope = flows_stage_kind_call_api_add_to_scope;

  flows_stage_kind_class_set_metadata (kind_class, "call-api", N_("Call API"), "network-transmit-receive-symbolic",
                                       N_("Sends an HTTP request and reads the response"));
  flows_stage_kind_class_set_routes (kind_class, routes);
  flows_stage_kind_class_set_settings (kind_class, settings_spec);
}

static void
flows_stage_kind_call_api_init (FlowsStageKindCallApi *self)
{
}
