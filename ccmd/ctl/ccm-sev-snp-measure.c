/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccm-sev-snp-measure.c - virtee's sev-snp-measure command line, computed by libccm-measure
 *
 * A pipeline that runs sev-snp-measure switches to this program by changing its name.
 * The options, their defaults and the order in which combinations are checked follow
 * sev-snp-measure 0.0.13, and stdout is the same byte for byte: the digest in lower-case
 * hex (or base64) and one newline, with -v a "Calculated MODE guest measurement: "
 * prefix; snp:ovmf-hash prints the firmware's SNP digest in hex.
 *
 * Exit codes: 0 success; 1 a measurement that cannot be computed ("Error: " and one line
 * on stderr, as sev-snp-measure reports its own); 2 a command line that does not parse
 * (one line on stderr). On failure nothing is written to stdout.
 *
 * Where it differs: values sev-snp-measure would accept but compute nonsense
 * from (zero vCPUs, a firmware seed that is not 48 bytes, a CPU signature wider than 32
 * bits) are refused; and the --ccm-* options are ccm's own, for the VMSAs that real hosts
 * and older sev-snp-measure releases produce.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ccm/measure-autoptr.h"
#include "ccm/measure.h"
#include "sev-svsm.h"

#define PROGRAM "ccm-sev-snp-measure"
/* The sev-snp-measure release whose interface and output this program reproduces. */
#define COMPAT_VERSION "0.0.13"

#define EXIT_USAGE 2
#define MAX_VCPUS 4096u
#define VMSA_PAGE_SIZE 4096

typedef enum Mode {
    MODE_SEV,
    MODE_SEV_ES,
    MODE_SNP,
    MODE_SNP_OVMF_HASH,
    MODE_SNP_SVSM,
    _MODE_MAX,
    _MODE_INVALID = -EINVAL,
} Mode;

static const struct {
    const char *name;    /* the --mode value */
    const char *label;   /* how -v names the mode */
    CcmPlatform platform;
} modes[_MODE_MAX] = {
    [MODE_SEV] = { "sev", "SEV", CCM_PLATFORM_SEV },
    [MODE_SEV_ES] = { "seves", "SEV_ES", CCM_PLATFORM_SEV_ES },
    [MODE_SNP] = { "snp", "SEV_SNP", CCM_PLATFORM_SEV_SNP },
    [MODE_SNP_OVMF_HASH] = { "snp:ovmf-hash", NULL, CCM_PLATFORM_SEV_SNP },
    [MODE_SNP_SVSM] = { "snp:svsm", "SEV_SNP_SVSM", CCM_PLATFORM_SEV_SNP },
};

/* --vmm-type values, spelled (and cased) as sev-snp-measure spells them. */
static const struct {
    const char *name;
    CcmVmm vmm;
} vmm_types[] = {
    { "QEMU", CCM_VMM_QEMU },
    { "ec2", CCM_VMM_EC2 },
    { "gce", CCM_VMM_GCE },
};

static Mode arg_mode = _MODE_INVALID;
static const char *arg_ovmf;
static const char *arg_kernel;
static const char *arg_initrd;
static const char *arg_append;
static bool arg_vcpus_set;
static uint64_t arg_vcpus;
static bool arg_vcpu_type_set;
static uint32_t arg_vcpu_type_signature;
static bool arg_vcpu_sig_set;
static uint64_t arg_vcpu_sig;
static bool arg_vcpu_family_set;
static uint64_t arg_vcpu_family;
static bool arg_vcpu_model_set;
static uint64_t arg_vcpu_model;
static bool arg_vcpu_stepping_set;
static uint64_t arg_vcpu_stepping;
static const char *arg_vmm_type = "QEMU";
static uint64_t arg_guest_features = 0x1;
static bool arg_base64;
static const char *arg_snp_ovmf_hash;
static bool arg_dump_vmsa;
static bool arg_verbose;
static const char *arg_svsm;
static bool arg_vars_size_set;
static uint64_t arg_vars_size;
static const char *arg_vars_file;
static bool arg_sev_es_vmsa_set;
static CcmSevEsVmsa arg_sev_es_vmsa = CCM_SEV_ES_VMSA_INIT2;
static bool arg_svsm_vmsa_set;
static CcmSvsmVmsa arg_svsm_vmsa = CCM_SVSM_VMSA_REFERENCE;
static bool arg_ec2_vmsa_set;
static bool arg_ec2_vmsa_legacy;

static int usage_error(const char *format, ...) G_GNUC_PRINTF(1, 2);
static int usage_error(const char *format, ...)
{
    va_list ap;

    fputs(PROGRAM ": error: ", stderr);
    va_start(ap, format);
    vfprintf(stderr, format, ap);
    va_end(ap);
    fputs(" (see " PROGRAM " --help)\n", stderr);
    return EXIT_USAGE;
}

/* A measurement that cannot be computed: one line, in sev-snp-measure's "Error: " form. */
static int fail(const char *format, ...) G_GNUC_PRINTF(1, 2);
static int fail(const char *format, ...)
{
    va_list ap;

    fputs("Error: ", stderr);
    va_start(ap, format);
    vfprintf(stderr, format, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_FAILURE;
}

static void help(void)
{
    printf("Usage: " PROGRAM " --mode MODE --ovmf PATH [OPTION...]\n"
           "\n"
           "Calculate the launch measurement of an AMD SEV, SEV-ES or SEV-SNP guest.\n"
           "Accepts the command line of sev-snp-measure " COMPAT_VERSION
           " and prints the same output;\n"
           "the digest is computed by libccm-measure.\n"
           "\n"
           "Options:\n"
           "  -h, --help                 show this help and exit\n"
           "  --version                  show the version and exit\n"
           "  -v, --verbose              print \"Calculated MODE guest measurement: DIGEST\"\n"
           "  --mode MODE                sev, seves, snp, snp:ovmf-hash or snp:svsm (required)\n"
           "  --vcpus N                  number of guest vCPUs (required but for sev)\n"
           "  --vcpu-type CPUTYPE        the guest's QEMU -cpu model: EPYC, EPYC-Rome, EPYC-Milan,\n"
           "                             EPYC-Genoa, EPYC-Turin, their -vN versions, EPYC-IBPB\n"
           "  --vcpu-sig VALUE           the guest vCPU's CPUID(1).EAX signature\n"
           "  --vcpu-family FAMILY       guest vCPU family (with --vcpu-model, --vcpu-stepping)\n"
           "  --vcpu-model MODEL         guest vCPU model\n"
           "  --vcpu-stepping STEPPING   guest vCPU stepping\n"
           "  --vmm-type VMMTYPE         QEMU (default), ec2 or gce\n"
           "  --ovmf PATH                the OVMF image (required)\n"
           "  --kernel PATH              kernel measured for direct boot (kernel-hashes=on)\n"
           "  --initrd PATH              initrd measured with --kernel\n"
           "  --append CMDLINE           kernel command line measured with --kernel\n"
           "  --guest-features VALUE     SEV_FEATURES of SEV-SNP VMSAs (default 0x1)\n"
           "  --output-format FORMAT     hex (default) or base64\n"
           "  --snp-ovmf-hash HASH       precomputed SNP digest of the OVMF image (hex), snp only\n"
           "  --dump-vmsa                write each measured VMSA to vmsaN.bin (seves, snp,\n"
           "                             snp:svsm)\n"
           "\n"
           "snp:svsm mode (pre-IGVM COCONUT-SVSM under QEMU):\n"
           "  --svsm PATH                SVSM binary\n"
           "  --vars-size SIZE           size of the OVMF_VARS file in bytes\n"
           "  --vars-file PATH           OVMF_VARS file (instead of --vars-size)\n"
           "\n"
           "ccm extensions:\n"
           "  --ccm-sev-es-vmsa VMSA     seves: init2 (default, KVM_SEV_INIT2, as "
           "sev-snp-measure\n"
           "                             >= 0.0.10) or legacy (KVM_SEV_ES_INIT: QEMU's "
           "default\n"
           "                             legacy-vm-type=auto, sev-snp-measure <= 0.0.9)\n"
           "  --ccm-ec2-vmsa VMSA        ec2: current (default, RDX 0x600) or legacy (RDX 0, as\n"
           "                             sev-snp-measure <= 0.0.12 and virtee/sev compute)\n"
           "  --ccm-svsm-vmsa VMSA       snp:svsm: reference (default, MXCSR 0x1f80 and x87 FCW 0,\n"
           "                             as sev-snp-measure 0.0.13 computes) or nofpu (MXCSR 0,\n"
           "                             as its first, hardware-measured test values)\n"
           "\n"
           "Exit status: 0 success, 1 the measurement failed, 2 usage error.\n"
           "See " PROGRAM "(1).\n");
}

/*
 * parse_integer() - an integer as Python's int() reads it
 * @auto_base: true for int(text, 0) (0x, 0o, 0b prefixes; no leading zeros on decimals),
 *             false for int(text) (decimal)
 *
 * Surrounding whitespace and single underscores between digits are allowed, as in
 * Python; a minus sign is not (no option here takes a negative value).
 */
static bool parse_integer(const char *text, bool auto_base, uint64_t max, uint64_t *ret)
{
    const char *p = text;
    unsigned base = 10;

    while (g_ascii_isspace(*p))
        p++;
    if (*p == '+')
        p++;
    if (auto_base && p[0] == '0' && p[1] != '\0' && strchr("xXoObB", p[1])) {
        base = g_ascii_tolower(p[1]) == 'x' ? 16 : g_ascii_tolower(p[1]) == 'o' ? 8 : 2;
        p += 2;
        if (*p == '_')
            p++;
    }

    const char *digits = p;
    uint64_t value = 0;
    bool nonzero = false;
    for (; *p && !g_ascii_isspace(*p); p++) {
        if (*p == '_' && p != digits && p[-1] != '_' && g_ascii_isxdigit(p[1]))
            continue;
        int d = g_ascii_xdigit_value(*p);
        if (d < 0 || (unsigned) d >= base)
            return false;
        if (value > (max - (unsigned) d) / base)
            return false;
        value = value * base + (unsigned) d;
        nonzero |= d != 0;
    }
    if (p == digits)
        return false;
    while (g_ascii_isspace(*p))
        p++;
    if (*p != '\0')
        return false;
    /* int("010", 0) is an error in Python: a leading zero needs a prefix. */
    if (auto_base && base == 10 && digits[0] == '0' && nonzero)
        return false;
    *ret = value;
    return true;
}

static int parse_number_option(const char *option, const char *value, bool auto_base,
                               uint64_t max, uint64_t *ret, bool *ret_set)
{
    if (!parse_integer(value, auto_base, max, ret))
        return usage_error("argument %s: invalid value '%s': expected %s from 0 to %" PRIu64,
                           option, value, auto_base ? "an integer (0x, 0o, 0b prefixes allowed)"
                                                    : "a decimal integer",
                           max);
    if (ret_set)
        *ret_set = true;
    return 0;
}

static int parse_mode(const char *value)
{
    for (int i = 0; i < _MODE_MAX; i++)
        if (strcmp(value, modes[i].name) == 0) {
            arg_mode = (Mode) i;
            return 0;
        }
    return usage_error("argument --mode: invalid choice '%s' (choose from sev, seves, snp, "
                       "snp:ovmf-hash, snp:svsm)",
                       value);
}

static int parse_vcpu_type(const char *value)
{
    uint32_t signature;

    if (ccm_vcpu_signature_from_model(value, &signature) < 0)
        return usage_error("argument --vcpu-type: unknown CPU type '%s' (EPYC, EPYC-Rome, "
                           "EPYC-Milan, EPYC-Genoa, EPYC-Turin, their -vN versions, or "
                           "EPYC-IBPB)",
                           value);
    arg_vcpu_type_set = true;
    arg_vcpu_type_signature = signature;
    return 0;
}

/* Why getopt_long() refused @arg: not an option, a prefix of several, or a value given to
 * an option that takes none. */
static int bad_long_option(const struct option *options, const char *arg)
{
    g_autoptr(GString) matches = g_string_new(NULL);
    const char *name = arg + strspn(arg, "-");
    size_t n = strcspn(name, "=");
    unsigned n_matches = 0;

    for (const struct option *o = options; o->name; o++)
        if (strncmp(o->name, name, n) == 0) {
            g_string_append_printf(matches, "%s--%s", n_matches ? ", " : "", o->name);
            n_matches++;
        }
    if (n_matches > 1)
        return usage_error("ambiguous option '%.*s' could match %s", (int) (n + 2), arg,
                           matches->str);
    if (n_matches == 1 && name[n] == '=')
        return usage_error("argument %s: takes no value, got '%s'", matches->str, arg);
    return usage_error("unrecognized argument '%s'", arg);
}

enum {
    OPT_VERSION = 0x100,
    OPT_MODE,
    OPT_VCPUS,
    OPT_VCPU_TYPE,
    OPT_VCPU_SIG,
    OPT_VCPU_FAMILY,
    OPT_VCPU_MODEL,
    OPT_VCPU_STEPPING,
    OPT_VMM_TYPE,
    OPT_OVMF,
    OPT_KERNEL,
    OPT_INITRD,
    OPT_APPEND,
    OPT_GUEST_FEATURES,
    OPT_OUTPUT_FORMAT,
    OPT_SNP_OVMF_HASH,
    OPT_DUMP_VMSA,
    OPT_SVSM,
    OPT_VARS_SIZE,
    OPT_VARS_FILE,
    OPT_CCM_SEV_ES_VMSA,
    OPT_CCM_EC2_VMSA,
    OPT_CCM_SVSM_VMSA,
};

/* Like argparse, getopt_long() accepts --option=value, --option value and any unambiguous
 * prefix of a long option. Return: -1 to go on, or the exit code (--help, --version,
 * errors). */
static int parse_argv(int argc, char **argv)
{
    static const struct option options[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        { "verbose", no_argument, NULL, 'v' },
        { "mode", required_argument, NULL, OPT_MODE },
        { "vcpus", required_argument, NULL, OPT_VCPUS },
        { "vcpu-type", required_argument, NULL, OPT_VCPU_TYPE },
        { "vcpu-sig", required_argument, NULL, OPT_VCPU_SIG },
        { "vcpu-family", required_argument, NULL, OPT_VCPU_FAMILY },
        { "vcpu-model", required_argument, NULL, OPT_VCPU_MODEL },
        { "vcpu-stepping", required_argument, NULL, OPT_VCPU_STEPPING },
        { "vmm-type", required_argument, NULL, OPT_VMM_TYPE },
        { "ovmf", required_argument, NULL, OPT_OVMF },
        { "kernel", required_argument, NULL, OPT_KERNEL },
        { "initrd", required_argument, NULL, OPT_INITRD },
        { "append", required_argument, NULL, OPT_APPEND },
        { "guest-features", required_argument, NULL, OPT_GUEST_FEATURES },
        { "output-format", required_argument, NULL, OPT_OUTPUT_FORMAT },
        { "snp-ovmf-hash", required_argument, NULL, OPT_SNP_OVMF_HASH },
        { "dump-vmsa", no_argument, NULL, OPT_DUMP_VMSA },
        { "svsm", required_argument, NULL, OPT_SVSM },
        { "vars-size", required_argument, NULL, OPT_VARS_SIZE },
        { "vars-file", required_argument, NULL, OPT_VARS_FILE },
        { "ccm-sev-es-vmsa", required_argument, NULL, OPT_CCM_SEV_ES_VMSA },
        { "ccm-ec2-vmsa", required_argument, NULL, OPT_CCM_EC2_VMSA },
        { "ccm-svsm-vmsa", required_argument, NULL, OPT_CCM_SVSM_VMSA },
        { NULL, 0, NULL, 0 },
    };
    int c, r = 0;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hv", options, NULL)) >= 0) {
        switch (c) {
        case 'h':
            help();
            return EXIT_SUCCESS;
        case OPT_VERSION:
            printf(PROGRAM " " COMPAT_VERSION " (ccm %s)\n", CCM_VERSION);
            return EXIT_SUCCESS;
        case 'v':
            arg_verbose = true;
            break;
        case OPT_MODE:
            r = parse_mode(optarg);
            break;
        case OPT_VCPUS:
            r = parse_number_option("--vcpus", optarg, false, UINT32_MAX, &arg_vcpus,
                                    &arg_vcpus_set);
            break;
        case OPT_VCPU_TYPE:
            r = parse_vcpu_type(optarg);
            break;
        case OPT_VCPU_SIG:
            r = parse_number_option("--vcpu-sig", optarg, true, UINT32_MAX, &arg_vcpu_sig,
                                    &arg_vcpu_sig_set);
            break;
        case OPT_VCPU_FAMILY:
            /* Families above 0xf add an 8-bit extended family: 0xf + 0xff at most. */
            r = parse_number_option("--vcpu-family", optarg, false, 0xf + 0xff, &arg_vcpu_family,
                                    &arg_vcpu_family_set);
            break;
        case OPT_VCPU_MODEL:
            r = parse_number_option("--vcpu-model", optarg, false, 0xff, &arg_vcpu_model,
                                    &arg_vcpu_model_set);
            break;
        case OPT_VCPU_STEPPING:
            r = parse_number_option("--vcpu-stepping", optarg, false, 0xf, &arg_vcpu_stepping,
                                    &arg_vcpu_stepping_set);
            break;
        case OPT_VMM_TYPE:
            arg_vmm_type = optarg;
            break;
        case OPT_OVMF:
            arg_ovmf = optarg;
            break;
        case OPT_KERNEL:
            arg_kernel = optarg;
            break;
        case OPT_INITRD:
            arg_initrd = optarg;
            break;
        case OPT_APPEND:
            arg_append = optarg;
            break;
        case OPT_GUEST_FEATURES:
            r = parse_number_option("--guest-features", optarg, true, UINT64_MAX,
                                    &arg_guest_features, NULL);
            break;
        case OPT_OUTPUT_FORMAT:
            if (strcmp(optarg, "hex") != 0 && strcmp(optarg, "base64") != 0)
                return usage_error("argument --output-format: invalid choice '%s' (choose "
                                   "from hex, base64)",
                                   optarg);
            arg_base64 = strcmp(optarg, "base64") == 0;
            break;
        case OPT_SNP_OVMF_HASH:
            arg_snp_ovmf_hash = optarg;
            break;
        case OPT_DUMP_VMSA:
            arg_dump_vmsa = true;
            break;
        case OPT_SVSM:
            arg_svsm = optarg;
            break;
        case OPT_VARS_SIZE:
            r = parse_number_option("--vars-size", optarg, false, UINT32_MAX, &arg_vars_size,
                                    &arg_vars_size_set);
            break;
        case OPT_VARS_FILE:
            arg_vars_file = optarg;
            break;
        case OPT_CCM_SEV_ES_VMSA: {
            int v = ccm_sev_es_vmsa_from_string(optarg);
            if (v < 0)
                return usage_error("argument --ccm-sev-es-vmsa: invalid choice '%s' (choose "
                                   "from init2, legacy)",
                                   optarg);
            arg_sev_es_vmsa = (CcmSevEsVmsa) v;
            arg_sev_es_vmsa_set = true;
            break;
        }
        case OPT_CCM_EC2_VMSA:
            if (strcmp(optarg, "current") != 0 && strcmp(optarg, "legacy") != 0)
                return usage_error("argument --ccm-ec2-vmsa: invalid choice '%s' (choose "
                                   "from current, legacy)",
                                   optarg);
            arg_ec2_vmsa_legacy = strcmp(optarg, "legacy") == 0;
            arg_ec2_vmsa_set = true;
            break;
        case OPT_CCM_SVSM_VMSA:
            if (strcmp(optarg, "reference") != 0 && strcmp(optarg, "nofpu") != 0)
                return usage_error("argument --ccm-svsm-vmsa: invalid choice '%s' (choose "
                                   "from reference, nofpu)",
                                   optarg);
            arg_svsm_vmsa = strcmp(optarg, "nofpu") == 0 ? CCM_SVSM_VMSA_NOFPU
                                                         : CCM_SVSM_VMSA_REFERENCE;
            arg_svsm_vmsa_set = true;
            break;
        case ':':
            return usage_error("argument %s: expected one argument", argv[optind - 1]);
        case '?':
            /* glibc sets optopt for long options too: tell them apart by the text. */
            if (g_str_has_prefix(argv[optind - 1], "--"))
                return bad_long_option(options, argv[optind - 1]);
            return usage_error("unrecognized argument '-%c'", optopt);
        default:
            g_assert_not_reached();
        }
        if (r != 0)
            return r;
    }
    if (optind < argc)
        return usage_error("unrecognized argument '%s'", argv[optind]);
    if (arg_vars_size_set && arg_vars_file)
        return usage_error("argument --vars-file: not allowed with argument --vars-size");
    if (arg_mode == _MODE_INVALID && !arg_ovmf)
        return usage_error("the following arguments are required: --mode, --ovmf");
    if (arg_mode == _MODE_INVALID)
        return usage_error("the following arguments are required: --mode");
    if (!arg_ovmf)
        return usage_error("the following arguments are required: --ovmf");
    return -1;
}

static char *hex_string(const uint8_t *digest, size_t size)
{
    char *text = g_malloc(2 * size + 1);

    for (size_t i = 0; i < size; i++)
        snprintf(text + 2 * i, 3, "%02x", digest[i]);
    return text;
}

/* Prints @line and a newline; a write error (a closed pipe, a full disk) is a failure. */
static int print_line(const char *prefix, const char *line)
{
    printf("%s%s\n", prefix, line);
    if (fflush(stdout) != 0)
        return fail("cannot write to standard output: %s", g_strerror(errno));
    return EXIT_SUCCESS;
}

/* snp:ovmf-hash: the SNP digest of the firmware pages alone, always in hex. */
static int print_ovmf_hash(void)
{
    g_autoptr(CcmFirmware) firmware = NULL;
    uint8_t digest[CCM_SHA384_SIZE];
    CcmError error = { 0 };

    if (ccm_firmware_open(arg_ovmf, &firmware, &error) < 0 ||
        ccm_firmware_snp_digest(firmware, digest, &error) < 0)
        return fail("%s", error.message);
    g_autofree char *hex = hex_string(digest, sizeof(digest));
    return print_line("", hex);
}

/* The signature in the VMSA's RDX, chosen as sev-snp-measure chooses it. Return: -1 to go
 * on, or the exit code. */
static int resolve_vcpu_signature(CcmVmm vmm, bool *ret_set, uint32_t *ret_signature)
{
    *ret_set = true;
    if (arg_mode == MODE_SEV) {
        *ret_signature = 0;
    } else if (arg_vcpu_family_set) {
        if (!arg_vcpu_model_set || !arg_vcpu_stepping_set)
            return usage_error("--vcpu-family needs --vcpu-model and --vcpu-stepping too");
        /* CPUID Fn0000_0001_EAX: extended family, extended model, family, model,
         * stepping, from the high bits down. */
        unsigned family = (unsigned) arg_vcpu_family;
        unsigned model = (unsigned) arg_vcpu_model;
        unsigned ext_family = family > 0xf ? family - 0xf : 0;
        unsigned base_family = family > 0xf ? 0xf : family;
        *ret_signature = ext_family << 20 | (model >> 4) << 16 | base_family << 8 |
                         (model & 0xf) << 4 | (unsigned) arg_vcpu_stepping;
    } else if (arg_vcpu_sig_set) {
        *ret_signature = (uint32_t) arg_vcpu_sig;
    } else if (arg_vcpu_type_set) {
        *ret_signature = arg_vcpu_type_signature;
    } else if (vmm == CCM_VMM_QEMU) {
        return usage_error("missing --vcpu-type or --vcpu-sig or --vcpu-family in guest "
                           "mode '%s'",
                           modes[arg_mode].name);
    } else {
        *ret_set = false;  /* EC2 and GCE put a fixed value in RDX */
    }
    return -1;
}

/*
 * check_kernel_support() - sev-snp-measure's own message for a kernel the firmware cannot
 * measure, so scripts that look for it keep working
 *
 * libccm-measure refuses these inputs too; this only words the refusal the same way.
 * Firmware without any SEV metadata is left to the library, whose message says more.
 */
static int check_kernel_support(const CcmFirmware *firmware)
{
    if (!arg_kernel)
        return -1;
    if (arg_mode == MODE_SNP) {
        size_t n = ccm_firmware_n_sev_sections(firmware);
        if (n == 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            CcmSevSection section;
            if (ccm_firmware_sev_section(firmware, i, &section) == 0 &&
                section.type == CCM_SEV_SECTION_SNP_KERNEL_HASHES)
                return -1;
        }
        return fail("Kernel specified but OVMF metadata doesn't include SNP_KERNEL_HASHES "
                    "section");
    }
    uint32_t base, size;
    if (ccm_firmware_kernel_hashes_area(firmware, &base, &size) < 0)
        return fail("Kernel specified but OVMF doesn't support kernel/initrd/cmdline "
                    "measurement");
    return -1;
}

/* --snp-ovmf-hash: exactly one SHA-384 digest in hex. Return: -1 to go on, or the exit
 * code. */
static int parse_ovmf_hash(uint8_t *ret_digest)
{
    size_t n = strlen(arg_snp_ovmf_hash);

    if (n != 2 * CCM_SHA384_SIZE)
        return fail("--snp-ovmf-hash: expected %d hex digits (a SHA-384 digest), got %zu "
                    "characters",
                    2 * CCM_SHA384_SIZE, n);
    for (size_t i = 0; i < CCM_SHA384_SIZE; i++) {
        int hi = g_ascii_xdigit_value(arg_snp_ovmf_hash[2 * i]);
        int lo = g_ascii_xdigit_value(arg_snp_ovmf_hash[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return fail("--snp-ovmf-hash: '%s' is not a hex string", arg_snp_ovmf_hash);
        ret_digest[i] = (uint8_t) (hi << 4 | lo);
    }
    return -1;
}

/* --dump-vmsa: vmsa0.bin (the boot vCPU), vmsa1.bin ... in the current directory. */
static int dump_vmsas(const CcmFirmware *firmware, CcmVmm vmm, uint32_t signature,
                      unsigned vcpus)
{
    CcmPlatform platform = modes[arg_mode].platform;
    uint64_t features = arg_mode == MODE_SNP ? arg_guest_features : 0;
    uint32_t reset_address = 0;
    uint8_t pages[2][VMSA_PAGE_SIZE];

    (void) ccm_firmware_sev_es_reset_address(firmware, &reset_address);
    for (int ap = 0; ap < 2; ap++) {
        int r = ccm_sev_vmsa_page(platform, vmm, arg_sev_es_vmsa, ap, reset_address, signature,
                                  features, pages[ap]);
        if (r < 0)
            return fail("cannot build the VMSA page: %s", g_strerror(-r));
    }
    for (unsigned i = 0; i < vcpus; i++) {
        g_autofree char *name = g_strdup_printf("vmsa%u.bin", i);
        g_autoptr(GError) error = NULL;
        if (!g_file_set_contents(name, (const char *) pages[i > 0], sizeof(pages[0]), &error))
            return fail("%s", error->message);
    }
    return -1;
}

static int print_measurement(const uint8_t *digest, size_t size)
{
    g_autofree char *text = arg_base64 ? g_base64_encode(digest, size) : hex_string(digest, size);
    g_autofree char *prefix = arg_verbose ? g_strdup_printf("Calculated %s guest measurement: ",
                                                            modes[arg_mode].label)
                                          : g_strdup("");
    return print_line(prefix, text);
}

/* --dump-vmsa for snp:svsm: every vCPU has the same VMSA. */
static int dump_svsm_vmsas(const CcmSvsmParams *params)
{
    uint8_t page[VMSA_PAGE_SIZE];
    CcmError error = { 0 };

    if (ccm_sev_svsm_vmsa_page(params, page, &error) < 0)
        return fail("%s", error.message);
    for (unsigned i = 0; i < params->vcpus; i++) {
        g_autofree char *name = g_strdup_printf("vmsa%u.bin", i);
        g_autoptr(GError) gerror = NULL;
        if (!g_file_set_contents(name, (const char *) page, sizeof(page), &gerror))
            return fail("%s", gerror->message);
    }
    return -1;
}

/*
 * snp:svsm: a pre-IGVM COCONUT-SVSM guest under QEMU, computed as sev-snp-measure 0.0.13
 * computes it: OVMF at the top of 4 GiB, OVMF_VARS (--vars-size or the size of
 * --vars-file) right below it, the SVSM binary right below that. --guest-features does
 * not apply (the SVSM VMSA has SEV_FEATURES 0x1). Inputs sev-snp-measure would crash on
 * or silently ignore are refused.
 */
static int run_svsm(CcmVmm vmm, uint32_t signature)
{
    CcmError error = { 0 };
    uint64_t vars_size = arg_vars_size;

    if (vmm != CCM_VMM_QEMU)
        return fail("SVSM mode is only implemented for Qemu.");
    if (!arg_svsm || !*arg_svsm)
        return fail("--mode snp:svsm requires --svsm PATH (the SVSM binary)");
    if (arg_kernel)
        return fail("--kernel is not measured in --mode snp:svsm");
    if (arg_vars_file) {
        GStatBuf st;
        if (g_stat(arg_vars_file, &st) < 0)
            return fail("%s: %s", arg_vars_file, g_strerror(errno));
        vars_size = (uint64_t) st.st_size;
    }

    g_autoptr(CcmFirmware) ovmf = NULL;
    g_autoptr(CcmFirmware) svsm = NULL;
    if (ccm_firmware_open(arg_ovmf, &ovmf, &error) < 0 ||
        ccm_firmware_open(arg_svsm, &svsm, &error) < 0)
        return fail("%s", error.message);

    CcmSvsmParams params = {
        .ovmf = ovmf,
        .svsm = svsm,
        .vars_size = vars_size,
        .vcpus = (unsigned) arg_vcpus,
        .vcpu_signature = signature,
        .vmsa = arg_svsm_vmsa,
    };
    uint8_t digest[CCM_SHA384_SIZE];
    int r;
    if (ccm_sev_svsm_measure(&params, digest, &error) < 0)
        return fail("%s", error.message);
    if (arg_dump_vmsa && (r = dump_svsm_vmsas(&params)) >= 0)
        return r;
    return print_measurement(digest, sizeof(digest));
}

/* Everything after the command line parsed, in sev-snp-measure's order of checks. */
static int run(void)
{
    if (arg_mode == MODE_SNP_OVMF_HASH)
        return print_ovmf_hash();

    /* An empty --kernel, --initrd or --append counts as not given, as in sev-snp-measure
     * (an empty command line is measured the same as none). */
    if (arg_kernel && !*arg_kernel)
        arg_kernel = NULL;
    if (arg_initrd && !*arg_initrd)
        arg_initrd = NULL;
    if (arg_append && !*arg_append)
        arg_append = NULL;
    if (arg_initrd && !arg_kernel)
        return usage_error("--kernel required when using --initrd");
    if (arg_append && !arg_kernel)
        return usage_error("--kernel required when using --append");
    if (arg_mode != MODE_SEV && !arg_vcpus_set)
        return usage_error("missing --vcpus N in guest mode '%s'", modes[arg_mode].name);

    CcmVmm vmm = CCM_VMM_QEMU;
    bool vmm_known = false;
    for (size_t i = 0; i < G_N_ELEMENTS(vmm_types); i++)
        if (strcmp(arg_vmm_type, vmm_types[i].name) == 0) {
            vmm = vmm_types[i].vmm;
            vmm_known = true;
        }
    if (!vmm_known)
        return usage_error("unknown VMM type '%s' for --vmm-type (choose from QEMU, ec2, gce)",
                           arg_vmm_type);

    bool signature_set;
    uint32_t signature = 0;
    int r = resolve_vcpu_signature(vmm, &signature_set, &signature);
    if (r >= 0)
        return r;

    if (arg_mode == MODE_SNP_SVSM && !arg_vars_file && !(arg_vars_size_set && arg_vars_size > 0))
        return usage_error("snp:svsm mode requires --vars-size or --vars-file");
    if (arg_dump_vmsa && arg_mode == MODE_SEV)
        return usage_error("--dump-vmsa is not available in guest mode 'sev' (no VMSAs)");
    if (arg_sev_es_vmsa_set && arg_mode != MODE_SEV_ES)
        return usage_error("--ccm-sev-es-vmsa applies to guest mode 'seves' only");
    if (arg_svsm_vmsa_set && arg_mode != MODE_SNP_SVSM)
        return usage_error("--ccm-svsm-vmsa applies to guest mode 'snp:svsm' only");
    if (arg_ec2_vmsa_set && (arg_mode != MODE_SNP || vmm != CCM_VMM_EC2))
        return usage_error("--ccm-ec2-vmsa applies to guest mode 'snp' with --vmm-type ec2 only");
    if (arg_mode != MODE_SEV && (arg_vcpus == 0 || arg_vcpus > MAX_VCPUS))
        return usage_error("argument --vcpus: %" PRIu64 " vCPUs: expected 1 to %u", arg_vcpus,
                           MAX_VCPUS);

    uint8_t seed[CCM_SHA384_SIZE];
    if (arg_snp_ovmf_hash && *arg_snp_ovmf_hash) {
        if (arg_mode != MODE_SNP)
            return fail("--snp-ovmf-hash works only with --mode snp");
        if ((r = parse_ovmf_hash(seed)) >= 0)
            return r;
    }
    if (arg_mode == MODE_SNP_SVSM)
        return run_svsm(vmm, signature);
    if (vmm == CCM_VMM_EC2 && arg_ec2_vmsa_legacy)
        vmm = CCM_VMM_EC2_RDX0;
    /* SEV ignores the VMM type and SEV-ES is modelled for QEMU only. */
    if (arg_mode == MODE_SEV)
        vmm = CCM_VMM_QEMU;
    else if (arg_mode == MODE_SEV_ES && vmm != CCM_VMM_QEMU)
        return fail("--vmm-type %s with --mode seves is not supported: libccm-measure models "
                    "the EC2 and GCE launch for SEV-SNP only",
                    arg_vmm_type);

    CcmError error = { 0 };
    g_autoptr(CcmFirmware) firmware = NULL;
    if (ccm_firmware_open(arg_ovmf, &firmware, &error) < 0)
        return fail("%s", error.message);
    if ((r = check_kernel_support(firmware)) >= 0)
        return r;

    g_autoptr(CcmSevGuest) guest = NULL;
    CcmPlatform platform = modes[arg_mode].platform;
    if ((r = ccm_sev_guest_new(platform, &guest)) < 0)
        return fail("cannot set up the guest: %s", g_strerror(-r));
    (void) ccm_sev_guest_set_firmware(guest, firmware);
    if (arg_mode != MODE_SEV) {
        (void) ccm_sev_guest_set_vmm(guest, vmm);
        (void) ccm_sev_guest_set_vcpus(guest, (unsigned) arg_vcpus);
        if (signature_set && vmm == CCM_VMM_QEMU)
            (void) ccm_sev_guest_set_vcpu_signature(guest, signature);
    }
    if (arg_mode == MODE_SEV_ES)
        (void) ccm_sev_guest_set_sev_es_vmsa(guest, arg_sev_es_vmsa);
    if (arg_mode == MODE_SNP) {
        (void) ccm_sev_guest_set_guest_features(guest, arg_guest_features);
        if (arg_snp_ovmf_hash && *arg_snp_ovmf_hash)
            (void) ccm_sev_guest_set_firmware_digest(guest, seed, sizeof(seed));
    }
    if (arg_kernel) {
        r = ccm_sev_guest_set_kernel(guest, arg_kernel);
        if (r == 0 && arg_initrd)
            r = ccm_sev_guest_set_initrd(guest, arg_initrd);
        if (r == 0)
            r = ccm_sev_guest_set_cmdline(guest, arg_append);
        if (r < 0)
            return fail("cannot set up the guest: %s", g_strerror(-r));
    }

    uint8_t digest[CCM_DIGEST_MAX_SIZE];
    size_t digest_size;
    if (ccm_sev_guest_measure(guest, digest, &digest_size, &error) < 0)
        return fail("%s", error.message);
    if (arg_dump_vmsa && (r = dump_vmsas(firmware, vmm, signature, (unsigned) arg_vcpus)) >= 0)
        return r;
    return print_measurement(digest, digest_size);
}

int main(int argc, char **argv)
{
    int r = parse_argv(argc, argv);
    if (r >= 0)
        return r;
    return run();
}
