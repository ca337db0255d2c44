/*
 * curl_lib.c — libcurl's functions looked up when first needed (curl_lib.h).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "curl_lib.h"

/*
 * Each entry's type is the prototype <curl/curl.h> declares for the
 * function it is filled from (__typeof__ of a function designator is not
 * a use of it: nothing here links against libcurl).
 */
#define SAME_TYPE(field, fn)							\
	_Static_assert(__builtin_types_compatible_p(__typeof__(&fn),		\
	    __typeof__(((struct curl_lib *)NULL)->field)),			\
	    "curl_lib." #field " is not the type of " #fn);			\
	_Static_assert(sizeof(((struct curl_lib *)NULL)->field) == sizeof(void *),	\
	    "a function pointer is not the size of dlsym's answer")

SAME_TYPE(global_init, curl_global_init);
SAME_TYPE(global_cleanup, curl_global_cleanup);
SAME_TYPE(easy_strerror, curl_easy_strerror);
SAME_TYPE(easy_init, curl_easy_init);
SAME_TYPE(easy_setopt, curl_easy_setopt);
SAME_TYPE(easy_getinfo, curl_easy_getinfo);
SAME_TYPE(easy_cleanup, curl_easy_cleanup);
SAME_TYPE(multi_init, curl_multi_init);
SAME_TYPE(multi_setopt, curl_multi_setopt);
SAME_TYPE(multi_add_handle, curl_multi_add_handle);
SAME_TYPE(multi_remove_handle, curl_multi_remove_handle);
SAME_TYPE(multi_perform, curl_multi_perform);
SAME_TYPE(multi_info_read, curl_multi_info_read);
SAME_TYPE(multi_poll, curl_multi_poll);
SAME_TYPE(multi_cleanup, curl_multi_cleanup);
SAME_TYPE(share_init, curl_share_init);
SAME_TYPE(share_setopt, curl_share_setopt);
SAME_TYPE(share_cleanup, curl_share_cleanup);

#define ENTRY(field, fn)	{ #fn, offsetof(struct curl_lib, field) }

static const struct {
	const char	*name;
	size_t		 off;
} entries[] = {
	ENTRY(global_init, curl_global_init),
	ENTRY(global_cleanup, curl_global_cleanup),
	ENTRY(easy_strerror, curl_easy_strerror),
	ENTRY(easy_init, curl_easy_init),
	ENTRY(easy_setopt, curl_easy_setopt),
	ENTRY(easy_getinfo, curl_easy_getinfo),
	ENTRY(easy_cleanup, curl_easy_cleanup),
	ENTRY(multi_init, curl_multi_init),
	ENTRY(multi_setopt, curl_multi_setopt),
	ENTRY(multi_add_handle, curl_multi_add_handle),
	ENTRY(multi_remove_handle, curl_multi_remove_handle),
	ENTRY(multi_perform, curl_multi_perform),
	ENTRY(multi_info_read, curl_multi_info_read),
	ENTRY(multi_poll, curl_multi_poll),
	ENTRY(multi_cleanup, curl_multi_cleanup),
	ENTRY(share_init, curl_share_init),
	ENTRY(share_setopt, curl_share_setopt),
	ENTRY(share_cleanup, curl_share_cleanup),
};

int
curl_lib_open(struct curl_lib *lib, char *err, size_t errlen)
{
	return curl_lib_open_name(lib, CURL_LIB_SONAME, err, errlen);
}

int
curl_lib_open_name(struct curl_lib *lib, const char *soname, char *err, size_t errlen)
{
	const char *why;
	void *h, *sym;
	size_t i;

	memset(lib, 0, sizeof(*lib));
	/* a second client finds it loaded: the count goes up, nothing is mapped */
	if ((h = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		why = dlerror();
		snprintf(err, errlen, "cannot load libcurl (%.100s): %.300s; install the "
		    "package libcurl4 (scripts/install-deps does)", soname,
		    why != NULL ? why : "unknown dlopen error");
		return -1;
	}
	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		if ((sym = dlsym(h, entries[i].name)) == NULL) {
			snprintf(err, errlen, "%.100s has no %s: not the libcurl onlygen "
			    "was built with, or an older one", soname, entries[i].name);
			memset(lib, 0, sizeof(*lib));
			return -1;
		}
		/* POSIX's object-to-function pointer conversion, as img_load.c's */
		memcpy((char *)lib + entries[i].off, &sym, sizeof(sym));
	}
	return 0;
}
