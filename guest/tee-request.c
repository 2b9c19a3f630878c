/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tee-request.c - ask the simulated TEE (ccm-qemu-plugin tee=snp) for an SEV-SNP report
 *
 * The guest interface (docs/simulated-tee.md): the 7-byte NOP "nopl 0x544d4343(%rax)"
 * with the command in RAX and the guest virtual address of a 4 KiB page in RDI. The
 * plugin reads REPORT_DATA at 0x000 and the VMPL at 0x040, writes the report at 0x100
 * and its size at 0x5a0, and puts a status in RAX. If RAX still holds the command,
 * nobody answered: plain QEMU, KVM, bare metal or a plugin without tee=.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <openssl/crypto.h>

#include "tee-request.h"

#define CMD_SNP_REPORT 0x434d0001u
#define PAGE 4096
#define OFF_REPORT_DATA 0x000
#define OFF_VMPL 0x040
#define OFF_REPORT 0x100
#define OFF_REPORT_SIZE 0x5a0
#define REPORT_OFF_VERSION 0x000
#define REPORT_OFF_REPORT_DATA 0x050

/* The instruction: RAX in and out, RDI the buffer; the plugin writes the buffer. */
static uint64_t tee_request(uint64_t command, void *buffer)
{
#if defined(__x86_64__)
    uint64_t rax = command;
    __asm__ volatile(".byte 0x0f, 0x1f, 0x80, 0x43, 0x43, 0x4d, 0x54"
                     : "+a"(rax)
                     : "D"(buffer)
                     : "memory");
    return rax;
#else
    (void) buffer;
    return command;
#endif
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 |
           (uint32_t) p[3] << 24;
}

static const char *status_text(uint64_t status)
{
    switch (status) {
    case 1: return "bad request (unknown command, or the buffer is not mapped)";
    case 2: return "the plugin simulates no SEV-SNP TEE (not tee=snp)";
    case 3: return "the TEE cannot measure yet (no firmware observed)";
    default: return "unknown status";
    }
}

bool ga_tee_snp_report(const uint8_t report_data[GA_SNP_REPORT_DATA_SIZE],
                       uint8_t ret_report[GA_SNP_REPORT_SIZE], GaError *error)
{
    /* A page of its own, populated and locked: the plugin reads it by guest virtual
     * address while the vCPU is stopped on the instruction, so it must be mapped. */
    uint8_t *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (page == MAP_FAILED)
        return ga_error_set(error, GA_EXIT_TEE, "cannot map the TEE request page: %s",
                            strerror(errno));
    if (mlock(page, PAGE) < 0) {
        int e = errno;
        munmap(page, PAGE);
        return ga_error_set(error, GA_EXIT_TEE, "cannot lock the TEE request page: %s",
                            strerror(e));
    }
    memset(page, 0, PAGE);
    memcpy(page + OFF_REPORT_DATA, report_data, GA_SNP_REPORT_DATA_SIZE);
    memset(page + OFF_VMPL, 0, 4);

    uint64_t status = tee_request(CMD_SNP_REPORT, page);
    bool ok = false;
    if (status == CMD_SNP_REPORT) {
        ga_error_set(error, GA_EXIT_TEE, "no simulated TEE: the TEE request instruction "
                     "was not answered (RAX unchanged); run the guest under QEMU TCG with "
                     "ccm-qemu-plugin tee=snp");
    } else if (status != 0) {
        ga_error_set(error, GA_EXIT_TEE, "the simulated TEE refused the SNP report "
                     "request: status %llu, %s", (unsigned long long) status,
                     status_text(status));
    } else if (le32(page + OFF_REPORT_SIZE) != GA_SNP_REPORT_SIZE) {
        ga_error_set(error, GA_EXIT_TEE, "the simulated TEE returned a report of %u bytes, "
                     "not %u", le32(page + OFF_REPORT_SIZE), GA_SNP_REPORT_SIZE);
    } else if (le32(page + OFF_REPORT + REPORT_OFF_VERSION) < 2 ||
               le32(page + OFF_REPORT + REPORT_OFF_VERSION) > 5) {
        ga_error_set(error, GA_EXIT_TEE, "the simulated TEE returned a report of version "
                     "%u, not 2 to 5", le32(page + OFF_REPORT + REPORT_OFF_VERSION));
    } else if (memcmp(page + OFF_REPORT + REPORT_OFF_REPORT_DATA, report_data,
                      GA_SNP_REPORT_DATA_SIZE) != 0) {
        ga_error_set(error, GA_EXIT_TEE, "the simulated TEE returned a report whose "
                     "REPORT_DATA is not the one requested");
    } else {
        memcpy(ret_report, page + OFF_REPORT, GA_SNP_REPORT_SIZE);
        ok = true;
    }
    OPENSSL_cleanse(page, PAGE);
    munlock(page, PAGE);
    munmap(page, PAGE);
    return ok;
}

#define CMD_TDX_REPORT 0x434d0002u
#define CMD_TDX_EXTEND 0x434d0003u
#define TDX_QUOTE_OFF_REPORT_DATA (48 + 520)

/* A locked page for one request, or NULL (error set). */
static uint8_t *request_page(GaError *error)
{
    uint8_t *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (page == MAP_FAILED) {
        ga_error_set(error, GA_EXIT_TEE, "cannot map the TEE request page: %s", strerror(errno));
        return NULL;
    }
    if (mlock(page, PAGE) < 0) {
        int e = errno;
        munmap(page, PAGE);
        ga_error_set(error, GA_EXIT_TEE, "cannot lock the TEE request page: %s", strerror(e));
        return NULL;
    }
    memset(page, 0, PAGE);
    return page;
}

static void release_page(uint8_t *page)
{
    OPENSSL_cleanse(page, PAGE);
    munlock(page, PAGE);
    munmap(page, PAGE);
}

static bool tdx_status(uint64_t command, uint64_t status, GaError *error)
{
    if (status == command)
        return ga_error_set(error, GA_EXIT_TEE, "no simulated TEE: the TEE request instruction "
                            "was not answered (RAX unchanged); run the guest under QEMU TCG "
                            "with ccm-qemu-plugin tee=tdx,qe-key=PEM");
    if (status == 2)
        return ga_error_set(error, GA_EXIT_TEE, "the plugin simulates no TDX module (not "
                            "tee=tdx)");
    if (status != 0)
        return ga_error_set(error, GA_EXIT_TEE, "the simulated TDX module refused the "
                            "request: status %llu", (unsigned long long) status);
    return true;
}

bool ga_tee_tdx_quote(const uint8_t report_data[GA_SNP_REPORT_DATA_SIZE],
                      uint8_t ret_quote[GA_TDX_QUOTE_SIZE], GaError *error)
{
    uint8_t *page = request_page(error);
    if (!page)
        return false;
    memcpy(page + OFF_REPORT_DATA, report_data, GA_SNP_REPORT_DATA_SIZE);
    bool ok = tdx_status(CMD_TDX_REPORT, tee_request(CMD_TDX_REPORT, page), error);
    if (ok && le32(page + OFF_REPORT_SIZE) != GA_TDX_QUOTE_SIZE)
        ok = ga_error_set(error, GA_EXIT_TEE, "the simulated TDX module returned a quote of "
                          "%u bytes, not %u", le32(page + OFF_REPORT_SIZE), GA_TDX_QUOTE_SIZE);
    if (ok && memcmp(page + OFF_REPORT + TDX_QUOTE_OFF_REPORT_DATA, report_data,
                     GA_SNP_REPORT_DATA_SIZE) != 0)
        ok = ga_error_set(error, GA_EXIT_TEE, "the simulated TDX module returned a quote "
                          "whose REPORTDATA is not the one requested");
    if (ok)
        memcpy(ret_quote, page + OFF_REPORT, GA_TDX_QUOTE_SIZE);
    release_page(page);
    return ok;
}

bool ga_tee_tdx_extend(unsigned rtmr, const uint8_t digest[48], GaError *error)
{
    uint8_t *page = request_page(error);
    if (!page)
        return false;
    memcpy(page, digest, 48);
    page[OFF_VMPL] = (uint8_t) rtmr;
    bool ok = tdx_status(CMD_TDX_EXTEND, tee_request(CMD_TDX_EXTEND, page), error);
    release_page(page);
    return ok;
}
