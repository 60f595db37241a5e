/* SPDX-License-Identifier: GPL-2.0 */
/*
 * boot.h - the boot counter: a number larger at each start of iptod, kept
 * on disk, that heartbeats carry so that peers tell a restarted daemon from
 * a recording of an old one, whatever the clock does.
 */
#ifndef IPTOD_BOOT_H
#define IPTOD_BOOT_H

#include <stddef.h>
#include <stdint.h>

/* The state directory: $STATE_DIRECTORY (systemd's StateDirectory=) or this. */
#define IPTOD_STATE_DIR	"/var/lib/ipto"

/*
 * The state directory iptod uses: the first of the colon-separated paths
 * in $STATE_DIRECTORY, else IPTOD_STATE_DIR.  Written into buf.
 */
const char *iptod_state_dir(char *buf, size_t len);

/*
 * Reads the counter of device from dir/DEVICE.boot (none yet: 0), stores
 * one more there (written to a new file, synced, renamed over, the
 * directory synced) and returns it in *boot.  Creates dir (0700) when it is
 * missing.  Returns 0, or -1 with a message naming the file and the
 * problem in err, and nothing written.
 */
int iptod_boot_next(const char *dir, const char *device, uint64_t *boot, char *err,
		    size_t errlen);

#endif /* IPTOD_BOOT_H */
