// SPDX-License-Identifier: MIT
/*
 * svm-stat: what an SVM device offers, and what SVM clients of running
 * processes have in their GPU page tables.
 *
 *   svm-stat [-d PATH]                  the device's capabilities (PATH, or
 *                                       the first SVM-capable render node)
 *   svm-stat -p PID [-d PATH] [-a] [-m PAGES]
 *                                       the SVM clients of process PID
 *   svm-stat -A [-d PATH] [-a] [-m PAGES]  those of every process
 *
 * How a client is observed: sgpu keeps its state per DRM file (one file, one
 * client) and has no global listing, so svm-stat takes a duplicate of the
 * process's render-node descriptor with pidfd_getfd(2) (Linux 5.6; needs
 * ptrace access to the process: the same user under Yama ptrace_scope 0, or
 * root) and asks the module through that duplicate, which names the same
 * file: its counters (COUNTERS, since the client's SVM_INIT) and, for each
 * mapping of /proc/PID/maps, its GPU page-table entries (SNAPSHOT: pages
 * mapped, writable, huge, in VRAM, in the unmanaged window). The kernel keeps
 * no list of SVM_BIND calls: the "ranges" are the process's mappings that
 * have GPU entries (all of them with -a). The duplicate changes nothing in
 * the client. nouveau clients are listed without counters or ranges (its
 * uAPI has no query).
 *
 * Output: one "key=value" record per line, for people and scripts alike.
 * Exit: 0, 1 (a process could not be read), 2 (usage, no device).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* process_vm_readv, F_DUPFD_CLOEXEC, MAP_NORESERVE */
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "drm_svm.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

/* Mappings larger than this many pages are listed but not scanned (-m). */
#define DEFAULT_MAX_PAGES	(1ull << 20)

struct options {
	const char *path;	/* -d */
	int all_ranges;		/* -a */
	uint64_t max_pages;	/* -m */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: svm-stat [-d PATH]                    device capabilities\n"
		"       svm-stat -p PID [-d PATH] [-a] [-m N]   SVM clients of process PID\n"
		"       svm-stat -A [-d PATH] [-a] [-m N]       SVM clients of every process\n"
		"  -d PATH  the render node (default: the first SVM-capable one;\n"
		"           with -p/-A: only descriptors of PATH)\n"
		"  -a       list every mapping, also those without GPU entries\n"
		"  -m N     scan mappings of at most N pages (default %llu)\n"
		"Counters and ranges come from the client's own DRM file, reached with\n"
		"pidfd_getfd(2) (ptrace access to the process needed).\n",
		(unsigned long long)DEFAULT_MAX_PAGES);
}

static const char *driver_name(enum drm_svm_driver d)
{
	return d == DRM_SVM_DRIVER_SGPU ? "sgpu" :
	       d == DRM_SVM_DRIVER_NOUVEAU ? "nouveau" : "unknown";
}

static void print_caps(struct drm_svm_device *dev)
{
	static const struct { uint64_t bit; const char *name; } names[] = {
		{ DRM_SVM_CAP_MIRROR, "mirror" },
		{ DRM_SVM_CAP_DEVICE_MEMORY, "device_memory" },
		{ DRM_SVM_CAP_DEVICE_PRIVATE, "device_private" },
		{ DRM_SVM_CAP_ATOMICS, "atomics" },
		{ DRM_SVM_CAP_HUGE, "huge" },
		{ DRM_SVM_CAP_ENGINE, "engine" },
		{ DRM_SVM_CAP_SNAPSHOT, "snapshot" },
		{ DRM_SVM_CAP_COUNTERS, "counters" },
		{ DRM_SVM_CAP_MIGRATE_COUNT, "migrate_count" },
	};
	struct drm_svm_caps c;
	size_t i;
	int first = 1;

	if (drm_svm_device_get_caps(dev, &c))
		return;
	printf("device path=%s driver=%s uapi=%u page_size=%" PRIu64
	       " vram_bytes=%" PRIu64 " max_engine_bytes=%" PRIu64 "\n",
	       drm_svm_device_get_path(dev), driver_name(c.driver),
	       c.uapi_version, c.page_size, c.vram_size, c.max_engine_bytes);
	printf("caps ");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (c.flags & names[i].bit) {
			printf("%s%s", first ? "" : ",", names[i].name);
			first = 0;
		}
	printf("%s\n", first ? "none" : "");
	if (c.driver == DRM_SVM_DRIVER_NOUVEAU)
		printf("note nouveau: capabilities are libdrm_svm's documented defaults\n");
}

static void print_counters(const struct drm_svm_counters *c)
{
	printf("  counters faults=%" PRIu64 " faults_failed=%" PRIu64
	       " pages_faulted=%" PRIu64 " retries=%" PRIu64
	       " invalidations=%" PRIu64 " pages_invalidated=%" PRIu64
	       " migrations=%" PRIu64 " mirrored_pages=%" PRIu64
	       " engine_cmds=%" PRIu64 " invalidate_ns=%" PRIu64 "\n",
	       c->faults, c->faults_failed, c->pages_faulted, c->retries,
	       c->invalidations, c->pages_invalidated, c->migrations,
	       c->mirrored_pages, c->engine_cmds, c->invalidate_ns);
}

/* The ranges: each mapping of the process, with its GPU entries. */
static int print_ranges(struct drm_svm_device *dev, int pid,
			const struct options *o)
{
	uint64_t total_mapped = 0, total_vram = 0, shown = 0, page;
	struct drm_svm_caps caps;
	char path[64], line[512];
	FILE *maps;

	drm_svm_device_get_caps(dev, &caps);
	page = caps.page_size;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "re");
	if (!maps) {
		printf("  ranges error=%s\n", strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), maps)) {
		unsigned long long start, end;
		char perm[8] = "", name[256] = "";
		struct drm_svm_residency r;
		int n = 0, ret;

		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %n", &start, &end,
			   perm, &n) < 3)
			continue;
		if (n > 0 && line[n]) {
			snprintf(name, sizeof(name), "%s", line + n);
			name[strcspn(name, "\n")] = '\0';
		}
		if (!name[0])
			snprintf(name, sizeof(name), "[anon]");
		if (end <= start || start >= (1ull << 47))
			continue;	/* [vsyscall]: no GPU address */
		if ((end - start) / page > o->max_pages) {
			if (o->all_ranges)
				printf("  range %llx-%llx perm=%s pages=%llu "
				       "scanned=no name=%s\n", start, end, perm,
				       (end - start) / page, name);
			continue;
		}
		ret = drm_svm_residency(dev, (void *)(uintptr_t)start,
					end - start, 0, &r);
		if (ret) {
			printf("  range %llx-%llx perm=%s error=%s name=%s\n",
			       start, end, perm, strerror(-ret), name);
			continue;
		}
		total_mapped += r.mapped;
		total_vram += r.vram;
		if (!o->all_ranges && !r.mapped && !r.unmanaged)
			continue;
		shown++;
		printf("  range %llx-%llx perm=%s pages=%" PRIu64 " mapped=%"
		       PRIu64 " writable=%" PRIu64 " huge=%" PRIu64 " vram=%"
		       PRIu64 " unmanaged=%" PRIu64 " name=%s\n", start, end,
		       perm, r.pages, r.mapped, r.writable, r.huge, r.vram,
		       r.unmanaged, name);
	}
	fclose(maps);
	printf("  total ranges=%" PRIu64 " mapped=%" PRIu64 " vram=%" PRIu64
	       "\n", shown, total_mapped, total_vram);
	return 0;
}

static int client(int pid, int fd, const char *link, const struct options *o)
{
	struct drm_svm_device *dev;
	struct drm_svm_counters c;
	int ret;

	ret = drm_svm_device_open_fd(fd, 0, &dev);
	if (ret == -ENODEV || ret == -ENOTTY)
		return 0;	/* not an SVM driver */
	if (ret) {
		printf("client pid=%d path=%s error=%s\n", pid, link,
		       strerror(-ret));
		return 1;
	}
	printf("client pid=%d path=%s driver=%s\n", pid, link,
	       driver_name(drm_svm_device_get_driver(dev)));
	ret = drm_svm_get_counters(dev, &c);
	if (ret == -EINVAL) {
		printf("  svm=none (no SVM_INIT on this file)\n");
		ret = 0;
	} else if (ret == -EOPNOTSUPP) {
		printf("  svm=unknown (the driver has no counters)\n");
		ret = 0;
	} else if (ret) {
		printf("  error=%s\n", strerror(-ret));
		ret = 1;
	} else {
		print_counters(&c);
		ret = print_ranges(dev, pid, o);
	}
	drm_svm_device_close(dev);
	return ret;
}

/* The SVM clients of @pid; @quiet: no error for vanished processes. */
static int process(int pid, const struct options *o, int quiet, int *found)
{
	char dir[64], fdpath[384], link[PATH_MAX];
	int pidfd, status = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d) {
		if (!quiet)
			fprintf(stderr, "svm-stat: pid %d: %s\n", pid,
				strerror(errno));
		return quiet ? 0 : 1;
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	while ((de = readdir(d))) {
		ssize_t len;
		int nr, fd;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(fdpath, sizeof(fdpath), "%s/%s", dir, de->d_name);
		len = readlink(fdpath, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (strncmp(link, "/dev/dri/", 9) != 0)
			continue;
		if (o->path && strcmp(link, o->path) != 0)
			continue;
		if (pidfd < 0) {
			fprintf(stderr, "svm-stat: pid %d: pidfd_open: %s\n",
				pid, strerror(errno));
			status = 1;
			break;
		}
		nr = atoi(de->d_name);
		fd = (int)syscall(SYS_pidfd_getfd, pidfd, nr, 0);
		if (fd < 0) {
			if (!quiet || errno != ESRCH) {
				fprintf(stderr, "svm-stat: pid %d fd %d: pidfd_getfd: %s\n",
					pid, nr, strerror(errno));
				status = 1;
			}
			continue;
		}
		(*found)++;
		status |= client(pid, fd, link, o);
		close(fd);
	}
	if (pidfd >= 0)
		close(pidfd);
	closedir(d);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "pid", required_argument, NULL, 'p' },
		{ "all-processes", no_argument, NULL, 'A' },
		{ "all-ranges", no_argument, NULL, 'a' },
		{ "max-pages", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { .max_pages = DEFAULT_MAX_PAGES };
	struct drm_svm_device *dev;
	int opt, pid = -1, every = 0, found = 0, status = 0, ret;
	char *end;

	while ((opt = getopt_long(argc, argv, "d:p:Aam:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd': o.path = optarg; break;
		case 'p':
			errno = 0;
			pid = (int)strtol(optarg, &end, 10);
			if (errno || *end || pid <= 0) {
				fprintf(stderr, "svm-stat: bad pid '%s'\n", optarg);
				return 1;
			}
			break;
		case 'A': every = 1; break;
		case 'a': o.all_ranges = 1; break;
		case 'm':
			o.max_pages = strtoull(optarg, &end, 0);
			if (*end || !o.max_pages) {
				fprintf(stderr, "svm-stat: bad page count '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (pid < 0 && !every) {
		ret = drm_svm_device_open(o.path, 0, &dev);
		if (ret) {
			fprintf(stderr, "svm-stat: %s: %s\n",
				o.path ? o.path : "no SVM-capable render node",
				strerror(-ret));
			return 2;
		}
		print_caps(dev);
		drm_svm_device_close(dev);
		return 0;
	}
	if (pid > 0) {
		status = process(pid, &o, 0, &found);
	} else {
		DIR *d = opendir("/proc");
		struct dirent *de;

		if (!d) {
			perror("svm-stat: /proc");
			return 1;
		}
		while ((de = readdir(d)))
			if (isdigit((unsigned char)de->d_name[0]) &&
			    atoi(de->d_name) != getpid())
				status |= process(atoi(de->d_name), &o, 1, &found);
		closedir(d);
	}
	if (!found)
		printf("clients none\n");
	return status;
}
