/* flows-expression.h — the `<Name>` reference syntax of stage settings (docs/ARCHITECTURE.md,
 * "References").
 *
 * A setting is a template: literal text with references such as `<ApiKey>` or
 * `<exchange.body.access_token>`. `\<` writes a literal "<". Parsing happens once (for validation
 * and before a run); expansion substitutes each reference's value, encoded for the place it goes
 * so that a value can never change the structure of a request. An expression is immutable and
 * may be shared between threads.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FLOWS_EXPRESSION_ERROR (flows_expression_error_quark ())

typedef enum {
  FLOWS_EXPRESSION_ERROR_SYNTAX,
  FLOWS_EXPRESSION_ERROR_UNRESOLVED,
} FlowsExpressionError;

/* Where an expanded value goes, which decides how each reference's value is encoded. */
typedef enum {
  FLOWS_EXPANSION_TEXT,          /* as is */
  FLOWS_EXPANSION_URL_COMPONENT, /* percent-encoded, RFC 3986 unreserved characters kept */
  FLOWS_EXPANSION_FORM,          /* application/x-www-form-urlencoded */
  FLOWS_EXPANSION_JSON,          /* the inside of a JSON string literal */
} FlowsExpansion;

#define FLOWS_TYPE_EXPRESSION (flows_expression_get_type ())

typedef struct _FlowsExpression FlowsExpression;

/* Returns the value of @reference (newly allocated); NULL with @error set when looking it up
 * failed; NULL without an error when the reference resolves to nothing. */
typedef char *(*FlowsResolveFunc) (const char  *reference,
                                   gpointer     user_data,
                                   GError     **error);

GQuark           flows_expression_error_quark      (void);
GType            flows_expression_get_type         (void);

FlowsExpression *flows_expression_parse            (const char       *text,
                                                    GError          **error);
FlowsExpression *flows_expression_ref              (FlowsExpression  *self);
void             flows_expression_unref            (FlowsExpression  *self);

/* References in the order they appear, repeats included, as dotted paths without the angle
 * brackets ("exchange.body.access_token"). */
guint            flows_expression_get_n_references (FlowsExpression  *self);
const char      *flows_expression_get_reference    (FlowsExpression  *self,
                                                    guint             index);
gboolean         flows_expression_is_literal       (FlowsExpression  *self);

/* @resolve may be NULL only for a literal expression. */
char            *flows_expression_expand           (FlowsExpression  *self,
                                                    FlowsExpansion    context,
                                                    FlowsResolveFunc  resolve,
                                                    gpointer          user_data,
                                                    GError          **error);

/* @text with every reference that is exactly @old_name (no path: `<old_name.x>` names a
 * stage's output) written as @new_name, literal text kept byte for byte (`\<` stays
 * `\<`); NULL when @text does not parse or has no such reference. @n_renamed, when not
 * NULL, is set to how many references were rewritten. */
char            *flows_expression_rename_reference (const char       *text,
                                                    const char       *old_name,
                                                    const char       *new_name,
                                                    guint            *n_renamed);
/* TRUE when @text is a name usable in a reference: [A-Za-z_][A-Za-z0-9_]*. */
gboolean         flows_expression_is_identifier    (const char       *text);

/* The encoders used by expansion, for callers that build requests from plain values. */
char            *flows_encode_url_component        (const char       *value);
char            *flows_encode_form                 (const char       *value);
char            *flows_encode_json_string          (const char       *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlowsExpression, flows_expression_unref)

G_END_DECLS
