# MACROHARD top-level build. Objects go to $(BUILD)/<platform>/.
#   make            hosted kernel (build/hosted/macrohard)
#   make run        boot the hosted kernel to the monitor
#   make image      bare-metal ELF + bootable ISO (BIOS and UEFI)
#   make run-qemu   boot the ISO in QEMU
#   make test       everything CI checks
#   make deps       install what the build needs (tools/deps.sh)
# Options: SAN=1 (ASan+UBSan for the hosted build), CC=clang, V=1.

BUILD ?= build
SAN ?= 0
CC ?= gcc
V ?= 0
ifeq ($(V),0)
Q := @
endif

# --- sources ------------------------------------------------------------
# Portable code: compiled freestanding for both platforms.
PORTABLE_C := $(sort $(wildcard core/*.c core/*/*.c drivers/*.c hv/*.c hv/*/*.c arch/x86_64/*.c))
PORTABLE_S := $(sort $(wildcard arch/x86_64/*.S))
# The C library provides these on the hosted platform (so sanitizers see them).
LIBC_PROVIDED := core/lib/string.c

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes
FREESTANDING := -std=c11 -ffreestanding -nostdinc -Iinclude -fno-common
DEBUGFLAGS := -g -fno-omit-frame-pointer

ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
HOSTED_OPT := -O1
BUILD_HOSTED := $(BUILD)/hosted-san
else
SANFLAGS :=
HOSTED_OPT := -O2
BUILD_HOSTED := $(BUILD)/hosted
endif

HOSTED_PORTABLE_CFLAGS := $(FREESTANDING) $(WARN) $(DEBUGFLAGS) $(HOSTED_OPT) $(SANFLAGS) -DKERNEL_DEBUG=1
HOSTED_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Iinclude $(WARN) $(DEBUGFLAGS) $(HOSTED_OPT) $(SANFLAGS) -pthread \
	-DHOSTED_STUB_BASE=0x7f8000000000UL
HOSTED_LDFLAGS := $(SANFLAGS) -pthread

.PHONY: all hosted run image run-qemu test deps unit check-freestanding format clean
all: hosted

include mk/user.mk
include mk/hosted.mk
-include mk/baremetal.mk
include mk/guests.mk
include mk/test.mk
include mk/fuzz.mk

deps:
	$(Q)tools/deps.sh

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
