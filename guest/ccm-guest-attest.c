/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccm-guest-attest.c - a guest's KBS client: attest with the simulated TEE, print a secret
 *
 * Parses the command line (defaults from the kernel command line when run by the test
 * initramfs's init), runs the exchange (rcar.c) and prints one outcome line on stdout
 * for the host to grep; the exit status says which kind of outcome it was
 * (ccm-guest-attest(8)).
 */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ga-codec.h"
#include "ga-error.h"
#include "rcar.h"

#define PROG "ccm-guest-attest"
#define DEFAULT_KBS "serial:/dev/ttyS1"
#define DEFAULT_RESOURCE "default/ccm/secret"
#define DEFAULT_TIMEOUT 60

static const char help_text[] =
    "Usage: " PROG " [OPTION...]\n"
    "Attest to a KBS (protocol 0.4.0) with an SEV-SNP report from ccm's simulated TEE\n"
    "and print the resource it releases.\n"
    "\n"
    "  --kbs serial:DEVICE|tcp:HOST:PORT\n"
    "                        where the KBS is (kernel command line ccm.kbs=;\n"
    "                        default " DEFAULT_KBS ")\n"
    "  --resource REPO/TYPE/TAG\n"
    "                        the resource to fetch (ccm.resource=; default\n"
    "                        " DEFAULT_RESOURCE "); @HOST_DATA@ in it becomes the\n"
    "                        hex of the report's HOST_DATA (ccm's repository for\n"
    "                        this guest is ccm-@HOST_DATA@)\n"
    "  --timeout SECONDS     wait this long for each KBS reply (60)\n"
    "  --save-evidence FILE  write the tee-evidence sent to FILE\n"
    "  --send-evidence FILE  send FILE's tee-evidence instead of asking the TEE (a\n"
    "                        replay: the KBS must refuse it)\n"
    "  --tee snp|tdx         the simulated TEE to ask (ccm.tee=; default snp): an\n"
    "                        SEV-SNP report, or a TDX quote (@MR_CONFIG_ID@ in the\n"
    "                        resource becomes the quote's MRCONFIGID in hex)\n"
    "  --extend-rtmr3 TEXT   with tdx: extend RTMR3 with SHA-384 of TEXT before the\n"
    "                        quote (ccm.extend-rtmr3=)\n"
    "  --quiet               no progress lines on stderr\n"
    "  (ccm.show-evidence on the kernel command line also prints the evidence sent\n"
    "  as 'ccm-guest-attest: evidence JSON' on stdout)\n"
    "  --help                show this help\n"
    "\n"
    "Prints one line on stdout: '" PROG ": secret TEXT' (TEXT as is if printable\n"
    "ASCII, else 'hex:' and its hex), '" PROG ": refused: STEP STATUS BODY' or\n"
    "'" PROG ": error: WHAT'. Exit status: 0 released, 1 refused by the KBS, 2 no\n"
    "simulated TEE or a TEE error, 3 transport, protocol or local error, 64 usage.\n";

/* The kernel command line into @buf (NUL-terminated), or false. The test can point
 * CCM_GUEST_ATTEST_CMDLINE at a file to read instead of /proc/cmdline. */
static bool read_cmdline(char *buf, size_t size)
{
    const char *path = getenv("CCM_GUEST_ATTEST_CMDLINE");
    int fd = open(path && *path ? path : "/proc/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return true;
}

/* The kernel command line's word @name on its own (@ret_value NULL), or the value of its
 * "@name=value" word (newly allocated into *@ret_value); false when it has neither. */
static bool kernel_find(const char *name, char **ret_value)
{
    char cmdline[4096];
    if (!read_cmdline(cmdline, sizeof(cmdline)))
        return false;
    size_t name_len = strlen(name);
    char *save = NULL;
    for (char *w = strtok_r(cmdline, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
        if (strncmp(w, name, name_len) != 0)
            continue;
        if (!ret_value && w[name_len] == '\0')
            return true;
        if (ret_value && w[name_len] == '=') {
            *ret_value = strdup(w + name_len + 1);
            return *ret_value != NULL;
        }
    }
    return false;
}

/* The value of "NAME=value" on the kernel command line, newly allocated, or NULL. */
static char *kernel_option(const char *name)
{
    char *value = NULL;
    return kernel_find(name, &value) ? value : NULL;
}

/* Whether the kernel command line holds @word on its own. */
static bool kernel_word(const char *word)
{
    return kernel_find(word, NULL);
}

/* @resource with "@HOST_DATA@" as 64 hex digits, to check its shape before the report. */
static char *expand_placeholder(const char *resource)
{
    size_t n = strlen(resource);
    char *out = malloc(n * 8 + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *r = resource; *r;) {
        if (strncmp(r, "@HOST_DATA@", 11) == 0) {
            memset(o, 'a', 64);
            o += 64;
            r += 11;
        } else if (strncmp(r, "@MR_CONFIG_ID@", 14) == 0) {
            memset(o, 'a', 96);
            o += 96;
            r += 14;
        } else {
            *o++ = *r++;
        }
    }
    *o = '\0';
    return out;
}

#define SEGMENT_FIRST "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
#define SEGMENT_REST SEGMENT_FIRST "."

/* REPO/TYPE/TAG: three segments of [A-Za-z0-9_-][A-Za-z0-9_.-]*, as the KBS requires. */
static bool valid_resource(const char *path)
{
    int segments = 0;
    for (const char *p = path;;) {
        if (*p == '\0' || !strchr(SEGMENT_FIRST, *p))
            return false;
        p += 1 + strspn(p + 1, SEGMENT_REST);
        segments++;
        if (*p == '\0')
            return segments == 3;
        if (*p++ != '/')
            return false;
    }
}

static int usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    fputs(PROG ": error: ", stderr);
    vfprintf(stderr, format, ap);
    fputs("\nTry '" PROG " --help'.\n", stderr);
    va_end(ap);
    return GA_EXIT_USAGE;
}

static void print_secret(const GaBuf *secret)
{
    bool printable = secret->len > 0 && strncmp(ga_buf_str(secret), "hex:", 4) != 0;
    for (size_t i = 0; printable && i < secret->len; i++)
        printable = secret->data[i] >= 0x20 && secret->data[i] < 0x7f;
    fputs(PROG ": secret ", stdout);
    if (printable) {
        fwrite(secret->data, 1, secret->len, stdout);
    } else {
        ga_auto_buf GaBuf hex = { 0 };
        ga_hex_encode(&hex, (const uint8_t *) ga_buf_str(secret), secret->len);
        printf("hex:%s", ga_buf_str(&hex));
    }
    fputc('\n', stdout);
}

int main(int argc, char **argv)
{
    enum { OPT_KBS = 256, OPT_RESOURCE, OPT_TIMEOUT, OPT_SAVE, OPT_SEND, OPT_QUIET, OPT_HELP,
           OPT_TEE, OPT_EXTEND };
    static const struct option options[] = {
        { "kbs", required_argument, NULL, OPT_KBS },
        { "resource", required_argument, NULL, OPT_RESOURCE },
        { "timeout", required_argument, NULL, OPT_TIMEOUT },
        { "save-evidence", required_argument, NULL, OPT_SAVE },
        { "send-evidence", required_argument, NULL, OPT_SEND },
        { "quiet", no_argument, NULL, OPT_QUIET },
        { "tee", required_argument, NULL, OPT_TEE },
        { "extend-rtmr3", required_argument, NULL, OPT_EXTEND },
        { "help", no_argument, NULL, OPT_HELP },
        { 0 },
    };
    ga_autofree char *arg_kbs = NULL;
    ga_autofree char *arg_resource = NULL;
    ga_autofree char *arg_tee = NULL;
    ga_autofree char *arg_extend = NULL;
    GaRcarOptions o = { .timeout_s = DEFAULT_TIMEOUT, .verbose = true };

    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        switch (c) {
        case OPT_KBS:
            free(arg_kbs);
            arg_kbs = strdup(optarg);
            break;
        case OPT_RESOURCE:
            free(arg_resource);
            arg_resource = strdup(optarg);
            break;
        case OPT_TIMEOUT: {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end || t < 1 || t > 3600)
                return usage_error("--timeout '%s' is not a number of seconds (1-3600)",
                                   optarg);
            o.timeout_s = (int) t;
            break;
        }
        case OPT_SAVE:
            o.save_evidence = optarg;
            break;
        case OPT_SEND:
            o.send_evidence = optarg;
            break;
        case OPT_QUIET:
            o.verbose = false;
            break;
        case OPT_TEE:
            free(arg_tee);
            arg_tee = strdup(optarg);
            break;
        case OPT_EXTEND:
            free(arg_extend);
            arg_extend = strdup(optarg);
            break;
        case OPT_HELP:
            fputs(help_text, stdout);
            return 0;
        case ':':
            return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);

    if (!arg_kbs)
        arg_kbs = kernel_option("ccm.kbs");
    if (!arg_resource)
        arg_resource = kernel_option("ccm.resource");
    o.kbs = arg_kbs ? arg_kbs : DEFAULT_KBS;
    o.resource = arg_resource ? arg_resource : DEFAULT_RESOURCE;
    o.show_evidence = o.show_evidence || kernel_word("ccm.show-evidence");
    if (!arg_tee)
        arg_tee = kernel_option("ccm.tee");
    if (arg_tee && strcmp(arg_tee, "snp") != 0 && strcmp(arg_tee, "tdx") != 0)
        return usage_error("--tee '%s': expected snp or tdx", arg_tee);
    o.tdx = arg_tee && strcmp(arg_tee, "tdx") == 0;
    if (!arg_extend)
        arg_extend = kernel_option("ccm.extend-rtmr3");
    if (arg_extend && !o.tdx)
        return usage_error("--extend-rtmr3 needs --tee tdx");
    o.extend_rtmr3 = arg_extend;
    ga_autofree char *checked = expand_placeholder(o.resource);
    if (!checked || !valid_resource(checked))
        return usage_error("resource '%s' is not REPO/TYPE/TAG (each [A-Za-z0-9_-] then "
                           "[A-Za-z0-9_.-]*)", o.resource);

    /* A KBS that hangs up must end in an error line, not in SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    GaError error = { 0 };
    ga_auto_buf GaBuf secret = { 0 };
    if (ga_rcar_run(&o, &secret, &error)) {
        print_secret(&secret);
        fflush(stdout);
        return GA_EXIT_RELEASED;
    }
    if (error.kind == GA_EXIT_USAGE)
        return usage_error("%s", error.text);
    printf(PROG ": %s: %s\n", error.kind == GA_EXIT_REFUSED ? "refused" : "error", error.text);
    fflush(stdout);
    return error.kind;
}
