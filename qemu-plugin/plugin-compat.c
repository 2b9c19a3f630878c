/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plugin-compat.c - the level-4 / level-7 differences of QEMU's plugin API in one place */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <stdarg.h>
#include <string.h>

#include <stdio.h>

#include "plugin-compat.h"

/* QEMU compares this with its own [min, cur] before it calls qemu_plugin_install(). */
CCM_PLUGIN_EXPORT int qemu_plugin_version = CCM_PLUGIN_API;

static CcmPluginTbTranslateFn tb_translate_fn;
static CcmPluginVcpuFn vcpu_init_fn;
static CcmPluginExitFn exit_fn;

/* The level-5 calls, when this QEMU exports them. Found once, before any vCPU runs. */
static struct {
    CcmPluginReadMemoryHwaddrFn read_memory_hwaddr;
    CcmPluginTranslateVaddrFn translate_vaddr;
    CcmPluginWriteMemoryHwaddrFn write_memory_hwaddr;
    CcmPluginWriteRegisterFn write_register;
} level5;

static void *find_qemu_symbol(const char *name)
{
    /* The plugin is opened with local binding; QEMU's own exports are in the global scope. */
    return dlsym(RTLD_DEFAULT, name);
}

static void find_level5(void)
{
    static gsize done;

    if (!g_once_init_enter(&done))
        return;
    /* memcpy, because ISO C has no cast from the object pointer dlsym() returns. */
    void *sym = find_qemu_symbol(CCM_PLUGIN_SYM_READ_MEMORY_HWADDR);
    G_STATIC_ASSERT(sizeof(level5.read_memory_hwaddr) == sizeof(sym));
    memcpy(&level5.read_memory_hwaddr, &sym, sizeof(sym));
    sym = find_qemu_symbol(CCM_PLUGIN_SYM_TRANSLATE_VADDR);
    G_STATIC_ASSERT(sizeof(level5.translate_vaddr) == sizeof(sym));
    memcpy(&level5.translate_vaddr, &sym, sizeof(sym));
    sym = find_qemu_symbol(CCM_PLUGIN_SYM_WRITE_MEMORY_HWADDR);
    G_STATIC_ASSERT(sizeof(level5.write_memory_hwaddr) == sizeof(sym));
    memcpy(&level5.write_memory_hwaddr, &sym, sizeof(sym));
    /* Level 5 returns an int, level 6 and later a bool: the value is never used (the
     * register is read back instead), so one pointer type serves both builds. */
    sym = find_qemu_symbol(CCM_PLUGIN_SYM_WRITE_REGISTER);
    G_STATIC_ASSERT(sizeof(level5.write_register) == sizeof(sym));
    memcpy(&level5.write_register, &sym, sizeof(sym));
    g_once_init_leave(&done, 1);
}

void ccm_plugin_outf(const char *format, ...)
{
    va_list ap;

    va_start(ap, format);
    g_autofree char *text = g_strdup_vprintf(format, ap);
    va_end(ap);
    qemu_plugin_outs(text);
}

bool ccm_plugin_check_info(const qemu_info_t *info)
{
    find_level5();
    if (info->version.min > CCM_PLUGIN_API || info->version.cur < CCM_PLUGIN_API) {
        /* On stderr too: QEMU only says "returned error code -1". */
        fprintf(stderr, "ccm-qemu-plugin: this QEMU offers plugin API %d to %d; this build "
                        "needs %d\n", info->version.min, info->version.cur, CCM_PLUGIN_API);
        return false;
    }
    if (!info->system_emulation) {
        fprintf(stderr, "ccm-qemu-plugin: needs system emulation, this is %s user mode\n",
                info->target_name);
        return false;
    }
    return true;
}

/*
 * Trampolines from QEMU's shapes to ours. At level 4 these callbacks carry the plugin id and
 * (except exit) no userdata, so the hook lives in a static; level 7 would allow userdata, but
 * one scheme for both keeps the two builds behaving the same.
 */
#if CCM_PLUGIN_API >= 7
static void tb_translate_trampoline(struct qemu_plugin_tb *tb, void *userdata)
{
    tb_translate_fn(tb);
}

static void vcpu_init_trampoline(unsigned int vcpu_index, void *userdata)
{
    vcpu_init_fn(vcpu_index);
}

static void exit_trampoline(void *userdata)
{
    exit_fn();
}
#else
static void tb_translate_trampoline(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    tb_translate_fn(tb);
}

static void vcpu_init_trampoline(qemu_plugin_id_t id, unsigned int vcpu_index)
{
    vcpu_init_fn(vcpu_index);
}

static void exit_trampoline(qemu_plugin_id_t id, void *userdata)
{
    exit_fn();
}
#endif

void ccm_plugin_on_tb_translate(qemu_plugin_id_t id, CcmPluginTbTranslateFn fn)
{
    g_return_if_fail(fn != NULL && tb_translate_fn == NULL);
    tb_translate_fn = fn;
#if CCM_PLUGIN_API >= 7
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_translate_trampoline, NULL);
#else
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_translate_trampoline);
#endif
}

void ccm_plugin_on_vcpu_init(qemu_plugin_id_t id, CcmPluginVcpuFn fn)
{
    g_return_if_fail(fn != NULL && vcpu_init_fn == NULL);
    vcpu_init_fn = fn;
#if CCM_PLUGIN_API >= 7
    qemu_plugin_register_vcpu_init_cb(id, vcpu_init_trampoline, NULL);
#else
    qemu_plugin_register_vcpu_init_cb(id, vcpu_init_trampoline);
#endif
}

void ccm_plugin_on_exit(qemu_plugin_id_t id, CcmPluginExitFn fn)
{
    g_return_if_fail(fn != NULL && exit_fn == NULL);
    exit_fn = fn;
    qemu_plugin_register_atexit_cb(id, exit_trampoline, NULL);
}

CcmPluginReg *ccm_plugin_list_registers(size_t *ret_n)
{
    GArray *descriptors = qemu_plugin_get_registers();

    *ret_n = 0;
    if (descriptors == NULL)
        return NULL;
    /* A descriptor of the wrong level would read every entry after the first askew. */
    if (g_array_get_element_size(descriptors) != sizeof(qemu_plugin_reg_descriptor)) {
        ccm_plugin_outf("ccm plugin: QEMU's register descriptors are %u bytes, level %d has %zu\n",
                        g_array_get_element_size(descriptors), CCM_PLUGIN_API,
                        sizeof(qemu_plugin_reg_descriptor));
        g_array_free(descriptors, TRUE);
        return NULL;
    }

    CcmPluginReg *regs = g_new(CcmPluginReg, descriptors->len);
    for (guint i = 0; i < descriptors->len; i++) {
        const qemu_plugin_reg_descriptor *d =
            &g_array_index(descriptors, qemu_plugin_reg_descriptor, i);
        regs[i] = (CcmPluginReg) { .handle = d->handle, .name = d->name };
    }
    *ret_n = descriptors->len;
    g_array_free(descriptors, TRUE);
    return regs;
}

struct qemu_plugin_register *ccm_plugin_find_register(const char *name)
{
    size_t n;
    g_autofree CcmPluginReg *regs = ccm_plugin_list_registers(&n);

    for (size_t i = 0; i < n; i++) {
        if (g_strcmp0(regs[i].name, name) == 0)
            return regs[i].handle;
    }
    return NULL;
}

bool ccm_plugin_read_reg(struct qemu_plugin_register *reg, GByteArray *buf)
{
    /* QEMU appends to @buf rather than replacing its contents. */
    g_byte_array_set_size(buf, 0);
#if CCM_PLUGIN_API >= 7
    return qemu_plugin_read_register(reg, buf) && buf->len > 0;
#else
    /* Level 4 returns the byte count, or -1. */
    return qemu_plugin_read_register(reg, buf) > 0;
#endif
}

/* Exec callbacks run on every vCPU thread at once: one scratch buffer per host thread. */
static GByteArray *thread_buffer(void)
{
    static __thread GByteArray *buffer;

    if (buffer == NULL)
        buffer = g_byte_array_new();
    return buffer;
}

bool ccm_plugin_read_reg_u64(struct qemu_plugin_register *reg, uint64_t *ret_value)
{
    GByteArray *buf = thread_buffer();
    uint64_t le = 0;

    if (!ccm_plugin_read_reg(reg, buf) || buf->len > sizeof(le))
        return false;
    memcpy(&le, buf->data, buf->len);
    *ret_value = GUINT64_FROM_LE(le);
    return true;
}

bool ccm_plugin_have_physical(void)
{
    find_level5();
    return level5.read_memory_hwaddr != NULL && level5.translate_vaddr != NULL;
}

bool ccm_plugin_read_guest(uint64_t addr, bool physical, void *buf, size_t len)
{
    GByteArray *bytes = thread_buffer();
    bool ok;

    if (len == 0)
        return true; /* QEMU refuses empty reads */
    find_level5();
    if (physical && level5.read_memory_hwaddr != NULL)
        ok = level5.read_memory_hwaddr(addr, bytes, len) == QEMU_PLUGIN_HWADDR_OPERATION_OK;
    else
        ok = qemu_plugin_read_memory_vaddr(addr, bytes, len);
    if (!ok || bytes->len < len)
        return false;
    memcpy(buf, bytes->data, len);
    return true;
}

bool ccm_plugin_translate(uint64_t vaddr, uint64_t *ret_paddr)
{
    find_level5();
    if (level5.translate_vaddr == NULL) {
        *ret_paddr = vaddr;
        return true;
    }
    uint64_t paddr;
    if (!level5.translate_vaddr(vaddr, &paddr))
        return false;
    *ret_paddr = paddr;
    return true;
}

bool ccm_plugin_can_write(void)
{
    find_level5();
    return level5.write_memory_hwaddr != NULL && level5.write_register != NULL &&
           level5.translate_vaddr != NULL && level5.read_memory_hwaddr != NULL;
}

bool ccm_plugin_write_guest(uint64_t paddr, const void *buf, size_t len)
{
    find_level5();
    if (level5.write_memory_hwaddr == NULL || len == 0)
        return false;
    GByteArray *bytes = thread_buffer();
    g_byte_array_set_size(bytes, 0);
    g_byte_array_append(bytes, buf, (guint) len);
    return level5.write_memory_hwaddr(paddr, bytes) == QEMU_PLUGIN_HWADDR_OPERATION_OK;
}

bool ccm_plugin_write_reg_u64(struct qemu_plugin_register *reg, uint64_t value)
{
    find_level5();
    if (level5.write_register == NULL || reg == NULL)
        return false;
    uint64_t le = GUINT64_TO_LE(value);
    GByteArray *bytes = thread_buffer();
    g_byte_array_set_size(bytes, 0);
    g_byte_array_append(bytes, (const guint8 *) &le, sizeof(le));
    (void) level5.write_register(reg, bytes);
    uint64_t back = 0;
    return ccm_plugin_read_reg_u64(reg, &back) && back == value;
}
