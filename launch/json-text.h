/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json-text.h - JSON text in ccm's own words: why a text is not JSON (json-c's
 * descriptions, "null expected", "continue", never reach a user), and printed JSON that is
 * valid UTF-8 whatever bytes its strings (file names) hold
 */
#pragma once

#include <json-c/json.h>

/* What is wrong with a text json-c refused with @jerr, as a phrase that fits after
 * "at byte N: " ("the text ends inside a value", "a word that is not null, true or
 * false", ...). json_tokener_success, the text was empty or held no value: "no JSON value". */
const char *ccm_json_error_text(enum json_tokener_error jerr);

/*
 * @json (a JSON text json_object_to_json_string_ext() wrote: outside its strings only
 * ASCII) with every byte that is not part of a valid UTF-8 sequence written as the four
 * characters \xHH (a backslash escaped in JSON, "\\xHH"), so the text is valid UTF-8 and
 * valid JSON; strings that are valid UTF-8 are left as they are. Newly allocated.
 */
char *ccm_json_text_make_utf8(const char *json);
