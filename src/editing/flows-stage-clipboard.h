/* flows-stage-clipboard.h — stages as text, for cut, copy, paste and duplicate
 *
 * The text is a small JSON document ({"format": "flows-studio/stages", "version": 1,
 * "stages": [...]}, each stage as the App file writes it), so a copy from one flow or App pastes
 * into any other, or into a text editor. Pasting gives every stage a fresh id and a key unique in
 * the target flow (references among the pasted stages follow a renamed key), keeps the routes
 * among the pasted stages and drops those that led outside them.
 */
#pragma once

#include "flows-flow.h"

G_BEGIN_DECLS

char      *flows_stage_clipboard_serialize (GPtrArray   *stages);
/* New stages, not yet in @target (add them with flows_history_insert_stages()), moved by
 * (@dx, @dy). NULL with a FLOWS_DOCUMENT_ERROR when @text is not such a document. */
GPtrArray *flows_stage_clipboard_parse     (const char  *text,
                                            FlowsFlow   *target,
                                            double       dx,
                                            double       dy,
                                            GError     **error);

G_END_DECLS
