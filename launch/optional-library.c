/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* optional-library.c - a shared library loaded on the first call that needs it */
#include <dlfcn.h>

#include "optional-library.h"

G_DEFINE_QUARK(ccm-optional-library-error-quark, ccm_optional_library_error)

enum { LOADED = 1, FAILED = 2 };

/* Returns NULL, or why @lib cannot be used. */
static char *load(CcmOptionalLibrary *lib)
{
    /* RTLD_NODELETE: the symbols stay valid for the process's life; nothing unloads them. */
    void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!handle)
        return g_strdup(dlerror());
    for (const CcmOptionalSymbol *s = lib->symbols; s->name; s++) {
        (void) dlerror();
        void *address = dlsym(handle, s->name);
        if (!address) {
            const char *why = dlerror();
            char *failure = g_strdup_printf("it has no %s: %s", s->name, why ? why : "NULL");
            /* Leave no pointer of a half-loaded library behind. */
            for (const CcmOptionalSymbol *t = lib->symbols; t->name; t++)
                *t->address = NULL;
            dlclose(handle);
            return failure;
        }
        *s->address = address;
    }
    return NULL;
}

gboolean ccm_optional_library_load(CcmOptionalLibrary *lib, GError **error)
{
    if (g_once_init_enter(&lib->loaded)) {
        lib->failure = load(lib);
        g_once_init_leave(&lib->loaded, lib->failure ? FAILED : LOADED);
    }
    if (lib->loaded == LOADED)
        return TRUE;
    g_set_error(error, CCM_OPTIONAL_LIBRARY_ERROR, 0,
                "%s is needed for %s but cannot be loaded (%s); install the Debian package %s",
                lib->soname, lib->purpose, lib->failure, lib->package);
    return FALSE;
}
