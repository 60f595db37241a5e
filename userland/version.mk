# SPDX-License-Identifier: GPL-2.0
# version.mk - the one version of ipto, shared by the module, iptoctl, iptod
# and the packages: IPTO_RELEASE, and in a git checkout ".COMMITS+gHASH"
# after it (with "+dirty" for uncommitted changes), e.g. 0.1.212+g0c1f3e7.
# An IPTO_VERSION from the command line or the environment wins: a DKMS
# build passes the version it was packaged as.
IPTO_RELEASE := 0.1
ifndef IPTO_VERSION
IPTO_GITDIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))/..
IPTO_COMMITS := $(shell git -C $(IPTO_GITDIR) rev-list --count HEAD 2>/dev/null)
IPTO_HASH := $(shell git -C $(IPTO_GITDIR) describe --always --dirty=+dirty 2>/dev/null)
IPTO_VERSION := $(IPTO_RELEASE)$(if $(IPTO_COMMITS),.$(IPTO_COMMITS)+g$(IPTO_HASH))
endif
