/* ra: read argus records (files or standard input), filter them with the
 * ra filter language and print them as text, CSV, JSON Lines, or write them
 * again as an argus stream. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <argus/plugin.h>

#include "core/cmdline.h"
#include "core/conf.h"
#include "core/fieldtab.h"
#include "core/log.h"
#include "core/outsink.h"
#include "core/progress.h"
#include "core/registry.h"
#include "plugins/outputs/common/raview.h"
#include "rarc.h"
#include "remote.h"
#include "timerange.h"

#define EXIT_USAGE 2
#define MAX_INPUTS 1024
#define MAX_FIELD_WORDS 256
#define READER_FORMAT "binary"
#define FILTER_PLUGIN "ra"

static volatile sig_atomic_t stop_requested;
/* the process copying a remote stream (-S) into ra's pipe, or 0 */
static volatile sig_atomic_t remote_child;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	/* a quiet stream would keep ra waiting in read(): end the copy, and
	 * the reader sees the end of its pipe */
	if (remote_child > 0)
		kill((pid_t)remote_child, SIGTERM);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ra [options] [- filter expression]\n"
		"  -S HOST[:PORT]  read the live records of a remote argus or radium (port 561)\n"
		"  -r FILE       read records from FILE ('-' = stdin; repeatable, or several\n"
		"                names after one -r)\n"
		"  -F FORMAT     output: text (default), csv, json, binary;\n"
		"                a file name instead is read as an rarc configuration file\n"
		"  -s FIELDS     fields to print: comma-separated or separate words\n"
		"                (+name / -name edit the default list)\n"
		"  -c CHAR       text output: separate fields with CHAR instead of aligning\n"
		"  -n            numeric output (no name look-ups)\n"
		"  -u            times as Unix seconds\n"
		"  -N COUNT      stop after COUNT records\n"
		"  -t RANGE      only records active in RANGE: 2013/02/26, 14 (2pm today),\n"
		"                2013/02/26.12:00:00-2013/02/26.13:00:00, TIME+20s, -10m (the\n"
		"                last ten minutes); x inverts, n/c: spanning/contained (ra(1))\n"
		"  -w FILE       write the selected records to FILE ('-' = stdout) as an argus\n"
		"                stream (or in the -F format)\n"
		"  -q            no progress line\n"
		"  --mar         include management records in csv/json output\n"
		"  -L, --plugin-dir DIR  look for plugins in DIR first\n"
		"  --list-plugins        list the plugins found and exit\n"
		"  -h, --help    this text;  --version  print the version\n");
}

static int is_output_format(const char *name, char *err, size_t errlen)
{
	return argus_registry_get(ARGUS_PLUGIN_OUTPUT, name, err, errlen) != NULL;
}

struct reader {
	const struct argus_output_ops *ops;
	void *state;
};

/* What a record must pass: the -t range and the filter, which (as in
 * Argus ra) sees the record the way the text output shows it. */
struct selection {
	const void *filter;
	const struct argus_filter_ops *fops;
	const struct ra_timerange *time;
	struct argus_record *viewbuf;
};

static int selected(const struct selection *sel, const struct argus_record *rec)
{
	if (sel->time && !ra_timerange_match(sel->time, rec))
		return 0;
	if (!sel->filter)
		return 1;
	return sel->fops->match(sel->filter, argus_raview_of(rec, sel->viewbuf));
}

/* Read one input; returns 0, or 1 if it had errors (already reported). */
static int read_input(const struct reader *rd, const char *path, int given_fd,
		      const struct selection *sel, struct argus_outsink *out,
		      unsigned long long *remaining, int quiet, struct argus_record *rec,
		      int *output_failed)
{
	const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	struct argus_progress prog;
	char err[1024], oerr[1024];
	void *reader = NULL;
	uint64_t size = 0, n = 0;
	int fd, rc, status = 0;

	if (given_fd >= 0) {
		fd = given_fd; /* ra -S: the caller owns it */
	} else if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
	} else {
		struct stat st;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			argus_log(ARGUS_LOG_ERROR, "%s: %s", path, strerror(errno));
			return 1;
		}
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			argus_log(ARGUS_LOG_ERROR, "%s: is a directory", path);
			close(fd);
			return 1;
		}
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			size = (uint64_t)st.st_size;
	}
	err[0] = '\0';
	rc = rd->ops->read_open(rd->state, fd, name, &reader, err, sizeof err);
	if (rc != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s: %s", name, err[0] ? err : "cannot read");
		if (fd != STDIN_FILENO && given_fd < 0)
			close(fd);
		return 1;
	}
	argus_progress_start(&prog, quiet, size, "records");
	while (!stop_requested && *remaining > 0) {
		err[0] = '\0';
		rc = rd->ops->read_next(reader, rec, err, sizeof err);
		if (rc == 0)
			break;
		if (rc == ARGUS_ESKIP) {
			argus_progress_end(&prog);
			argus_log(ARGUS_LOG_ERROR, "%s: %s", name, err);
			status = 1;
			continue;
		}
		if (rc < 0) {
			argus_progress_end(&prog);
			argus_log(ARGUS_LOG_ERROR, "%s: %s", name, err[0] ? err : "read error");
			status = 1;
			break;
		}
		n++;
		if (rd->ops->read_offset)
			argus_progress_update(&prog, rd->ops->read_offset(reader), n);
		if (!selected(sel, rec))
			continue;
		if (argus_outsink_write(out, rec, oerr, sizeof oerr) != 0) {
			*output_failed = 1;
			break;
		}
		/* a live stream (-S): each record is news, not a buffer to fill */
		if (given_fd >= 0 && argus_outsink_flush(out, oerr, sizeof oerr) != 0) {
			*output_failed = 1;
			break;
		}
		(*remaining)--;
	}
	argus_progress_end(&prog);
	rd->ops->read_close(reader);
	if (fd != STDIN_FILENO && given_fd < 0)
		close(fd);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"list-plugins", no_argument, NULL, 'l'},
		{"plugin-dir", required_argument, NULL, 'L'},
		{"mar", no_argument, NULL, 'm'},
		{NULL, 0, NULL, 0},
	};
	static const char *inputs[MAX_INPUTS];
	static const char *remotes[MAX_INPUTS];
	size_t n_remotes = 0;
	const char *server_filter = NULL;
	const char *field_words[MAX_FIELD_WORDS];
	size_t n_inputs = 0, n_field_words = 0;
	const char *format = NULL, *outpath = NULL, *rarc = NULL;
	char separator = 0;
	int numeric = 0, unix_time = 0, quiet = 0, list_plugins = 0, show_mar = 0;
	int separator_set = 0;
	unsigned long long limit = ~0ULL;
	char err[1024];
	char *filter_text = NULL;
	const char *time_arg = NULL;
	struct ra_timerange timerange;
	struct ra_settings rs;
	int opt, status = 0, output_failed = 0;

	argus_log_set_program(argv[0]);
	memset(&rs, 0, sizeof rs);
	opterr = 1;
	while ((opt = getopt_long(argc, argv, "+r:S:F:s:c:nuN:t:w:qL:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'S':
			if (n_remotes == MAX_INPUTS) {
				argus_log(ARGUS_LOG_ERROR, "-S: too many servers");
				return EXIT_USAGE;
			}
			remotes[n_remotes++] = optarg;
			break;
		case 'r':
			/* ra -r a.argus b.argus: names up to the next option */
			inputs[n_inputs++] = optarg;
			while (optind < argc && argv[optind][0] != '-' && n_inputs < MAX_INPUTS)
				inputs[n_inputs++] = argv[optind++];
			if (n_inputs >= MAX_INPUTS) {
				argus_log(ARGUS_LOG_ERROR, "-r: at most %d files", MAX_INPUTS - 1);
				return EXIT_USAGE;
			}
			break;
		case 'F':
			format = optarg;
			break;
		case 's':
			/* Argus ra takes "-s a b c" as well as "-s a,b,c" */
			field_words[n_field_words++] = optarg;
			while (optind < argc && argv[optind][0] != '-' &&
			       n_field_words < MAX_FIELD_WORDS)
				field_words[n_field_words++] = argv[optind++];
			if (n_field_words >= MAX_FIELD_WORDS) {
				argus_log(ARGUS_LOG_ERROR, "-s: too many fields");
				return EXIT_USAGE;
			}
			break;
		case 'c':
			if (strlen(optarg) != 1 && strcmp(optarg, "\\t") != 0) {
				argus_log(ARGUS_LOG_ERROR, "-c: the separator is one character");
				return EXIT_USAGE;
			}
			separator = strcmp(optarg, "\\t") == 0 ? '\t' : optarg[0];
			separator_set = 1;
			break;
		case 'n':
			numeric = 1;
			break;
		case 'u':
			unix_time = 1;
			break;
		case 'N': {
			char *end;
			errno = 0;
			limit = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-') {
				argus_log(ARGUS_LOG_ERROR, "-N: '%s' is not a record count", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 't':
			time_arg = optarg;
			break;
		case 'w':
			outpath = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'L':
			if (argus_registry_add_root(optarg, err, sizeof err) != 0) {
				argus_log(ARGUS_LOG_ERROR, "%s", err);
				return EXIT_USAGE;
			}
			break;
		case 'l':
			list_plugins = 1;
			break;
		case 'm':
			show_mar = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ra (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try 'ra --help' for the options.\n");
			return EXIT_USAGE;
		}
	}
	if (time_arg) {
		struct timeval tv;
		gettimeofday(&tv, NULL);
		if (ra_timerange_parse(time_arg, (int64_t)tv.tv_sec * 1000000 + tv.tv_usec,
				       &timerange, err, sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			return EXIT_USAGE;
		}
	}
	if (argus_trailing_expression(argc, argv, optind, &filter_text) != 0) {
		argus_log(ARGUS_LOG_ERROR, "out of memory");
		return 1;
	}

	if (argus_registry_init(err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		return 1;
	}
	if (list_plugins) {
		argus_registry_print_all(stdout);
		argus_registry_fini();
		return 0;
	}
	/* decoders register the fields of the data they add to records
	 * (ABI 1.3 plugin data): load them so that -s, the outputs and
	 * filters know those fields */
	{
		size_t refused;
		argus_registry_load_all(ARGUS_PLUGIN_DECODER, &refused);
	}

	/* -F: an output format, or (as Argus ra) an rarc file */
	if (format && !is_output_format(format, err, sizeof err)) {
		struct stat st;
		if (stat(format, &st) == 0 && S_ISREG(st.st_mode)) {
			rarc = format;
			format = NULL;
		} else {
			argus_log(ARGUS_LOG_ERROR, "-F %s: %s, and no such configuration file", format,
				  err);
			status = EXIT_USAGE;
			goto out;
		}
	}
	if (rarc && ra_rarc_load(rarc, &rs, err, sizeof err) != 0) {
		argus_log(ARGUS_LOG_ERROR, "%s", err);
		status = EXIT_USAGE;
		goto out;
	}
	if (!separator_set && rs.separator)
		separator = rs.separator;
	unix_time |= rs.unix_time;
	numeric |= rs.numeric;
	if (!format)
		format = outpath ? "binary" : "text";
	if (!outpath)
		outpath = "-";
	if (n_inputs == 0 && n_remotes == 0) {
		argus_log(ARGUS_LOG_ERROR, "nothing to read: give -r FILE (or -r - for stdin) or -S HOST[:PORT]");
		status = EXIT_USAGE;
		goto out;
	}
	if (strcmp(format, "binary") == 0 && strcmp(outpath, "-") == 0 && isatty(STDOUT_FILENO)) {
		argus_log(ARGUS_LOG_ERROR, "will not write binary records to a terminal: use -w FILE");
		status = EXIT_USAGE;
		goto out;
	}

	{
		const struct argus_module *rmod, *fmod = NULL;
		const struct argus_field **fields = NULL;
		size_t n_fields = 0;
		struct argus_output_opts opts;
		struct argus_outsink out;
		struct reader rd;
		void *filter = NULL;
		struct argus_record *rec = NULL, *viewbuf = NULL;
		struct selection sel;
		char rs_copy[4096];

		rmod = argus_registry_get(ARGUS_PLUGIN_OUTPUT, READER_FORMAT, err, sizeof err);
		if (!rmod || !rmod->desc->ops.output->read_open) {
			argus_log(ARGUS_LOG_ERROR, "%s", rmod ? "the binary module cannot read" : err);
			status = 1;
			goto out;
		}
		rd.ops = rmod->desc->ops.output;
		rd.state = rmod->state;

		/* ra -S sends the filter to the server, as Argus ra does, unless it
		 * starts with "local"; it is applied here either way */
		if (filter_text && strncmp(filter_text, "local ", 6) == 0)
			memmove(filter_text, filter_text + 6, strlen(filter_text + 6) + 1);
		else if (filter_text)
			server_filter = filter_text;
		if (filter_text) {
			char ferr[512] = "";
			fmod = argus_registry_get(ARGUS_PLUGIN_FILTER, FILTER_PLUGIN, err, sizeof err);
			if (!fmod) {
				argus_log(ARGUS_LOG_ERROR, "%s", err);
				status = 1;
				goto out;
			}
			if (fmod->desc->ops.filter->compile(fmod->state, filter_text, &filter, ferr,
							    sizeof ferr) != 0) {
				argus_log(ARGUS_LOG_ERROR, "filter: %s", ferr[0] ? ferr : "syntax error");
				status = EXIT_USAGE;
				goto out;
			}
		}

		/* fields: -s, else the rarc's, else the format's default */
		if (n_field_words == 0 && rs.fields) {
			char *save = NULL;
			snprintf(rs_copy, sizeof rs_copy, "%s", rs.fields);
			for (char *w = strtok_r(rs_copy, " \t", &save); w && n_field_words < MAX_FIELD_WORDS;
			     w = strtok_r(NULL, " \t", &save))
				field_words[n_field_words++] = w;
		}
		if (n_field_words == 0) {
			if (argus_outsink_default_fields(format, &fields, &n_fields, err, sizeof err) != 0) {
				argus_log(ARGUS_LOG_ERROR, "-s: %s", err);
				status = EXIT_USAGE;
				goto done;
			}
		} else if (argus_fields_parse(field_words, n_field_words, &fields, &n_fields, err,
					      sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "-s: %s", err);
			status = EXIT_USAGE;
			goto done;
		}

		memset(&opts, 0, sizeof opts);
		opts.fields = fields;
		opts.n_fields = n_fields;
		opts.separator = separator;
		opts.name = outpath;
		opts.flags = (numeric ? ARGUS_OUT_NUMERIC : 0) | (unix_time ? ARGUS_OUT_UNIX_TIME : 0);
		if (show_mar || strcmp(format, "text") == 0 || strcmp(format, "binary") == 0)
			opts.flags |= ARGUS_OUT_SHOW_MAR;
		if (strcmp(format, "csv") == 0 && !separator_set && !rs.separator)
			opts.separator = ',';
		if (argus_outsink_open(&out, format, outpath, &opts, err, sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			status = strstr(err, "no output module") ? EXIT_USAGE : 1;
			goto done;
		}

		{
			struct sigaction sa;
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = on_signal;
			sigemptyset(&sa.sa_mask);
			sigaction(SIGINT, &sa, NULL);
			sigaction(SIGTERM, &sa, NULL);
			signal(SIGPIPE, SIG_IGN);
		}
		rec = malloc(sizeof *rec);
		viewbuf = malloc(sizeof *viewbuf);
		if (!rec || !viewbuf) {
			argus_log(ARGUS_LOG_ERROR, "out of memory");
			status = 1;
			free(rec);
			rec = NULL;
		}
		sel.filter = filter;
		sel.fops = fmod ? fmod->desc->ops.filter : NULL;
		sel.time = time_arg ? &timerange : NULL;
		sel.viewbuf = viewbuf;
		for (size_t i = 0; rec && i < n_inputs && !stop_requested && !output_failed && limit > 0; i++)
			status |= read_input(&rd, inputs[i], -1, &sel, &out, &limit, quiet, rec,
					     &output_failed);
		for (size_t i = 0; rec && i < n_remotes && !stop_requested && !output_failed && limit > 0;
		     i++) {
			pid_t child = -1;
			int fd = ra_remote_open(remotes[i], server_filter, &child, err, sizeof err);
			if (fd < 0) {
				argus_log(ARGUS_LOG_ERROR, "-S %s", err);
				status = 1;
				continue;
			}
			remote_child = child;
			status |= read_input(&rd, remotes[i], fd, &sel, &out, &limit, 1, rec,
					     &output_failed);
			remote_child = 0;
			ra_remote_close(fd, child);
		}
		if (argus_outsink_close(&out, err, sizeof err) != 0) {
			argus_log(ARGUS_LOG_ERROR, "%s", err);
			status = 1;
		}
		free(rec);
		free(viewbuf);
done:
		free(fields);
		if (filter)
			fmod->desc->ops.filter->free(filter);
	}
out:
	argus_registry_fini();
	argus_config_clear();
	free(filter_text);
	return status;
}
