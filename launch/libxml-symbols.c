/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libxml-symbols.c - the libxml2 functions ccm calls, loaded on first use */
#include "libxml-symbols.h"
#include "optional-library.h"

CCM_OPTIONAL_SYMBOL(xmlNewChild);
CCM_OPTIONAL_SYMBOL(xmlStrcmp);
CCM_OPTIONAL_SYMBOL(xmlGetLineNo);
CCM_OPTIONAL_SYMBOL(xmlFreeDoc);
CCM_OPTIONAL_SYMBOL(xmlFree);
CCM_OPTIONAL_SYMBOL(xmlBufferFree);
CCM_OPTIONAL_SYMBOL(xmlBufferContent);
CCM_OPTIONAL_SYMBOL(xmlSaveToBuffer);
CCM_OPTIONAL_SYMBOL(xmlSaveDoc);
CCM_OPTIONAL_SYMBOL(xmlSaveClose);
CCM_OPTIONAL_SYMBOL(xmlResetLastError);
CCM_OPTIONAL_SYMBOL(xmlReadMemory);
CCM_OPTIONAL_SYMBOL(xmlNodeGetContent);
CCM_OPTIONAL_SYMBOL(xmlNewTextChild);
CCM_OPTIONAL_SYMBOL(xmlNewProp);
CCM_OPTIONAL_SYMBOL(xmlNewNode);
CCM_OPTIONAL_SYMBOL(xmlNewDoc);
CCM_OPTIONAL_SYMBOL(xmlGetProp);
CCM_OPTIONAL_SYMBOL(xmlGetLastError);
CCM_OPTIONAL_SYMBOL(xmlDocSetRootElement);
CCM_OPTIONAL_SYMBOL(xmlDocGetRootElement);
CCM_OPTIONAL_SYMBOL(xmlBufferCreate);
CCM_OPTIONAL_SYMBOL(xmlNewNs);
CCM_OPTIONAL_SYMBOL(xmlSetNs);

static const CcmOptionalSymbol symbols[] = {
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlNewChild),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlStrcmp),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlGetLineNo),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlFreeDoc),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlFree),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlBufferFree),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlBufferContent),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlSaveToBuffer),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlSaveDoc),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlSaveClose),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlResetLastError),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlReadMemory),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlNodeGetContent),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlNewTextChild),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlNewProp),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlNewNode),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlNewDoc),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlGetProp),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlGetLastError),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlDocSetRootElement),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlDocGetRootElement),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlBufferCreate),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlNewNs),
    CCM_OPTIONAL_SYMBOL_ENTRY(xmlSetNs),
    { NULL },
};

static CcmOptionalLibrary libxml2 = {
    .soname = "libxml2.so.2",
    .package = "libxml2",
    .purpose = "libvirt domain XML",
    .symbols = symbols,
};

gboolean ccm_libxml_load(GError **error)
{
    return ccm_optional_library_load(&libxml2, error);
}
