/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qmp-record.c - record ccm's capability probe of a real QEMU binary as a transcript
 *
 *   qmp-record QEMU-BINARY OUTPUT-DIR [ACCEL]
 *
 * Writes OUTPUT-DIR/<major>.<minor>_<arch>.replies (arch from the binary's name) and
 * prints its path. Used through tools/qmp-record; see tests/data/qmp/README.md.
 */
#include <stdio.h>
#include <string.h>

#include "qemu-caps.h"
#include "qemu-probe.h"

int main(int argc, char **argv)
{
    g_autoptr(GError) error = NULL;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s QEMU-BINARY OUTPUT-DIR [kvm|tcg]\n", argv[0]);
        return 2;
    }
    CcmQemuProbeOptions options = { .no_cache = true, .accel = argc == 4 ? argv[3] : "tcg" };
    g_autoptr(CcmQmpTranscript) t = ccm_qemu_probe_record(argv[1], &options, &error);
    if (!t) {
        fprintf(stderr, "qmp-record: %s\n", error->message);
        return 1;
    }
    g_autoptr(CcmQemuCaps) caps = ccm_qemu_caps_from_transcript(t, &error);
    if (!caps) {
        fprintf(stderr, "qmp-record: %s\n", error->message);
        return 1;
    }

    /* The binary's location and timestamps say nothing about QEMU: keep the header
     * free of this machine's details, so a re-recording diffs cleanly. */
    g_autofree char *base = g_path_get_basename(argv[1]);
    const char *arch = g_str_has_prefix(base, "qemu-system-") ? base + strlen("qemu-system-")
                                                              : "unknown";
    json_object_object_del(t->header, "size");
    json_object_object_del(t->header, "mtime");
    json_object_object_add(t->header, "binary", json_object_new_string(base));
    json_object_object_add(t->header, "package",
                           json_object_new_string(caps->package ? caps->package : ""));

    g_autofree char *name = g_strdup_printf("%d.%d_%s.replies", caps->major, caps->minor, arch);
    g_autofree char *out = g_build_filename(argv[2], name, NULL);
    if (!ccm_qmp_transcript_save(t, out, &error)) {
        fprintf(stderr, "qmp-record: %s\n", error->message);
        return 1;
    }
    printf("%s\n", out);
    return 0;
}
