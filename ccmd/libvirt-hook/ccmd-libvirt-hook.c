/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ccmd-libvirt-hook.c - libvirt's QEMU hook for ccm: forwards a domain's launch to ccmd
 *
 * libvirt runs every executable in /etc/libvirt/hooks/qemu.d/ at each step of a domain's
 * life, as root, synchronously: `HOOK DOMAIN OPERATION PHASE EXTRA` with the domain XML
 * on stdin. A non-zero exit at prepare, start or started refuses the start, and libvirt
 * shows what was written to stderr in `virsh start`'s error.
 *
 * This hook holds no logic: a domain that asks for ccm (a <launchSecurity>, or ccm's
 * own <metadata> element) is forwarded to ccmd's io.ccm.Manager.LibvirtHook, which
 * measures, registers and records it (socket activation starts ccmd when needed); every
 * other domain is let through at once without contacting ccmd. It never calls libvirt
 * (libvirt forbids it during a hook). The XML filters (migrate, restore) get their XML
 * unchanged: nothing is printed.
 *
 * Exit status: 0 let libvirt go on, 1 refuse (the message names the domain and the
 * reason), 2 not called as libvirt calls a hook.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <json-c/json.h>

#include "varlink-client.h"

#define DEFAULT_SOCKET "/run/ccmd/io.ccm.Manager"
#define CCM_NAMESPACE "urn:ccm:domain:1"
#define MAX_XML (4u << 20)

/* All of stdin (libvirt writes the whole XML before it waits for the hook); NULL when
 * larger than MAX_XML or unreadable. */
static char *read_stdin(size_t *ret_size, const char **ret_why)
{
    GString *xml = g_string_new(NULL);
    char buf[65536];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *ret_why = g_strerror(errno);
            g_string_free(xml, TRUE);
            return NULL;
        }
        if (n == 0)
            break;
        if (xml->len + (size_t) n > MAX_XML) {
            *ret_why = "the domain XML is larger than 4 MiB";
            g_string_free(xml, TRUE);
            return NULL;
        }
        g_string_append_len(xml, buf, n);
    }
    *ret_size = xml->len;
    return g_string_free(xml, FALSE);
}

/* Whether a failure at @operation can still stop the domain (libvirt aborts a start
 * when prepare, start or started fails; later ones undo nothing). */
static gboolean refuses(const char *operation)
{
    return strcmp(operation, "prepare") == 0 || strcmp(operation, "start") == 0 ||
           strcmp(operation, "started") == 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: ccmd-libvirt-hook DOMAIN OPERATION PHASE EXTRA < DOMAIN-XML\n"
                        "(libvirt runs it from /etc/libvirt/hooks/qemu.d/; see ccmd(8))\n");
        return 2;
    }
    const char *domain = argv[1], *operation = argv[2], *phase = argv[3], *extra = argv[4];
    size_t size = 0;
    const char *why = NULL;
    g_autofree char *xml = read_stdin(&size, &why);

    /* Filters and notifications ccm has nothing to say about. */
    if (strcmp(operation, "migrate") == 0 || strcmp(operation, "restore") == 0 ||
        strcmp(operation, "attach") == 0)
        return 0;
    if (!xml) {
        fprintf(stderr, "ccmd-libvirt-hook: domain '%s' (%s): cannot read the domain XML: %s\n",
                domain, operation, why);
        return refuses(operation) ? 1 : 0;
    }
    /* Domains that ask for nothing of ccm go on without ccmd: a plain text test, before
     * any parsing (the XML is libvirt's own formatting). */
    if (memchr(xml, '\0', size) ||
        (!strstr(xml, "<launchSecurity") && !strstr(xml, CCM_NAMESPACE)))
        return 0;

    const char *socket = g_getenv("CCMD_SOCKET");
    g_autoptr(GError) error = NULL;
    g_autoptr(CcmVarlinkClient) client =
        ccm_varlink_client_connect(socket ? socket : DEFAULT_SOCKET, &error);
    json_object *reply = NULL;
    if (client) {
        json_object *params = json_object_new_object();
        json_object_object_add(params, "domain", json_object_new_string(domain));
        json_object_object_add(params, "operation", json_object_new_string(operation));
        json_object_object_add(params, "phase", json_object_new_string(phase));
        json_object_object_add(params, "extra", json_object_new_string(extra));
        json_object_object_add(params, "xml", json_object_new_string_len(xml, (int) size));
        reply = ccm_varlink_client_call(client, "io.ccm.Manager.LibvirtHook", params, NULL,
                                        &error);
    }
    if (reply) {
        json_object_put(reply);
        return 0;
    }
    if (!client && refuses(operation))
        fprintf(stderr, "ccmd-libvirt-hook: domain '%s' asks for ccm, but ccmd cannot be "
                        "reached: %s; refusing to start it\n",
                domain, error->message);
    else
        fprintf(stderr, "ccmd: %s%s\n", error->message,
                refuses(operation) ? "" : " (libvirt goes on)");
    return refuses(operation) ? 1 : 0;
}
