/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* private-dir.h - ccmd's folders with the modes ccmd means, whatever the umask */
#pragma once

#include <sys/types.h>

#include <glib.h>

/* Creates @path with exactly @mode (missing parents with 0700; existing ones are not
 * changed); an existing folder we
 * own that grants more than @mode is narrowed to @mode (never widened). */
gboolean ccm_private_dir(const char *path, mode_t mode, GError **error);

/* Narrows the existing file @path to 0600 if it grants more; a missing file is fine. */
gboolean ccm_private_file(const char *path, GError **error);
