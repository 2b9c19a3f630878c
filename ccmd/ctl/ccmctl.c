/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ccmctl.c - ccmctl's entry point: picks the command */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "ccmctl.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "list", ccmctl_guest_command, "list the guests ccmd manages" },
    { "status", ccmctl_guest_command, "show one guest and its history" },
    { "add", ccmctl_guest_command, "add a guest to ccmd from its spec" },
    { "remove", ccmctl_guest_command, "remove a stopped guest" },
    { "start", ccmctl_guest_command, "start a guest (measure, register, launch)" },
    { "stop", ccmctl_guest_command, "power a guest off" },
    { "kill", ccmctl_guest_command, "end a guest's QEMU now" },
    { "monitor", ccmctl_guest_command, "follow the guests' state changes" },
    { "host-check", ccmctl_host_check, "show which confidential guests this host can run" },
    { "measure", ccmctl_measure, "compute a guest's expected launch measurement" },
    { "verify", ccmctl_verify, "compare a TD quote and event log, or a CCA token, with what is expected" },
    { "render", ccmctl_render, "print the QEMU command line or libvirt XML of a guest spec" },
    { "define", ccmctl_define, "define a guest spec's domain in libvirt" },
    { "rehearse", ccmctl_rehearse, "boot a guest's measured inputs under TCG with ccm-qemu-plugin" },
    { "map", ccmctl_map, "show an execution map: what ran, from which bytes; draw it" },
    { "register", ccmctl_register, "register a guest's expected values with a Trustee KBS" },
    { "export", ccmctl_export, "print a guest's expected values for a key broker" },
    { "snp-id-block", ccmctl_snp_id_block, "sign an SEV-SNP ID block and ID authentication block" },
    { "snp-policy", ccmctl_snp_policy, "decode or encode an SEV-SNP guest policy" },
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: ccmctl [--help] [--version] COMMAND [OPTION...]\n\n"
                 "Confidential VM launch measurements and management.\n\nCommands:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'ccmctl COMMAND --help' for the options of a command; see ccmctl(1).\n");
}

int ccmctl_fail(const char *command, const GError *error)
{
    fprintf(stderr, "ccmctl %s: %s\n", command, error->message);
    return error->domain == G_OPTION_ERROR ? CCMCTL_EXIT_USAGE : CCMCTL_EXIT_FAILURE;
}

gboolean ccmctl_parse_qemu_version(const char *text, int *ret_major, int *ret_minor)
{
    char *end = NULL;
    guint64 major = g_ascii_strtoull(text, &end, 10);
    if (end == text || *end != '.' || major < 1 || major > 99)
        return FALSE;
    const char *m = end + 1;
    guint64 minor = g_ascii_strtoull(m, &end, 10);
    if (end == m || *end || minor > 99)
        return FALSE;
    *ret_major = (int) major;
    *ret_minor = (int) minor;
    return TRUE;
}

gboolean ccmctl_write_stdout(const char *text, GError **error)
{
    if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
        int e = errno;
        g_set_error(error, G_IO_ERROR, g_io_error_from_errno(e), "cannot write the output: %s",
                    g_strerror(e));
        return FALSE;
    }
    return TRUE;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");

    if (argc < 2) {
        usage(stderr);
        return CCMCTL_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CCMCTL_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("ccmctl %s\n", CCM_VERSION);
        return CCMCTL_EXIT_OK;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);

    fprintf(stderr, "ccmctl: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return CCMCTL_EXIT_USAGE;
}
