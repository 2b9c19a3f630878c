/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugin-api.h - our own declarations of the QEMU TCG plugin entry points we use
 *
 * No Debian package ships QEMU's plugin header, so the plugin declares the part of the API it
 * calls itself. The API is a GPL-2.0-or-later interface and so is this plugin. Nothing here is
 * copied from QEMU's header: the declarations are restated from the API's documented facts and
 * checked against the exported symbols and the machine code of Debian's QEMU 10.0.13 (API 4)
 * and 11.1.3 (API 7).
 *
 * CCM_PLUGIN_API picks the level the build is for; QEMU refuses a plugin whose level is
 * outside its own [min, cur] range, so one .so serves one family:
 *
 *   4  QEMU 10.0 (Debian trixie: min 2, cur 4; level 4 arrived in 9.2, and 10.1 to 11.0
 *      should still accept it, not measured). Callbacks that are not tied to a translated
 *      block or instruction get the plugin id as their first argument.
 *   7  QEMU 11.1 (Debian sid: min 7, cur 7). The translate, vCPU and exit callbacks lose
 *      the id, and the registrations that lacked userdata take it (read from 11.1.3's
 *      machine code). The version check cannot catch a mismatch of prototypes: a level-7
 *      plugin with level-4 callbacks segfaults 11.1.3 at the first translation (exit 139).
 *
 * Only the ABI differs between the two; the names stay. plugin-compat.h hides the difference.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#if !defined(CCM_PLUGIN_API) || (CCM_PLUGIN_API != 4 && CCM_PLUGIN_API != 7)
#error "define CCM_PLUGIN_API as 4 (QEMU 10.0) or 7 (QEMU 11.1)"
#endif

/* What the plugin exports: QEMU looks both up by name after dlopen. */
#define CCM_PLUGIN_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;

/* Passed to qemu_plugin_install(); valid only during that call. Same layout at 4 and 7. */
typedef struct qemu_info_t {
    const char *target_name;       /* "x86_64", "aarch64", ... */
    struct {
        int min;                   /* oldest API level this QEMU still loads */
        int cur;                   /* newest one it offers */
    } version;
    bool system_emulation;         /* false for linux-user */
    union {
        struct {
            int smp_vcpus;         /* vCPUs at start */
            int max_vcpus;         /* the hot-plug limit */
        } system;
    };
} qemu_info_t;

/* Handles that are only ever passed back to QEMU. */
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_plugin_hwaddr;
struct qemu_plugin_register;

/* Identifies one memory access inside a memory callback. */
typedef uint32_t qemu_plugin_meminfo_t;

/* Whether an exec callback may look at (or change) the vCPU's registers. */
enum qemu_plugin_cb_flags {
    QEMU_PLUGIN_CB_NO_REGS,
    QEMU_PLUGIN_CB_R_REGS,         /* needed for qemu_plugin_read_register() in the callback */
    QEMU_PLUGIN_CB_RW_REGS,
#if CCM_PLUGIN_API >= 7
    QEMU_PLUGIN_CB_RW_REGS_PC,     /* level 6+: the callback may also move the PC */
#endif
};

/* Which accesses a memory callback sees. There is no 0. */
enum qemu_plugin_mem_rw {
    QEMU_PLUGIN_MEM_R = 1,
    QEMU_PLUGIN_MEM_W,
    QEMU_PLUGIN_MEM_RW,
};

/* What qemu_plugin_read_memory_hwaddr() (level 5+) returns; only 0 is success. */
enum qemu_plugin_hwaddr_operation_result {
    QEMU_PLUGIN_HWADDR_OPERATION_OK,
    QEMU_PLUGIN_HWADDR_OPERATION_ERROR,
    QEMU_PLUGIN_HWADDR_OPERATION_DEVICE_ERROR,
    QEMU_PLUGIN_HWADDR_OPERATION_ACCESS_DENIED,
    QEMU_PLUGIN_HWADDR_OPERATION_INVALID_ADDRESS,
    QEMU_PLUGIN_HWADDR_OPERATION_INVALID_ADDRESS_SPACE,
};

/*
 * One element of the GArray from qemu_plugin_get_registers(). Level 6 appended a flag, which
 * moves every element after the first: 24 bytes at level 4, 32 at level 7 (QEMU 10.0 and 11.1
 * allocate the array with exactly these element sizes).
 */
typedef struct {
    struct qemu_plugin_register *handle;
    const char *name;              /* gdbstub name: "rax", "rip", "eflags", ... */
    const char *feature;           /* gdbstub feature it belongs to, may be NULL */
#if CCM_PLUGIN_API >= 7
    bool is_readonly;              /* level 6+: qemu_plugin_write_register() refuses it */
#endif
} qemu_plugin_reg_descriptor;

#if CCM_PLUGIN_API >= 7
G_STATIC_ASSERT(sizeof(qemu_plugin_reg_descriptor) == 32);
#else
G_STATIC_ASSERT(sizeof(qemu_plugin_reg_descriptor) == 24);
#endif

/*
 * Callback shapes. The ones run from translated code (block, instruction and memory
 * callbacks) take the vCPU index and the registration's userdata at both levels. The
 * others changed at level 7.
 */
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_mem_cb_t)(unsigned int vcpu_index, qemu_plugin_meminfo_t info,
                                          uint64_t vaddr, void *userdata);
#if CCM_PLUGIN_API >= 7
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(struct qemu_plugin_tb *tb, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(void *userdata);
#else
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_simple_cb_t)(qemu_plugin_id_t id, unsigned int vcpu_index);
#endif

/* The two symbols a plugin defines. install() returns 0 to stay loaded. */
extern CCM_PLUGIN_EXPORT int qemu_plugin_version;
CCM_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                          int argc, char **argv);

/* Registrations that belong to the plugin as a whole. */
#if CCM_PLUGIN_API >= 7
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb,
                                           void *userdata);
void qemu_plugin_register_vcpu_init_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_udata_cb_t cb,
                                       void *userdata);
#else
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_init_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_simple_cb_t cb);
#endif
/* Same arguments at both levels; the callback's own shape differs (see above). */
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

/* Registrations made while a block is being translated; unchanged at level 7. */
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
                                          qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn,
                                      qemu_plugin_vcpu_mem_cb_t cb,
                                      enum qemu_plugin_cb_flags flags,
                                      enum qemu_plugin_mem_rw rw, void *userdata);

/* Per-vCPU counters in plugin memory (level 2+), and callbacks run only when one of them
 * compares with an immediate as asked (level 3+). Same shapes at 4 and 7. */
struct qemu_plugin_scoreboard;
typedef struct {
    struct qemu_plugin_scoreboard *score;
    size_t offset;                 /* of the uint64_t inside each vCPU's element */
} qemu_plugin_u64;

enum qemu_plugin_cond {
    QEMU_PLUGIN_COND_NEVER,
    QEMU_PLUGIN_COND_ALWAYS,
    QEMU_PLUGIN_COND_EQ,
    QEMU_PLUGIN_COND_NE,
    QEMU_PLUGIN_COND_LT,
    QEMU_PLUGIN_COND_LE,
    QEMU_PLUGIN_COND_GT,
    QEMU_PLUGIN_COND_GE,
};

struct qemu_plugin_scoreboard *qemu_plugin_scoreboard_new(size_t element_size);
void qemu_plugin_u64_set(qemu_plugin_u64 entry, unsigned int vcpu_index, uint64_t value);
void qemu_plugin_register_vcpu_tb_exec_cond_cb(struct qemu_plugin_tb *tb,
                                               qemu_plugin_vcpu_udata_cb_t cb,
                                               enum qemu_plugin_cb_flags flags,
                                               enum qemu_plugin_cond cond,
                                               qemu_plugin_u64 entry, uint64_t imm,
                                               void *userdata);

/* Looking at a block during translation. The handles die when the callback returns. */
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);

/* Copies up to @len bytes of the instruction into @dest and returns how many (level 3+). */
size_t qemu_plugin_insn_data(const struct qemu_plugin_insn *insn, void *dest, size_t len);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
/*
 * Where QEMU holds the instruction's bytes. QEMU documents a guest-physical address, but 10.0
 * and 11.1 both return a host pointer (0x7f...ffff0 for the reset vector): not for measuring.
 */
void *qemu_plugin_insn_haddr(const struct qemu_plugin_insn *insn);

/*
 * Inside a memory callback: what backs the access (NULL in linux-user). QEMU 10.0.13 on q35
 * (with or without SMM) aborts in an assertion of iotlb_to_section() when this is called for
 * every access while OVMF boots; the pc machine and 11.1.3 were fine. Port I/O never reaches
 * memory callbacks, so a fw_cfg watcher does not need it.
 */
struct qemu_plugin_hwaddr *qemu_plugin_get_hwaddr(qemu_plugin_meminfo_t info, uint64_t vaddr);
bool qemu_plugin_hwaddr_is_io(const struct qemu_plugin_hwaddr *haddr);
uint64_t qemu_plugin_hwaddr_phys_addr(const struct qemu_plugin_hwaddr *haddr);

/*
 * Registers of the current vCPU (level 2+). get_registers() is called in vCPU context (a
 * vCPU-init callback) and returns a GArray of qemu_plugin_reg_descriptor the caller frees.
 * read_register() appends the value, in target byte order, to @buf. Level 4 returns the
 * number of bytes read or -1; level 6 and later return success as a bool.
 */
GArray *qemu_plugin_get_registers(void);
#if CCM_PLUGIN_API >= 7
bool qemu_plugin_read_register(struct qemu_plugin_register *handle, GByteArray *buf);
#else
int qemu_plugin_read_register(struct qemu_plugin_register *handle, GByteArray *buf);
#endif

/* Reads through the vCPU's current page tables, in vCPU context only; @buf is resized. */
bool qemu_plugin_read_memory_vaddr(uint64_t addr, GByteArray *buf, size_t len);

/* Goes to QEMU's log: stderr, or the -D file when -d plugin is given. */
void qemu_plugin_outs(const char *string);
/* vCPUs started so far. */
int qemu_plugin_num_vcpus(void);

/*
 * Level 5 (QEMU 10.1+) additions. QEMU 10.0 does not export them, and a plugin that names them
 * fails to load there with an undefined symbol, so they are only ever found with dlsym().
 */
#define CCM_PLUGIN_SYM_READ_MEMORY_HWADDR "qemu_plugin_read_memory_hwaddr"
#define CCM_PLUGIN_SYM_TRANSLATE_VADDR "qemu_plugin_translate_vaddr"

/* Reads guest-physical memory in the current vCPU's address space; @buf is resized. */
typedef enum qemu_plugin_hwaddr_operation_result
(*CcmPluginReadMemoryHwaddrFn)(uint64_t addr, GByteArray *buf, size_t len);
/* Virtual to guest-physical through the current vCPU's page tables, in vCPU context. */
typedef bool (*CcmPluginTranslateVaddrFn)(uint64_t vaddr, uint64_t *hwaddr);

/*
 * Level 5 writes (the simulated TEE answers a guest with them). Writing guest-physical memory
 * goes through the current vCPU's address space, like a device's DMA. Writing a register is
 * allowed only inside a callback registered with QEMU_PLUGIN_CB_RW_REGS; level 5 returns an
 * int, level 6 and later a bool (the change that made read_register a bool), so the value is
 * ignored and the callers check the register by reading it back.
 */
#define CCM_PLUGIN_SYM_WRITE_MEMORY_HWADDR "qemu_plugin_write_memory_hwaddr"
#define CCM_PLUGIN_SYM_WRITE_REGISTER "qemu_plugin_write_register"
typedef enum qemu_plugin_hwaddr_operation_result
(*CcmPluginWriteMemoryHwaddrFn)(uint64_t addr, GByteArray *data);
typedef bool (*CcmPluginWriteRegisterFn)(struct qemu_plugin_register *handle, GByteArray *buf);
