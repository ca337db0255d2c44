/*
 * img_load.c — img_vips.h's API in bin/onlygen: opens bin/onlygen-img.so
 * (the libvips half, img_vips.c; the interface in img_plugin.h) the first
 * time img_start() is called, and forwards each call to its table.  A run
 * that encodes nothing never opens it, and so never maps libvips.
 *
 * The plugin is opened by absolute path: IMG_PLUGIN_FILE in the directory
 * of the running binary (/proc/self/exe), never through LD_LIBRARY_PATH, the
 * cwd or a symbolic link.  It must be a regular file owned by root or by the
 * binary's owner, which neither group nor others may write: else anyone who
 * can write it would run code in every build.  It is checked through an
 * open descriptor and loaded through that same descriptor
 * (/proc/self/fd/N), so the file checked is the file loaded (the name a
 * debugger sees in the link map; /proc/PID/maps shows the real path).  The
 * library is never unloaded: libvips cannot be (its types stay registered,
 * its threads may linger).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "img_plugin.h"
#include "img_vips.h"

/* PLUGIN's path into out, beside the running binary; -1 with err. */
static int
plugin_path(char *out, size_t cap, char *err, size_t errlen)
{
	ssize_t n;
	char *slash;

	if (cap < 2 || (n = readlink("/proc/self/exe", out, cap - 1)) == -1 ||
	    (size_t)n >= cap - 1) {
		snprintf(err, errlen, "images: cannot load " IMG_PLUGIN_FILE
		    ": cannot find the running binary (/proc/self/exe)");
		return -1;
	}
	out[n] = '\0';
	if ((slash = strrchr(out, '/')) == NULL ||
	    (size_t)(slash + 1 - out) + sizeof(IMG_PLUGIN_FILE) > cap) {
		snprintf(err, errlen, "images: cannot load " IMG_PLUGIN_FILE
		    ": the binary's path is too long");
		return -1;
	}
	memcpy(slash + 1, IMG_PLUGIN_FILE, sizeof(IMG_PLUGIN_FILE));
	return 0;
}

/*
 * Why the open file fd may not be loaded, or NULL when it may: a regular
 * file owned by root or by owner, not writable by group or others.
 */
static const char *
plugin_refusal(int fd, uid_t owner, char *why, size_t whylen)
{
	struct stat sb;

	if (fstat(fd, &sb) == -1)
		snprintf(why, whylen, "%s", strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		snprintf(why, whylen, "not a regular file");
	else if (sb.st_uid != 0 && sb.st_uid != owner)
		snprintf(why, whylen, "owned by uid %u, neither root nor the binary's owner "
		    "(uid %u)", (unsigned)sb.st_uid, (unsigned)owner);
	else if ((sb.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		snprintf(why, whylen, "group or others may write it (mode %03o)",
		    (unsigned)(sb.st_mode & 0777));
	else
		return NULL;
	return why;
}

/* dlerror()'s message without the "/proc/self/fd/N: " it starts with. */
static const char *
dl_why(const char *fdpath)
{
	const char *e = dlerror();
	size_t n = strlen(fdpath);

	if (e == NULL)
		return "unknown dlopen error";
	if (strncmp(e, fdpath, n) == 0 && e[n] == ':' && e[n + 1] == ' ')
		e += n + 2;
	return e;
}

/* Opens and checks the plugin, returns its table; NULL with err. */
static const struct img_plugin *
plugin_open(char *err, size_t errlen)
{
	const struct img_plugin *p = NULL;
	img_plugin_fn *entry;
	struct stat exe;
	char path[4096], fdpath[64], why[256];
	const char *refused;
	void *h, *sym;
	int fd;

	if (plugin_path(path, sizeof(path), err, errlen) == -1)
		return NULL;
	if (stat("/proc/self/exe", &exe) == -1) {
		snprintf(err, errlen, "images: cannot load %.3900s: /proc/self/exe: %s", path,
		    strerror(errno));
		return NULL;
	}
	/* O_NOFOLLOW: a symbolic link there could point anywhere */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "images: cannot load %.3900s: %s", path,
		    errno == ELOOP ? "a symbolic link, not a regular file" : strerror(errno));
		return NULL;
	}
	if ((refused = plugin_refusal(fd, exe.st_uid, why, sizeof(why))) != NULL) {
		snprintf(err, errlen, "images: cannot load %.3900s: %s", path, refused);
		close(fd);
		return NULL;
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	h = dlopen(fdpath, RTLD_NOW | RTLD_LOCAL);
	close(fd);
	if (h == NULL) {
		snprintf(err, errlen, "images: cannot load %.3000s: %.900s", path,
		    dl_why(fdpath));
		return NULL;
	}
	if ((sym = dlsym(h, IMG_PLUGIN_SYMBOL)) == NULL) {
		snprintf(err, errlen, "images: cannot load %.3000s: %.900s", path,
		    dl_why(fdpath));
		dlclose(h);
		return NULL;
	}
	/* POSIX's object-to-function pointer conversion, without a cast ISO C lacks */
	memcpy(&entry, &sym, sizeof(entry));
	if ((p = entry()) == NULL || p->abi != IMG_PLUGIN_ABI ||
	    p->set_size != sizeof(struct img_set)) {
		snprintf(err, errlen, "images: cannot load %.3900s: built for another onlygen "
		    "(plugin ABI %u, this binary's %u): run make", path, p != NULL ? p->abi : 0,
		    (unsigned)IMG_PLUGIN_ABI);
		dlclose(h);
		return NULL;
	}
	return p;
}

int
img_start(struct img_lib *lib, char *err, size_t errlen)
{
	if (lib == NULL) {
		snprintf(err, errlen, "images: no libvips handle (struct img_lib) given");
		return -1;
	}
	if (lib->started)
		return 0;
	/* img_start runs on one thread at a time (VIPS_INIT's rule, img_vips.h):
	 * the threads that encode later see lib->plugin through their start
	 * or a join */
	if (lib->plugin == NULL && (lib->plugin = plugin_open(err, errlen)) == NULL)
		return -1;
	if (lib->plugin->start(lib->argv0 != NULL ? lib->argv0 : "onlygen", err, errlen) == -1)
		return -1;
	lib->started = 1;
	return 0;
}

void
img_stop(struct img_lib *lib)
{
	if (lib != NULL && lib->started) {
		lib->plugin->stop();
		lib->started = 0;
	}
}

/* The loaded table, or NULL with err (an encoder called before img_start). */
static const struct img_plugin *
started(const struct img_lib *lib, struct img_set *out, char *err, size_t errlen)
{
	if (lib == NULL || !lib->started) {
		memset(out, 0, sizeof(*out));
		snprintf(err, errlen, "images: libvips is not started (img_start)");
		return NULL;
	}
	return lib->plugin;
}

int
img_encode_stills(const struct img_lib *lib, const void *src, size_t n, struct img_set *out,
    char *err, size_t errlen)
{
	const struct img_plugin *p = started(lib, out, err, errlen);

	return p != NULL ? p->encode_stills(src, n, out, err, errlen) : -1;
}

int
img_encode_preview(const struct img_lib *lib, const void *src, size_t n, struct img_set *out,
    char *err, size_t errlen)
{
	const struct img_plugin *p = started(lib, out, err, errlen);

	return p != NULL ? p->encode_preview(src, n, out, err, errlen) : -1;
}

void
img_set_free(const struct img_lib *lib, struct img_set *s)
{
	/* without the plugin no encoder ran: the set is empty */
	if (lib != NULL && lib->plugin != NULL)
		lib->plugin->set_free(s);
	else
		memset(s, 0, sizeof(*s));
}

void
img_thread_done(const struct img_lib *lib)
{
	if (lib != NULL && lib->plugin != NULL)
		lib->plugin->thread_done();
}
