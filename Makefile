# SPDX-License-Identifier: GPL-2.0
#
# ipto top-level Makefile.
#   make            build kmod/ipto.ko (against KDIR) and the userland tools
#   make deps       install the Debian packages build and tests need
#   make check      deps + lint + build + unit tests + 10 s of each libFuzzer
#                   harness + every test in QEMU, on each kernel
#   make check-debug  the guest tests on a 6.1 debug kernel (KASAN, kmemleak,
#                   lockdep, DEBUG_OBJECTS, refcount trackers), built once
#                   into IPTO_CACHE (/var/cache/ipto) by debug-kernel.sh
#   make lint       checkpatch --strict, sparse (C=2) and W=1, cppcheck
#   make demo       deps + build + a takeover, told step by step in a guest
#   make bench      deps + build + benchmarks in a guest (figures, never fail)
#   make fuzz       deps + the libFuzzer harnesses (FUZZ_SECONDS each, 60),
#                   then the generic netlink fuzzer in a guest
#   make fuzz-netlink  deps + build + only the generic netlink fuzzer in a guest
# Variables: KDIR, KERNELS ("6.1 6.12"), T (one test), BENCH (some benchmarks),
# TEST_TIMEOUT, VM_TIMEOUT, FUZZ_MESSAGES and FUZZ_SEED (fuzz-netlink).

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))
IPTO_VERSION := $(shell git -C $(CURDIR) describe --always --dirty 2>/dev/null || echo 0.1)
export IPTO_VERSION

all: module userland

module:
	@test -n "$(KDIR)" || { echo "no kernel headers found: make deps, or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 IPTO_VERSION=$(IPTO_VERSION) modules

userland:
	$(MAKE) -C userland IPTO_VERSION=$(IPTO_VERSION)

deps:
	selftests/vm/deps.sh

check: deps
	$(MAKE) lint
	$(MAKE) userland
	$(MAKE) -C userland asan
	$(MAKE) -C selftests/tools
	$(MAKE) -C selftests/unit check
	$(MAKE) -C selftests/fuzz smoke nlfuzz
	selftests/vm/check.sh

# A debug kernel runs the suite several times slower under TCG.
check-debug: deps
	$(MAKE) userland
	$(MAKE) -C userland asan
	$(MAKE) -C selftests/tools
	KERNELS=debug TEST_TIMEOUT=$(or $(TEST_TIMEOUT),900) VM_TIMEOUT=$(or $(VM_TIMEOUT),9000) \
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

.PHONY: all module userland deps check check-debug lint demo bench fuzz fuzz-netlink clean
