/*
 * cmd_mustache.c — `onlygen mustache TEMPLATE DATA_JSON [--partials DIR]`:
 * renders one template to stdout, for theme authors (and for checking the
 * engine from outside).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "commands.h"
#include "jsonfile.h"
#include "tmpl.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: onlygen mustache TEMPLATE_FILE DATA_JSON_FILE [--partials DIR]\n"
	    "Renders TEMPLATE_FILE over the JSON data to standard output.\n"
	    "Partial {{>name}} and parent {{<name}} are read from DIR/name.mustache\n"
	    "(default: the template's own directory).\n");
}

int
cmd_mustache(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "partials", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char err[1024], *dir = NULL, *slash;
	const char *partials = NULL;
	struct tmpl_set *set = NULL;
	const struct tmpl *t;
	struct buf src, out;
	cJSON *data = NULL;
	int ch, rc = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			partials = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	buf_init(&src, TMPL_MAX_SOURCE + 1);
	buf_init(&out, 0);
	if (partials == NULL) {
		slash = strrchr(argv[optind], '/');
		dir = slash ? strndup(argv[optind], (size_t)(slash - argv[optind])) : strdup(".");
		if (dir == NULL)
			goto out;
		partials = dir;
	}
	if (buf_read_file(&src, argv[optind]) != 0) {
		fprintf(stderr, "onlygen mustache: %s: cannot read the template: %m\n", argv[optind]);
		goto out;
	}
	if ((data = json_load_file(argv[optind + 1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "onlygen mustache: %s\n", err);
		goto out;
	}
	if ((set = tmpl_set_new(tmpl_dir_loader, (void *)partials)) == NULL)
		goto out;
	if ((t = tmpl_compile(set, argv[optind], src.data, src.len, err, sizeof(err))) == NULL) {
		fprintf(stderr, "onlygen mustache: %s\n", err);
		goto out;
	}
	if (tmpl_render(t, data, &out, err, sizeof(err)) != 0) {
		fprintf(stderr, "onlygen mustache: %s\n", err);
		goto out;
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		fprintf(stderr, "onlygen mustache: writing the output: %m\n");
		goto out;
	}
	rc = 0;
out:
	tmpl_set_free(set);
	cJSON_Delete(data);
	buf_free(&src);
	buf_free(&out);
	free(dir);
	return rc;
}
