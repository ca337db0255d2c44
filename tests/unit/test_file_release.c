/*
 * test_file_release.c — files let go of on a thread of their own
 * (generator/base/file_release.c): a file held across the rename over it
 * and the unlink of it is the same file, unlinked, until the releaser
 * closes it; a directory held across its rmdir too; every descriptor
 * given is closed by file_release_finish(), past the queue's bound as
 * well; without a releaser nothing is held and what is given is closed at
 * once; and the publisher's calls (site_publish, site_remove,
 * site_staging_remove) leave the directory as they do without one; and
 * what is handed off is held by a child process, its streams on
 * /dev/null, until it exits.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "file_release.h"
#include "site_write.h"

static void
put(int dfd, const char *path, const char *text)
{
	int fd = openat(dfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) == -1) {
		perror(path);
		exit(1);
	}
}

/* Descriptors this process has open. */
static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* opendir's own */
}

static int
is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

static int
same_bytes(int dfd, const char *path, const char *want)
{
	return site_same_bytes(dfd, path, want, strlen(want));
}

int
main(void)
{
	char dir[] = "/tmp/test_file_release.XXXXXX", err[256];
	struct file_release *r;
	struct stat before, held_st;
	int dfd, fd, fds0, fds[3 * FILE_RELEASE_QUEUE], i, n;

	if (mkdtemp(dir) == NULL || (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		perror("mkdtemp");
		return 1;
	}
	fds0 = open_fds();

	/* without a releaser */
	put(dfd, "a", "old");
	CHECK(file_release_hold(NULL, dfd, "a") == -1, "no releaser: nothing held");
	fd = openat(dfd, "a", O_RDONLY | O_CLOEXEC);
	file_release_give(NULL, fd);
	CHECK(fd >= 0 && !is_open(fd), "no releaser: a descriptor given is closed at once");
	file_release_give(NULL, -1);
	file_release_finish(NULL, NULL, 0);
	{
		int last[3] = { openat(dfd, "a", O_PATH | O_CLOEXEC), -1,
		    openat(dfd, "a", O_PATH | O_CLOEXEC) };

		file_release_finish(NULL, last, 3);
		CHECK(last[0] >= 0 && !is_open(last[0]) && !is_open(last[2]),
		    "no releaser: the last descriptors are closed at once");
	}
	CHECK(open_fds() == fds0, "no releaser: no descriptor left (%d, %d)", open_fds(), fds0);

	/* a file held across the rename over it */
	CHECK((r = file_release_start()) != NULL, "a releaser started");
	put(dfd, "b", "new");
	fstatat(dfd, "a", &before, 0);
	fd = file_release_hold(r, dfd, "a");
	CHECK(fd >= 0, "the file to be replaced held");
	CHECK(renameat(dfd, "b", dfd, "a") == 0 && same_bytes(dfd, "a", "new"),
	    "renamed over while held: the path has the new bytes");
	CHECK(fstat(fd, &held_st) == 0 && held_st.st_ino == before.st_ino &&
	    held_st.st_nlink == 0, "what is held is the old file, with no name left (%lu links)",
	    (unsigned long)held_st.st_nlink);
	file_release_give(r, fd);

	/* a directory held across its rmdir, a file across its unlink */
	mkdirat(dfd, "d", 0755);
	fd = file_release_hold(r, dfd, "d");
	CHECK(fd >= 0 && unlinkat(dfd, "d", AT_REMOVEDIR) == 0 && faccessat(dfd, "d", F_OK, 0) == -1,
	    "a directory held is removed all the same");
	CHECK(fstat(fd, &held_st) == 0 && held_st.st_nlink == 0, "the held directory has no name");
	file_release_give(r, fd);
	CHECK(file_release_hold(r, dfd, "missing") == -1, "a path that is not there: nothing held");
	file_release_give(r, -1);

	/* more than the queue holds, given at once: all closed in the end */
	for (i = n = 0; i < 3 * FILE_RELEASE_QUEUE; i++)
		if ((fds[i] = file_release_hold(r, dfd, "a")) >= 0)
			n++;
	CHECK(n == 3 * FILE_RELEASE_QUEUE, "%d descriptors held", n);
	for (i = 0; i < 3 * FILE_RELEASE_QUEUE; i++)
		file_release_give(r, fds[i]);
	/* and the last ones, past their bound too: -1 skipped, the rest closed */
	for (i = 0; i < FILE_RELEASE_LAST + 2; i++)
		fds[i] = i == 1 ? -1 : file_release_hold(r, dfd, "a");
	while (waitpid(-1, NULL, 0) > 0)
		;	/* an earlier hand-off's child, gone once its pipe ended */
	file_release_finish(r, fds, FILE_RELEASE_LAST + 2);
	CHECK(open_fds() == fds0, "after the finish, every descriptor given or last is closed "
	    "(%d, %d)", open_fds(), fds0);
	{
		int status = 0;

		CHECK(waitpid(-1, &status, 0) > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "the last descriptors went to a child, which ended with its pipe");
	}

	/* the publisher's calls with a releaser: the same directory as without */
	r = file_release_start();
	CHECK(site_staging_open(dfd, 0, err, sizeof(err)) == 0 &&
	    site_stage(dfd, 3, "page v2", 7, err, sizeof(err)) == 0 &&
	    site_stage(dfd, 700, "fresh", 5, err, sizeof(err)) == 0, "two files staged");
	mkdirat(dfd, "v", 0755);
	put(dfd, "v/index.html", "page v1");
	mkdirat(dfd, "old", 0755);
	mkdirat(dfd, "old/x", 0755);
	put(dfd, "old/x/index.html", "stale");
	CHECK(site_publish(dfd, 3, "v/index.html", r, err, sizeof(err)) == 0 &&
	    same_bytes(dfd, "v/index.html", "page v2"), "a page replaced through the releaser");
	CHECK(site_publish(dfd, 700, "n/e/w.html", r, err, sizeof(err)) == 0 &&
	    same_bytes(dfd, "n/e/w.html", "fresh"), "a new page, its directories made");
	CHECK(site_publish(dfd, 701, "n/none.html", r, err, sizeof(err)) == -1,
	    "a staged file that is not there: an error (%s)", err);
	CHECK(site_remove(dfd, "old/x/index.html", r, err, sizeof(err)) == 0 &&
	    faccessat(dfd, "old", F_OK, 0) == -1, "a stale page and its emptied directories removed");
	site_staging_remove(dfd, r);
	CHECK(faccessat(dfd, SITE_STAGING, F_OK, 0) == -1, "the staging directory removed");
	file_release_finish(r, NULL, 0);
	CHECK(open_fds() == fds0, "nothing held after the publisher's finish (%d, %d)", open_fds(),
	    fds0);

	/* handed off: a process holds the files, its streams on /dev/null */
	{
		static char *const sleep_argv[] = { (char *)"/bin/sleep", (char *)"30", NULL };
		char link[64];
		struct stat h, in_child, pipe_st, null_st;
		int p[2] = { -1, -1 }, held[2], low = 2, status = 0;
		pid_t pid;
		ssize_t got;

		put(dfd, "h", "held");
		fd = openat(dfd, "h", O_PATH | O_CLOEXEC);
		CHECK(fd > 2 && fstat(fd, &h) == 0 && pipe2(p, O_CLOEXEC) == 0 && fstat(p[1],
		    &pipe_st) == 0 && stat("/dev/null", &null_st) == 0, "a file and a pipe to hand off");
		held[0] = fd;
		held[1] = p[1];
		pid = file_release_hand_off(sleep_argv, held, 2, -1);
		CHECK(pid > 0, "handed off to a process (%d)", (int)pid);
		close(fd);
		close(p[1]);
		unlinkat(dfd, "h", 0);
		/* posix_spawn returns once the child has exec'd: its table is set */
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
		CHECK(stat(link, &in_child) == 0 && in_child.st_ino == h.st_ino &&
		    in_child.st_nlink == 0, "the child holds the file, unlinked (%s)", link);
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, p[1]);
		CHECK(stat(link, &in_child) == 0 && in_child.st_ino == pipe_st.st_ino,
		    "the child holds the pipe's write end");
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, p[0]);
		CHECK(stat(link, &in_child) == -1, "a descriptor not handed off is not inherited");
		snprintf(link, sizeof(link), "/proc/%d/fd/1", (int)pid);
		CHECK(stat(link, &in_child) == 0 && in_child.st_rdev == null_st.st_rdev,
		    "the child's standard output is /dev/null");
		/* the last writer is the child: the pipe ends when it does */
		kill(pid, SIGTERM);
		got = read(p[0], link, 1);
		CHECK(got == 0 && waitpid(pid, &status, 0) == pid, "the child's exit closed what it held");
		close(p[0]);
		CHECK(file_release_hand_off(sleep_argv, &low, 1, -1) == -1,
		    "a standard stream's number is not handed off");
	}

	/*
	 * handed off with a pipe for its input (file_release_finish's way):
	 * the child holds the file after this process let go of its own, and
	 * exits only once the pipe's write end is closed, not before
	 */
	{
		static char *const cat_argv[] = { (char *)"/bin/cat", NULL };
		char link[64];
		struct stat h, in_child;
		int p[2] = { -1, -1 }, status = 0;
		pid_t pid;

		put(dfd, "c", "held by cat");
		fd = openat(dfd, "c", O_PATH | O_CLOEXEC);
		CHECK(fd > 2 && fstat(fd, &h) == 0 && pipe2(p, O_CLOEXEC) == 0,
		    "a file and a pipe for the child's input");
		CHECK(file_release_hand_off(cat_argv, &fd, 1, fd) == -1,
		    "the input is not also a descriptor handed off");
		pid = file_release_hand_off(cat_argv, &fd, 1, p[0]);
		CHECK(pid > 0, "handed off to cat (%d)", (int)pid);
		close(p[0]);
		close(fd);
		unlinkat(dfd, "c", 0);
		usleep(100000);	/* time enough for a child that would exit at once */
		CHECK(waitpid(pid, &status, WNOHANG) == 0, "the child waits while the pipe is open");
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
		CHECK(stat(link, &in_child) == 0 && in_child.st_ino == h.st_ino &&
		    in_child.st_nlink == 0, "the child holds the file, unlinked, after its parent's "
		    "close (%s)", link);
		snprintf(link, sizeof(link), "/proc/%d/fd/0", (int)pid);
		CHECK(stat(link, &in_child) == 0 && S_ISFIFO(in_child.st_mode),
		    "the child's standard input is the pipe");
		close(p[1]);
		CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0, "the pipe's end ends the child");
	}

	unlinkat(dfd, "a", 0);
	unlinkat(dfd, "v/index.html", 0);
	unlinkat(dfd, "v", AT_REMOVEDIR);
	unlinkat(dfd, "n/e/w.html", 0);
	unlinkat(dfd, "n/e", AT_REMOVEDIR);
	unlinkat(dfd, "n", AT_REMOVEDIR);
	close(dfd);
	CHECK(rmdir(dir) == 0, "nothing else left in the directory");
	return check_report();
}
