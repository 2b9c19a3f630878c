/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxml-symbols.h - the libxml2 functions ccm calls, loaded on first use
 *
 * Only libvirt domain XML needs libxml2 (and through it ICU), so ccmctl does not link it:
 * libvirt-xml-read.c and libvirt-xml-write.c call sym_xml*() after ccm_libxml_load().
 */
#pragma once

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

extern __typeof__(xmlNewChild) *sym_xmlNewChild;
extern __typeof__(xmlStrcmp) *sym_xmlStrcmp;
extern __typeof__(xmlGetLineNo) *sym_xmlGetLineNo;
extern __typeof__(xmlFreeDoc) *sym_xmlFreeDoc;
extern __typeof__(xmlFree) *sym_xmlFree;
extern __typeof__(xmlBufferFree) *sym_xmlBufferFree;
extern __typeof__(xmlBufferContent) *sym_xmlBufferContent;
extern __typeof__(xmlSaveToBuffer) *sym_xmlSaveToBuffer;
extern __typeof__(xmlSaveDoc) *sym_xmlSaveDoc;
extern __typeof__(xmlSaveClose) *sym_xmlSaveClose;
extern __typeof__(xmlResetLastError) *sym_xmlResetLastError;
extern __typeof__(xmlReadMemory) *sym_xmlReadMemory;
extern __typeof__(xmlNodeGetContent) *sym_xmlNodeGetContent;
extern __typeof__(xmlNewTextChild) *sym_xmlNewTextChild;
extern __typeof__(xmlNewProp) *sym_xmlNewProp;
extern __typeof__(xmlNewNode) *sym_xmlNewNode;
extern __typeof__(xmlNewDoc) *sym_xmlNewDoc;
extern __typeof__(xmlGetProp) *sym_xmlGetProp;
extern __typeof__(xmlGetLastError) *sym_xmlGetLastError;
extern __typeof__(xmlDocSetRootElement) *sym_xmlDocSetRootElement;
extern __typeof__(xmlDocGetRootElement) *sym_xmlDocGetRootElement;
extern __typeof__(xmlBufferCreate) *sym_xmlBufferCreate;
extern __typeof__(xmlNewNs) *sym_xmlNewNs;
extern __typeof__(xmlSetNs) *sym_xmlSetNs;

/* Loads libxml2 once; FALSE with an error naming the library and its package. */
gboolean ccm_libxml_load(GError **error);

/* What libxml2's xmlFree() does, through the loaded library. */
static inline void ccm_xml_free(void *p)
{
    (*sym_xmlFree)(p); /* xmlFree is a variable: the free function in use */
}

static inline void ccm_xml_doc_free(xmlDoc *doc)
{
    sym_xmlFreeDoc(doc);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, ccm_xml_doc_free)
