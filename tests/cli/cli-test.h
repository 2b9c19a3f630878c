/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cli-test.h - what the CLI tests share: running $CCMCTL, removing their scratch folder */
#pragma once

#include <stdarg.h>

#include <glib.h>
#include <json-c/json.h>

typedef struct CcmctlResult {
    int status;   /* the exit status */
    char *out;    /* stdout and stderr as bytes, NUL-terminated (not checked for UTF-8) */
    char *err;
} CcmctlResult;

void ccmctl_result_clear(CcmctlResult *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CcmctlResult, ccmctl_result_clear)

/* `$CCMCTL ARGS...` (@args NULL-terminated) with @env (NULL: ours) and @input on its
 * stdin (NULL: none); fails the test if it cannot run or does not exit. */
CcmctlResult ccmctl_run(char **env, const char *input, const char *const *args);

/* ccmctl_run(), for tests that take the output apart: stdout and stderr into @out and
 * @err (either may be NULL); returns the exit status. */
int ccmctl_run_status(char **out, char **err, const char *const *args);

/* Removes @path and everything below it (symlinks are removed, not followed). */
/* A run whose stdout may be a JSON document: @doc is it parsed, or NULL when stdout does
 * not start with '{'. */
typedef struct CcmctlJsonRun {
    int status;
    char *out, *err;
    json_object *doc;
} CcmctlJsonRun;

void ccmctl_json_run_clear(CcmctlJsonRun *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CcmctlJsonRun, ccmctl_json_run_clear)

/* ccmctl with the NULL-terminated @prefix, then the arguments from @first to a NULL; the
 * exit status and both streams go to the test's log. */
CcmctlJsonRun ccmctl_run_json(const char *const *prefix, const char *first, va_list ap);

void ccm_test_rm_tree(const char *path);
