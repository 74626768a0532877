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
/* Far above any real App (1,000 stages take about 600 KB) and small enough to refuse a stray
 * log or database dump before parsing it. */
#define FLOWS_DOCUMENT_MAX_SIZE (8 * 1024 * 1024)

GQuark           flows_document_error_quark        (void);

/* @source names the document in error messages (a path, or "clipboard"). */
char            *flows_document_app_to_json        (FlowsApp         *app);
FlowsApp        *flows_document_app_from_json      (const char       *text,
                                                    gsize             length,
                                                    const char       *source,
                                                    GError          **error);

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
