/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json-document.h - the shape of every JSON document ccm prints
 *
 * A document is an object whose first member is "format": "ccm-NAME/N" (NAME the
 * document, N its version, raised when a member changes meaning or goes away; new members
 * do not raise it), and whose keys are snake_case. ccmctl(1) lists the documents;
 * docs/schemas/ holds one JSON Schema per document.
 */
#pragma once

#include <stdbool.h>

#include <json-c/json.h>

/* @members (consumed) as the document @format: a new object with "format" first, then
 * @members' members in their order. */
json_object *ccm_json_document(const char *format, json_object *members);

/* @doc as printed: pretty, or on one line with @one_line (JSON lines), then a newline. */
char *ccm_json_document_text(json_object *doc, bool one_line);
