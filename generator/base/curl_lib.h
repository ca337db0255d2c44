/*
 * curl_lib.h — libcurl, opened when a command first makes an HTTP request.
 *
 * bin/onlygen does not link libcurl: libcurl and the ~30 libraries it
 * needs (TLS, Kerberos, LDAP, SSH, IDN, compression...) cost every start
 * ~11 ms to map and relocate on the bench machine, and a build starts
 * twice (malloc_thp.c executes it again), for a "nothing changed" rebuild
 * of 0.06 s.  Most runs make no request: a build whose images are
 * mirrored, an offline build, `pull --from`, `status`.  So the
 * library is opened by its SONAME (CURL_LIB_SONAME) the first time an HTTP
 * client is made (http_client_new), and every call goes through the table
 * below, as bin/onlygen-img.so's do for libvips (img_load.c).
 *
 * Each pointer's type is checked against <curl/curl.h>'s own prototype at
 * compile time (curl_lib.c), so a table entry cannot drift from the
 * function it names.  What the table loses is curl's per-option check of
 * a setopt's argument (curl/typecheck-gcc.h applies to direct calls
 * only): http.c passes longs as long, sizes as curl_off_t, by hand.  The library is never closed: libcurl's TLS backend
 * may keep process-wide state.
 */
#ifndef ONLY_CURL_LIB_H
#define ONLY_CURL_LIB_H

#include <stddef.h>
#include <curl/curl.h>

/* libcurl's ABI has been .so.4 since 7.16 (2006). */
#define CURL_LIB_SONAME	"libcurl.so.4"

struct curl_lib {
	CURLcode	 (*global_init)(long);
	void		 (*global_cleanup)(void);
	const char	*(*easy_strerror)(CURLcode);
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void		 (*easy_cleanup)(CURL *);
	CURLM		*(*multi_init)(void);
	CURLMcode	 (*multi_setopt)(CURLM *, CURLMoption, ...);
	CURLMcode	 (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode	 (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode	 (*multi_perform)(CURLM *, int *);
	CURLMsg		*(*multi_info_read)(CURLM *, int *);
	CURLMcode	 (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
	CURLMcode	 (*multi_cleanup)(CURLM *);
	CURLSH		*(*share_init)(void);
	CURLSHcode	 (*share_setopt)(CURLSH *, CURLSHoption, ...);
	CURLSHcode	 (*share_cleanup)(CURLSH *);
};

/*
 * Fills lib from libcurl, opening it if this process has not yet.  0, or
 * -1 with err saying what is missing and which package provides it.
 */
int	curl_lib_open(struct curl_lib *lib, char *err, size_t errlen);

/* The same from the library named soname (the tests name others). */
int	curl_lib_open_name(struct curl_lib *lib, const char *soname, char *err,
	    size_t errlen);

#endif
