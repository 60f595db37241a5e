# SPDX-License-Identifier: GPL-2.0
#
# ipto top-level Makefile.
#   make            build kmod/ipto.ko (against KDIR) and the userland tools
#   make deps       install the Debian packages build and tests need
#   make check      deps + lint + build + unit tests + 10 s of each libFuzzer
#                   harness + the Debian packages + every test in QEMU, on
#                   each kernel, at repeat counts sized to catch regressions
#                   (what CI runs; at most 30 min on 2 cores)
#   make check-full the same at full repeat counts (20 failover cuts, 100
#                   unload cycles, 1 M fuzz messages), every test on 6.1,
#                   6.12 and mainline: before a release
#   make check-debug  the guest tests on a 6.1 debug kernel (KASAN, kmemleak,
#                   lockdep, DEBUG_OBJECTS, refcount trackers), built once
#                   into IPTO_CACHE (/var/cache/ipto) by debug-kernel.sh
#   make lint       checkpatch --strict, sparse (C=2) and W=1, cppcheck,
#                   shellcheck
#   make demo       deps + build + a takeover, told step by step in a guest
#   make bench      deps + build + benchmarks in a guest (figures, never fail)
#   make fuzz       deps + the libFuzzer harnesses (FUZZ_SECONDS each, 60),
#                   then the generic netlink fuzzer in a guest
#   make fuzz-netlink  deps + build + only the generic netlink fuzzer in a guest
#   make install    the module into /lib/modules/KVER/updates (then depmod),
#                   the tools, man pages, systemd unit, bash completion and
#                   example config under PREFIX; DESTDIR honoured
#   make uninstall  removes exactly what make install put there
#   make install-tools / uninstall-tools  the same without the module
#   make gen        kmod/netlink-gen.[ch] and selftests/helpers/ipto_spec.py
#                   from uapi/ipto.yaml (committed; the unit tests check
#                   they are current)
#   make deb        build/deb/ipto-tools_*.deb and ipto-dkms_*.deb
#                   (dpkg-buildpackage), then lintian
#   make install-dkms  the module's source into /usr/src/ipto-VERSION with
#                   its dkms.conf, then dkms add, build and install (not
#                   with DESTDIR); make uninstall-dkms undoes it
# Variables: KDIR, IPTO_CACHE (/var/cache/ipto: guest kernels, test servers),
# KERNELS ("6.1 6.12"; also "mainline": Debian unstable's
# kernel, from a chroot made by selftests/vm/mainline-kernel.sh), T (tests),
# BENCH (some benchmarks), TEST_TIMEOUT,
# VM_TCG (single: one host thread per guest, VM_JOBS guests side by side,
# as many as cores; multi: one thread per vCPU, one guest at a time),
# VM_CMDLINE (kernel parameters added to the guests'), VM_TIMEOUT,
# FUZZ_MESSAGES and FUZZ_SEED (fuzz-netlink), PREFIX (/usr/local) and
# DESTDIR (install).

# The running kernel's headers, else the newest installed Debian headers,
# else the 6.1 headers make deps unpacked into the cache.
IPTO_CACHE ?= /var/cache/ipto
export IPTO_CACHE
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))) \
	$(wildcard $(IPTO_CACHE)/kernels/6.1/root/usr/src/linux-headers-*-amd64))
include $(CURDIR)/userland/version.mk
export IPTO_VERSION

all: module userland

module:
	@test -n "$(KDIR)" || { echo "no kernel headers found: make deps, or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 IPTO_VERSION=$(IPTO_VERSION) modules

userland:
	$(MAKE) -C userland IPTO_VERSION=$(IPTO_VERSION)

deps:
	selftests/vm/deps.sh

# Installed layout.  The unit's ExecStart names iptod where it is installed;
# under PREFIX=/usr the unit goes with the distribution's, else with the
# administrator's.
PREFIX ?= /usr/local
SBINDIR := $(PREFIX)/sbin
BINDIR := $(PREFIX)/bin
MANDIR := $(PREFIX)/share/man
DOCDIR := $(PREFIX)/share/doc/ipto
COMPLETIONDIR := $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,/etc/systemd/system)
# The release the module's vermagic names (Debian's 6.1 headers put the
# upstream version in include/config/kernel.release, not the release).
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MODDIR = /lib/modules/$(KVER)/updates
TOOL_FILES = $(SBINDIR)/iptoctl $(SBINDIR)/iptod \
	$(BINDIR)/ipto-probe $(MANDIR)/man8/iptoctl.8 $(MANDIR)/man8/iptod.8 \
	$(MANDIR)/man5/iptod.conf.5 $(MANDIR)/man1/ipto-probe.1 \
	$(UNITDIR)/iptod.service $(UNITDIR)/iptod-prepare.service \
	$(COMPLETIONDIR)/iptoctl $(DOCDIR)/iptod.conf.example

install: module install-tools
	@test -n "$(KVER)" || { echo "install: no kernel release from KDIR=$(KDIR)" >&2; exit 1; }
	install -D -m 0644 kmod/ipto.ko $(DESTDIR)$(MODDIR)/ipto.ko
	$(if $(DESTDIR),,depmod -a $(KVER))
	@echo "installed for kernel $(KVER); next: /etc/ipto/iptod.conf from $(DOCDIR)/iptod.conf.example"

# Everything but the module (which DKMS may provide instead).
install-tools: userland
	install -D -m 0755 -t $(DESTDIR)$(SBINDIR) userland/iptoctl/iptoctl userland/iptod/iptod
	install -D -m 0755 -t $(DESTDIR)$(BINDIR) userland/probe/ipto-probe
	install -D -m 0644 -t $(DESTDIR)$(MANDIR)/man8 userland/iptoctl/iptoctl.8 userland/iptod/iptod.8
	install -D -m 0644 -t $(DESTDIR)$(MANDIR)/man5 userland/iptod/iptod.conf.5
	install -D -m 0644 -t $(DESTDIR)$(MANDIR)/man1 userland/probe/ipto-probe.1
	install -D -m 0644 userland/iptoctl/iptoctl.bash-completion $(DESTDIR)$(COMPLETIONDIR)/iptoctl
	install -D -m 0644 userland/iptod/iptod.conf.example $(DESTDIR)$(DOCDIR)/iptod.conf.example
	mkdir -p $(DESTDIR)$(UNITDIR)
	for unit in iptod.service iptod-prepare.service; do \
		sed 's|/usr/sbin/iptod|$(SBINDIR)/iptod|g' userland/iptod/$$unit \
			>$(DESTDIR)$(UNITDIR)/$$unit && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$unit || exit 1; \
	done

# DKMS: the module's source as DKMS wants it, then (on this system) DKMS
# builds and installs it for the running kernel and every later one.
DKMS_SRC = /usr/src/ipto-$(IPTO_VERSION)
install-dkms:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	mkdir -p $(DESTDIR)$(DKMS_SRC)/kmod $(DESTDIR)$(DKMS_SRC)/uapi/linux
	install -m 0644 Kbuild $(DESTDIR)$(DKMS_SRC)/
	install -m 0644 kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.c)) kmod/*.h \
		$(DESTDIR)$(DKMS_SRC)/kmod/
	install -m 0644 uapi/linux/ipto.h $(DESTDIR)$(DKMS_SRC)/uapi/linux/
	sed 's/@VERSION@/$(IPTO_VERSION)/' kmod/dkms.conf.in >$(DESTDIR)$(DKMS_SRC)/dkms.conf
	$(if $(DESTDIR),,dkms add -m ipto -v $(IPTO_VERSION))
	$(if $(DESTDIR),,dkms install -m ipto -v $(IPTO_VERSION))

uninstall-dkms:
	dkms remove -m ipto -v $(IPTO_VERSION) --all
	rm -rf $(DKMS_SRC)

# Debian packages ipto-tools and ipto-dkms, built by dpkg-buildpackage from
# a copy of the source (what git tracks, or the whole tree outside git)
# with userland/debian/ as its debian/; then lintian's verdict.
DEB_DIR = build/deb
DEB_SRC = $(DEB_DIR)/ipto-$(IPTO_VERSION)
deb: deps
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z --cached --others --exclude-standard | \
			xargs -0 cp --parents -t $(DEB_SRC); \
	else \
		cp -r Kbuild Makefile README kmod uapi userland $(DEB_SRC)/; \
	fi
	rm -rf $(DEB_SRC)/debian
	cp -r userland/debian $(DEB_SRC)/debian
	printf 'ipto (%s) unstable; urgency=medium\n\n  * Built from %s.\n\n -- The ipto authors <dev@ipto.invalid>  %s\n' \
		'$(IPTO_VERSION)' '$(IPTO_VERSION)' "$$(date -R)" >$(DEB_SRC)/debian/changelog
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc
	lintian --tag-display-limit 0 $(DEB_DIR)/*.changes || true
	@ls -1 $(DEB_DIR)/*.deb

# The kernel release make install installs for (the one KDIR names).
kernelrelease:
	@echo $(KVER)

uninstall: uninstall-tools
	@test -n "$(KVER)" || { echo "uninstall: no kernel release from KDIR=$(KDIR)" >&2; exit 1; }
	rm -f $(DESTDIR)$(MODDIR)/ipto.ko
	$(if $(DESTDIR),,depmod -a $(KVER))

uninstall-tools:
	rm -f $(addprefix $(DESTDIR),$(TOOL_FILES))
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

# check: what CI runs, in at most 30 min on a 2-core machine.  check-full:
# the same at full repeat counts, every group on every kernel, mainline too.
# check-host: their steps on the host, before the guests.
check: deps
	$(MAKE) check-host
	IPTO_CHECK=quick selftests/vm/check.sh

check-full: export KERNELS ?= 6.1 6.12 mainline
check-full: deps
	$(MAKE) check-host
	IPTO_CHECK=full selftests/vm/check.sh

# The module's netlink policies and op table, and the test helpers'
# numbers, generated from the spec.
gen:
	python3 uapi/ynl-gen-kmod.py uapi/ipto.yaml kmod/netlink-gen.c kmod/netlink-gen.h
	python3 uapi/ynl-gen-py.py uapi/ipto.yaml selftests/helpers/ipto_spec.py

check-host:
	$(MAKE) lint
	$(MAKE) userland
	$(MAKE) -C userland asan
	$(MAKE) -C selftests/tools
	$(MAKE) -C selftests/unit check
	$(MAKE) -C selftests/fuzz smoke nlfuzz
	$(MAKE) deb
	selftests/vm/ynl.sh
	selftests/vm/pg-template.sh

# A debug kernel runs the suite several times slower under TCG: 60 min per
# test at most (apt's DKMS build of the module alone took 25 to 29 min),
# 5 h per boot.
check-debug: deps
	$(MAKE) userland
	$(MAKE) -C userland asan
	$(MAKE) -C selftests/tools
	$(MAKE) -C selftests/unit
	$(MAKE) -C selftests/fuzz nlfuzz
	$(MAKE) deb
	selftests/vm/ynl.sh
	selftests/vm/pg-template.sh
	KERNELS=debug TEST_TIMEOUT=$(or $(TEST_TIMEOUT),3600) VM_TIMEOUT=$(or $(VM_TIMEOUT),18000) \
		VM_MEMORY=4096 selftests/vm/check.sh

lint: deps
	selftests/vm/lint.sh

demo: deps
	$(MAKE) userland
	selftests/vm/demo.sh

bench: deps
	$(MAKE) userland
	$(MAKE) -C selftests/tools
	selftests/vm/bench.sh

fuzz: deps
	$(MAKE) -C selftests/fuzz run
	$(MAKE) fuzz-netlink

fuzz-netlink: deps
	$(MAKE) userland
	$(MAKE) -C selftests/fuzz nlfuzz
	selftests/vm/fuzz.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userland clean
	$(MAKE) -C selftests/tools clean
	$(MAKE) -C selftests/unit clean
	$(MAKE) -C selftests/fuzz clean
	rm -rf build

.PHONY: all module userland deps install install-tools install-dkms kernelrelease \
	uninstall uninstall-tools uninstall-dkms deb gen check check-full check-host check-debug lint demo bench fuzz fuzz-netlink clean
