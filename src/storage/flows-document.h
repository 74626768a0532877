/* flows-document.h — the App and connection file formats (docs/ARCHITECTURE.md, "File format").
 *
 * Every document is one JSON object carrying "format" and "version". Text produced here is
 * canonical: loading it and saving it again gives the same bytes. Readers never modify the file
 * they read; errors name the file, the line and the column.
 */
#pragma once

#include <gio/gio.h>

#include "flows-app.h"
#include "flows-connection.h"

G_BEGIN_DECLS

#define FLOWS_DOCUMENT_ERROR (flows_document_error_quark ())

typedef enum {
  FLOWS_DOCUMENT_ERROR_SYNTAX,        /* not JSON */
  FLOWS_DOCUMENT_ERROR_INVALID,       /* JSON, but a member is missing or has the wrong type */
  FLOWS_DOCUMENT_ERROR_FORMAT,        /* another kind of document */
  FLOWS_DOCUMENT_ERROR_NEWER_VERSION, /* written by a newer Flows Studio */
  FLOWS_DOCUMENT_ERROR_OLD_VERSION,   /* a version no Flows Studio wrote */
  FLOWS_DOCUMENT_ERROR_TOO_LARGE,
  FLOWS_DOCUMENT_ERROR_EMPTY,
  FLOWS_DOCUMENT_ERROR_NOT_A_FILE,
  FLOWS_DOCUMENT_ERROR_IO,
  FLOWS_DOCUMENT_ERROR_CONTAINS_SECRET,
} FlowsDocumentError;

#define FLOWS_APP_FORMAT        "flows-studio/app"
#define FLOWS_CONNECTION_FORMAT "flows-studio/connection"
#define FLOWS_DOCUMENT_VERSION  2
/* A provider preset: an App to start from, for one provider (docs/ARCHITECTURE.md,
 * "File format"). Its own version; its "app" member is versioned as an App document. */
#define FLOWS_PROVIDER_FORMAT   "flows-studio/provider"
#define FLOWS_PROVIDER_VERSION  1
/* Far above any real App (1,000 stages take about 600 KB) and small enough to refuse a stray
 * log or database dump before parsing it. */
#define FLOWS_DOCUMENT_MAX_SIZE (8 * 1024 * 1024)

GQuark           flows_document_error_quark        (void);

/* @source names the document in error messages (a path, or "clipboard"). */
char            *flows_document_app_to_json        (FlowsApp         *app);
/* flows_document_app_to_json() in two steps, so that an autosave does only the first on the
 * main thread (docs/ARCHITECTURE.md, "Data flow"): the document as a tree, then its canonical
 * text. The tree holds the stages' settings objects, which never change in place, by
 * reference: generating its text only reads them, and any thread may do it while the tree is
 * kept alive and freed on the thread that made it. */
JsonNode        *flows_document_app_to_node        (FlowsApp         *app);
char            *flows_document_node_to_text       (JsonNode         *document);
FlowsApp        *flows_document_app_from_json      (const char       *text,
                                                    gsize             length,
                                                    const char       *source,
                                                    GError          **error);

/* A provider preset document, read: the App it makes has the preset's id and name (whoever
 * creates an App from it gives it its own). */
typedef struct
{
  char     *id;
  char     *name;
  char     *description;   /* one line */
  char     *documentation; /* the provider's OAuth documentation, a URL; may be empty */
  gboolean  generic;       /* for any provider of a protocol rather than one provider */
  FlowsApp *app;
} FlowsProviderDocument;

FlowsProviderDocument *flows_document_provider_from_json (const char *text,
                                                          gsize       length,
                                                          const char *source,
                                                          GError    **error);
void             flows_provider_document_free      (FlowsProviderDocument *document);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlowsProviderDocument, flows_provider_document_free)

/* @app, when given, is used to refuse a value of a sensitive parameter: such a value must never
 * reach a file. */
char            *flows_document_connection_to_json (FlowsConnection  *connection,
                                                    FlowsApp         *app,
                                                    GError          **error);
FlowsConnection *flows_document_connection_from_json (const char     *text,
                                                    gsize             length,
                                                    const char       *source,
                                                    GError          **error);

/* One stage as the App document writes it (a new object; the settings are shared with the
 * stage, which never changes them in place), and back: a new stage, or NULL with a
 * FLOWS_DOCUMENT_ERROR naming what is wrong (without a position: there is no text). */
JsonObject      *flows_document_stage_to_object    (FlowsStage       *stage);
FlowsStage      *flows_document_stage_from_object  (JsonObject       *object,
                                                    GError          **error);

FlowsApp        *flows_document_load_app           (GFile            *file,
                                                    GError          **error);
FlowsConnection *flows_document_load_connection    (GFile            *file,
                                                    GError          **error);

/* Replaces @file atomically (temporary file + rename): a reader sees the old or the new
 * document, never a mix, and a failed write leaves the old one. */
gboolean         flows_document_write              (GFile            *file,
                                                    const char       *text,
                                                    int               mode,
                                                    GError          **error);

G_END_DECLS
