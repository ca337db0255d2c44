/*
 * test_http.c — the request runner with methods the deploy needs (PUT with
 * a body, DELETE), a 404 that is not retried, a 503 that is, the response
 * cap, on_done failures, header lines made without libcurl, and libcurl
 * opened when the first client is made (curl_lib.h), with the errors of a
 * library that is missing or is not libcurl.  The server is a forked
 * child answering HTTP/1.0-style (one request per connection) on a free
 * 127.0.0.1 port.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "curl_lib.h"
#include "http.h"

/* Answers one request on fd by its path; see the table in main(). */
static void
answer(int fd)
{
	char req[65536], resp[600000], *body;
	size_t len = 0, blen;
	ssize_t n;
	long clen = 0;
	const char *cl;

	while (len < sizeof(req) - 1 && (n = read(fd, req + len, sizeof(req) - 1 - len)) > 0) {
		len += (size_t)n;
		req[len] = '\0';
		if ((body = strstr(req, "\r\n\r\n")) != NULL) {
			cl = strcasestr(req, "Content-Length:");
			clen = cl != NULL ? strtol(cl + 15, NULL, 10) : 0;
			if ((size_t)(body + 4 - req) + (size_t)clen <= len)
				break;
		}
	}
	req[len] = '\0';
	body = strstr(req, "\r\n\r\n");
	body = body != NULL ? body + 4 : req + len;
	if (strncmp(req, "PUT /put ", 9) == 0) {
		/* Echo method and body: the test compares them. */
		blen = strlen(body);
		n = snprintf(resp, sizeof(resp), "HTTP/1.1 201 Created\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\nPUT:%s", blen + 4, body);
	} else if (strncmp(req, "DELETE /file ", 13) == 0)
		n = snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n"
		    "Connection: close\r\n\r\ndeleted");
	else if (strncmp(req, "GET /missing ", 13) == 0)
		n = snprintf(resp, sizeof(resp), "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n");
	else if (strncmp(req, "GET /busy ", 10) == 0)
		n = snprintf(resp, sizeof(resp), "HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n");
	else if (strncmp(req, "GET /headers ", 13) == 0) {
		/* Echo the X-Only lines, in the order they came */
		char echo[1024] = "", *at = req, *end;

		while ((at = strstr(at, "\r\nX-Only-")) != NULL &&
		    (end = strstr(at + 2, "\r\n")) != NULL) {
			snprintf(echo + strlen(echo), sizeof(echo) - strlen(echo), "%.*s;",
			    (int)(end - at - 2), at + 2);
			at = end;
		}
		n = snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n%s", strlen(echo), echo);
	} else if (strncmp(req, "GET /big ", 9) == 0) {
		memset(resp, 'x', sizeof(resp));
		n = snprintf(resp, 200, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
		    "Connection: close\r\n\r\n", 500000);
		n = (ssize_t)(strlen(resp) + 500000);
	} else
		n = snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
		    "Connection: close\r\n\r\nhello");
	if (write(fd, resp, (size_t)n) < 0)
		perror("write");
	close(fd);
}

static pid_t
serve(int *port)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	pid_t pid;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 16) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) != 0) {
		perror("server");
		exit(1);
	}
	*port = ntohs(a.sin_port);
	if ((pid = fork()) == 0) {
		for (;;) {
			int fd = accept(s, NULL, NULL);
			if (fd >= 0)
				answer(fd);
		}
	}
	close(s);
	return pid;
}

static int
reject_hello(struct http_req *r, void *arg)
{
	(void)arg;
	if (r->resp.len == 5 && memcmp(r->resp.data, "hello", 5) == 0) {
		snprintf(r->err, sizeof(r->err), "rejected by on_done");
		return -1;
	}
	return 0;
}

int
main(void)
{
	struct http_opts o;
	struct http_client *c;
	struct http_req r[4];
	char url[4][128];
	unsigned retries = 0;
	int port, i;
	pid_t pid = serve(&port);
	static const char body[] = "{\"file\": \"index.html\", \"bytes\": \"\\u00e9\"}";
	struct curl_slist *hdr = NULL, *t;
	struct curl_lib lib;
	char err[512];

	/* libcurl by its name, or a clear error naming what is missing */
	err[0] = '\0';
	CHECK(curl_lib_open_name(&lib, "libonly-no-such-curl.so.4", err, sizeof(err)) == -1 &&
	    strstr(err, "cannot load libcurl (libonly-no-such-curl.so.4)") != NULL &&
	    strstr(err, "install the package libcurl4") != NULL, "a missing library: %s", err);
	CHECK(curl_lib_open_name(&lib, "libc.so.6", err, sizeof(err)) == -1 &&
	    strstr(err, "libc.so.6 has no curl_global_init") != NULL && lib.easy_init == NULL,
	    "a library that is not libcurl: %s", err);
	err[0] = '\0';
	CHECK(curl_lib_open(&lib, err, sizeof(err)) == 0 && lib.easy_setopt != NULL &&
	    lib.multi_poll != NULL && lib.share_cleanup != NULL, "libcurl opened (%s)", err);
	CHECK(lib.easy_strerror(CURLE_OK) != NULL && strlen(lib.easy_strerror(CURLE_OK)) > 0,
	    "a call through the table: curl_easy_strerror");

	/* header lines, as curl_slist_append makes them */
	http_headers_free(NULL);
	CHECK((hdr = http_header_append(NULL, "X-Only-One: 1")) != NULL && hdr->next == NULL &&
	    strcmp(hdr->data, "X-Only-One: 1") == 0, "the first line is the list");
	CHECK((t = http_header_append(hdr, "X-Only-Two: 2")) == hdr &&
	    (t = http_header_append(hdr, "X-Only-Three: 3")) == hdr && hdr->next != NULL &&
	    strcmp(hdr->next->next->data, "X-Only-Three: 3") == 0 && hdr->next->next->next == NULL,
	    "lines appended keep their head and order");

	http_opts_init(&o);
	o.backoff_ms = 10;
	o.max_attempts = 3;
	o.max_body = 100000;
	err[0] = '\0';
	c = http_client_new(&o, err, sizeof(err));
	CHECK(c != NULL, "client (%s)", err);

	memset(r, 0, sizeof(r));
	snprintf(url[0], sizeof(url[0]), "http://127.0.0.1:%d/headers", port);
	r[0].url = url[0];
	r[0].headers = hdr;
	CHECK(http_run(c, r, 1, NULL) == HTTP_OK && r[0].ok && r[0].resp.data != NULL &&
	    strcmp(r[0].resp.data, "X-Only-One: 1;X-Only-Two: 2;X-Only-Three: 3;") == 0,
	    "libcurl sends the lines made without it (%s)", r[0].resp.data ? r[0].resp.data : r[0].err);
	buf_free(&r[0].resp);
	http_headers_free(hdr);

	memset(r, 0, sizeof(r));
	for (i = 0; i < 4; i++)
		r[i].url = url[i];
	snprintf(url[0], sizeof(url[0]), "http://127.0.0.1:%d/put", port);
	r[0].method = "PUT";
	r[0].body = body;
	r[0].body_len = sizeof(body) - 1;
	snprintf(url[1], sizeof(url[1]), "http://127.0.0.1:%d/file", port);
	r[1].method = "DELETE";
	snprintf(url[2], sizeof(url[2]), "http://127.0.0.1:%d/missing", port);
	snprintf(url[3], sizeof(url[3]), "http://127.0.0.1:%d/", port);
	CHECK(http_run(c, r, 4, &retries) == HTTP_FAILED, "one of four fails");
	CHECK(r[0].ok && r[0].status == 201 && r[0].resp.len == sizeof(body) + 3 &&
	    memcmp(r[0].resp.data, "PUT:", 4) == 0 &&
	    memcmp(r[0].resp.data + 4, body, sizeof(body) - 1) == 0, "PUT sends its body");
	CHECK(r[1].ok && r[1].status == 200 && strcmp(r[1].resp.data, "deleted") == 0, "DELETE");
	CHECK(!r[2].ok && r[2].status == 404 && r[2].attempts == 1 &&
	    strstr(r[2].err, "HTTP 404") != NULL, "404: failed, not retried (%s)", r[2].err);
	CHECK(r[3].ok && strcmp(r[3].resp.data, "hello") == 0, "GET");
	CHECK(retries == 0, "no retries");
	for (i = 0; i < 4; i++)
		buf_free(&r[i].resp);

	memset(r, 0, sizeof(r));
	snprintf(url[0], sizeof(url[0]), "http://127.0.0.1:%d/busy", port);
	snprintf(url[1], sizeof(url[1]), "http://127.0.0.1:%d/big", port);
	r[0].url = url[0];
	r[1].url = url[1];
	CHECK(http_run(c, r, 2, &retries) == HTTP_FAILED, "busy and big fail");
	CHECK(!r[0].ok && r[0].attempts == 3 && retries == 2 &&
	    strstr(r[0].err, "gave up after 3 attempts") != NULL, "503 retried up to max_attempts (%s)",
	    r[0].err);
	CHECK(!r[1].ok && strstr(r[1].err, "larger than 100000 bytes") != NULL && r[1].attempts == 1,
	    "response cap (%s)", r[1].err);
	for (i = 0; i < 2; i++)
		buf_free(&r[i].resp);
	http_client_free(c);

	o.on_done = reject_hello;
	o.fail_fast = 1;
	err[0] = '\0';
	c = http_client_new(&o, err, sizeof(err));
	CHECK(c != NULL, "a second client (%s)", err);
	memset(r, 0, sizeof(r));
	snprintf(url[0], sizeof(url[0]), "http://127.0.0.1:%d/", port);
	r[0].url = url[0];
	CHECK(http_run(c, r, 1, NULL) == HTTP_FAILED && !r[0].ok &&
	    strcmp(r[0].err, "rejected by on_done") == 0, "on_done can fail a request");
	buf_free(&r[0].resp);
	http_client_free(c);
	lib.global_cleanup();

	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return check_report();
}
