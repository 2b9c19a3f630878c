/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ccmctl.c - ccmctl's entry point: picks the command */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "ccmctl.h"
#include "json-document.h"

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
    { "drift", ccmctl_drift, "preview which guests' measurements a firmware or QEMU upgrade changes" },
    { "host-check", ccmctl_host_check, "show which confidential guests this host can run" },
    { "host", ccmctl_host, "show this host's TEE state, check it, export its SNP certificates" },
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
    fprintf(out, "\nRun 'ccmctl COMMAND --help' or 'ccmctl help COMMAND' for the options of a "
                 "command; see ccmctl(1).\n");
}

/* `ccmctl help COMMAND [OPTION...]`: what `ccmctl COMMAND [OPTION...] --help` prints
 * (with --platform X, that platform's options). */
static int command_help(int argc, char **argv)
{
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (strcmp(argv[0], commands[i].name) != 0)
            continue;
        g_autofree char **args = g_new0(char *, argc + 2);
        for (int k = 0; k < argc; k++)
            args[k] = argv[k];
        args[argc] = (char *) "--help";
        return commands[i].run(argc + 1, args);
    }
    fprintf(stderr, "ccmctl: unknown command '%s'\n\n", argv[0]);
    usage(stderr);
    return CCMCTL_EXIT_USAGE;
}

/* While ccmctl_help_sections() runs: the sections the commands add. */
static GString *help_sections;

gboolean ccmctl_help_section(const char *title, const GOptionEntry *entries,
                             const GOptionEntry *more)
{
    if (!help_sections)
        return FALSE;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) helps = g_ptr_array_new();
    int width = 0;
    for (const GOptionEntry *list = entries; list; list = list == entries ? more : NULL)
        for (const GOptionEntry *e = list; e->long_name; e++) {
            if ((e->flags & G_OPTION_FLAG_HIDDEN) || strcmp(e->long_name, "platform") == 0)
                continue; /* the title names the --platform */
            char *name = e->arg == G_OPTION_ARG_NONE
                             ? g_strdup_printf("--%s", e->long_name)
                             : g_strdup_printf("--%s=%s", e->long_name,
                                               e->arg_description ? e->arg_description : "VALUE");
            width = MAX(width, (int) strlen(name));
            g_ptr_array_add(names, name);
            g_ptr_array_add(helps, (gpointer) (e->description ? e->description : ""));
        }
    g_string_append_printf(help_sections, "%s:\n", title);
    for (guint i = 0; i < names->len; i++)
        g_string_append_printf(help_sections, "  %-*s  %s\n", width,
                               (const char *) names->pdata[i], (const char *) helps->pdata[i]);
    g_string_append_c(help_sections, '\n');
    return TRUE;
}

char *ccmctl_help_sections(int (*const *commands_with_sections)(int argc, char **argv))
{
    g_assert(!help_sections);
    help_sections = g_string_new(NULL);
    for (size_t i = 0; commands_with_sections[i]; i++)
        (void) commands_with_sections[i](0, NULL);
    return g_string_free(g_steal_pointer(&help_sections), FALSE);
}

gboolean ccmctl_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
            strcmp(argv[i], "-?") == 0 || strcmp(argv[i], "--help-all") == 0)
            return TRUE;
    return FALSE;
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

char *ccmctl_json_text(const char *format, json_object *members)
{
    json_object *doc = format ? ccm_json_document(format, members) : members;
    char *text = ccm_json_document_text(doc, false);
    json_object_put(doc);
    return text;
}

gboolean ccmctl_json_option(gboolean json, const char *option, char **output, GError **error)
{
    if (!json)
        return TRUE;
    if (*output && strcmp(*output, "json") != 0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "--json is %s json: it cannot be combined with %s %s", option, option,
                    *output);
        return FALSE;
    }
    g_free(*output);
    *output = g_strdup("json");
    return TRUE;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");

    if (argc < 2) {
        usage(stderr);
        return CCMCTL_EXIT_USAGE;
    }
    if (strcmp(argv[1], "help") == 0 && argc > 2)
        return command_help(argc - 2, argv + 2);
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
