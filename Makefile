# docbao — plain make + pkg-config.
#   make              build build/docbao (and build/docbaod, the daemon it becomes)
#   make test         build and run every test; ends with "N passed, M failed"
#   make SAN=1 test   the same with AddressSanitizer + UndefinedBehaviorSanitizer
#   make TSAN=1 test  the same with ThreadSanitizer (data races between the player's threads)
#   make bench        benchmarks
#   make valgrind     the daemon and crash tests with every docbao under valgrind memcheck
#   make deps         install the Debian packages needed to build, run and test (root)
#   make install PREFIX=/usr/local DESTDIR=
#   make clean

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/lib/docbao
DATADIR   ?= $(PREFIX)/share/docbao
MANDIR    ?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale
DESTDIR   ?=

CC        ?= cc
PKG_CONFIG ?= pkg-config
BUILD     ?= build

PKGS      := espeak-ng portaudio-2.0 libcurl libxml-2.0 sndfile libutf8proc alsa jansson sqlite3 \
             soxr libebur128

# Debian packages: build, run and test. One list, used by `make deps` (and later packaging).
DEB_BUILD := build-essential pkg-config libespeak-ng-dev portaudio19-dev libasound2-dev \
             libcurl4-openssl-dev libxml2-dev libsndfile1-dev libutf8proc-dev \
             libjansson-dev libsqlite3-dev libsoxr-dev libebur128-dev libsystemd-dev \
             libspeechd-dev gettext
DEB_RUN   := espeak-ng-data ca-certificates
DEB_TEST  := python3 sox alsa-utils ffmpeg tmux pulseaudio pulseaudio-utils libasound2-plugins \
             dbus playerctl socat dpkg-dev debhelper lintian man-db zsh speech-dispatcher \
             valgrind clang libclang-rt-14-dev faketime espeak-ng

# MPRIS (media keys over D-Bus) needs sd-bus from libsystemd: yes, no, or auto (when found).
USE_MPRIS ?= auto
ifeq ($(USE_MPRIS),auto)
USE_MPRIS := $(shell $(PKG_CONFIG) --exists libsystemd && echo yes || echo no)
endif
ifeq ($(USE_MPRIS),yes)
PKGS      += libsystemd
MPRIS_DEF := -DDOCBAO_MPRIS=1
else
MPRIS_DEF := -DDOCBAO_MPRIS=0
endif

# --output speechd (speaking through speech-dispatcher, the screen reader's speech server)
# needs libspeechd: yes, no, or auto (when found).
USE_SPEECHD ?= auto
ifeq ($(USE_SPEECHD),auto)
USE_SPEECHD := $(shell $(PKG_CONFIG) --exists speech-dispatcher && echo yes || echo no)
endif
ifeq ($(USE_SPEECHD),yes)
PKGS        += speech-dispatcher
SPEECHD_DEF := -DDOCBAO_SPEECHD=1
else
SPEECHD_DEF := -DDOCBAO_SPEECHD=0
endif

CFLAGS    ?= -O2 -g
WARN      := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
DEFS      := -D_POSIX_C_SOURCE=200809L -DDOCBAO_VERSION='"$(VERSION)"' \
             -DDOCBAO_DATADIR='"$(DATADIR)"' -DDOCBAO_LOCALEDIR='"$(LOCALEDIR)"' $(MPRIS_DEF) \
             -DDOCBAO_LIBEXECDIR='"$(LIBEXECDIR)"' \
             $(SPEECHD_DEF)
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(WARN) $(DEFS) -Iinclude $(PKG_CFLAGS) $(CFLAGS) $(SANFLAGS)
LDLIBS    := $(PKG_LIBS) -lm -lpthread

ifeq ($(SAN),1)
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
BUILD     := build-san
endif
ifeq ($(TSAN),1)
SANFLAGS  := -fsanitize=thread -fno-omit-frame-pointer
BUILD     := build-tsan
endif

# src/daemon/ is docbaod's own (its main and the player it talks to in a worker process): it
# links a few of docbao's objects and only jansson and libsystemd, so an idle daemon is small.
SRCS      := $(sort $(filter-out src/daemon/%,$(wildcard src/*.c src/*/*.c)))
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
OBJS      := $(SRCS:%.c=$(BUILD)/obj/%.o)
D_SRCS    := $(sort $(wildcard src/daemon/*.c))
D_OBJS    := $(D_SRCS:%.c=$(BUILD)/obj/%.o) \
             $(addprefix $(BUILD)/obj/src/,ctl/daemon.o ctl/server.o ctl/mpris.o ctl/worker.o \
               core/cmd.o core/util.o core/err.o core/i18n.o core/paths.o)
D_PKGS    := jansson $(if $(filter yes,$(USE_MPRIS)),libsystemd)
D_LIBS    := $(shell $(PKG_CONFIG) --libs $(D_PKGS) 2>/dev/null)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
PO_FILES  := $(wildcard po/*.po)
MO_FILES  := $(PO_FILES:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/docbao.mo)

.PHONY: all test test-ahead bench deps install uninstall clean format update-po deb print-deps fuzz fuzz-build \
	valgrind
all: $(BUILD)/docbao $(BUILD)/docbaod $(MO_FILES)

$(BUILD)/docbao: $(OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/docbaod: $(D_OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(D_LIBS)

$(BUILD)/libdocbao.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libdocbao.a tests/unit/t.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libdocbao.a $(LDLIBS)

$(BUILD)/locale/%/LC_MESSAGES/docbao.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# test_ctl drives the control socket and MPRIS against a fake player, not player.o.
$(BUILD)/tests/test_ctl: tests/unit/test_ctl.c tests/unit/fake_player.c $(BUILD)/libdocbao.a \
		tests/unit/t.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ tests/unit/test_ctl.c tests/unit/fake_player.c \
		$(BUILD)/libdocbao.a $(LDLIBS)

-include $(OBJS:.o=.d) $(D_SRCS:%.c=$(BUILD)/obj/%.d)

# Regenerates po/docbao.pot from the sources and merges it into every po/*.po.
update-po:
	xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 --package-name=docbao \
		--package-version=$(VERSION) --add-comments=TRANSLATORS -o po/docbao.pot $(SRCS) \
		$(D_SRCS) include/docbao/cmd_rows.h
	for po in $(PO_FILES); do msgmerge --quiet --update --backup=none $$po po/docbao.pot; done

test: all $(UNIT_BINS)
	@BUILD=$(BUILD) DOCBAO_SAN=$(if $(filter 1,$(SAN) $(TSAN)),1,0) tests/run

# The whole suite with the machine's clock a month ahead (libfaketime): tests must not depend
# on the day they run. The monotonic clock is faked too (libfaketime 0.9.10 makes Python's
# sleeps fail with EINVAL otherwise), and its shared memory is off (sem_open is not available
# to every process here: man-db's sandbox refuses it, hence MAN_DISABLE_SECCOMP).
AHEAD ?= +30 days
test-ahead: all $(UNIT_BINS)
	@BUILD=$(BUILD) FAKETIME_DISABLE_SHM=1 MAN_DISABLE_SECCOMP=1 faketime '$(AHEAD)' tests/run

bench: $(BUILD)/docbao
	@BUILD=$(BUILD) tests/bench/run

# The daemon and crash tests with every docbao they start under valgrind memcheck, and every
# process those start (the daemon's docbaod and its player processes) (logs in
# $(BUILD)/valgrind/<test>/, one per process); see tests/fuzz/README.md. A memory error makes
# that docbao exit 99; leaks are judged from the logs by tests/run (not by the exit status:
# the export's forked workers _exit holding their parent's heap).
VALGRIND_CMD   ?= valgrind --error-exitcode=99 --leak-check=full --trace-children=yes \
                  --show-leak-kinds=definite,indirect --errors-for-leak-kinds=none \
                  --num-callers=40 --vgdb=no --suppressions=$(CURDIR)/tests/valgrind.supp
VALGRIND_TESTS ?= test_daemon test_crash
valgrind: all
	@BUILD=$(BUILD) DOCBAO_VALGRIND="$(VALGRIND_CMD)" TESTS="$(VALGRIND_TESTS)" \
		DOCBAO_CRASH_ROUNDS=$${DOCBAO_CRASH_ROUNDS:-4} tests/run

print-deps:
	@echo "DEB_BUILD=$(strip $(DEB_BUILD))"
	@echo "DEB_RUN=$(strip $(DEB_RUN))"
	@echo "DEB_TEST=$(strip $(DEB_TEST))"
	@echo "PKGS=$(strip $(PKGS))"

# A Debian package built from a copy of the tree (packaging/debian); the .deb lands in $(BUILD).
deb:
	packaging/make-deb.sh $(BUILD)

deps:
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		$(DEB_BUILD) $(DEB_RUN) $(DEB_TEST)

install: $(BUILD)/docbao $(BUILD)/docbaod
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/voices/vi $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(PREFIX)/lib/systemd/user $(DESTDIR)$(PREFIX)/share/applications \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions
	install -m 755 $(BUILD)/docbao $(DESTDIR)$(BINDIR)/docbao
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 755 $(BUILD)/docbaod $(DESTDIR)$(LIBEXECDIR)/docbaod
	cp -R voices/. $(DESTDIR)$(DATADIR)/voices/
	install -m 644 sources.json $(DESTDIR)$(DATADIR)/sources.json
	install -m 644 packaging/docbao.1 $(DESTDIR)$(MANDIR)/man1/docbao.1
	sed 's|/usr/bin/docbao|$(BINDIR)/docbao|' packaging/docbao.service \
		> $(DESTDIR)$(PREFIX)/lib/systemd/user/docbao.service
	install -m 644 packaging/docbao.desktop $(DESTDIR)$(PREFIX)/share/applications/docbao.desktop
	install -m 644 packaging/completion/docbao.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/docbao
	install -m 644 packaging/completion/_docbao \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_docbao
	for mo in $(MO_FILES); do lang=$$(basename $$(dirname $$(dirname $$mo))); \
		install -d $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES; \
		install -m 644 $$mo $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES/docbao.mo; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/docbao $(DESTDIR)$(MANDIR)/man1/docbao.1
	rm -rf $(DESTDIR)$(LIBEXECDIR)
	rm -f $(DESTDIR)$(PREFIX)/lib/systemd/user/docbao.service
	rm -f $(DESTDIR)$(PREFIX)/share/applications/docbao.desktop
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/docbao
	rm -f $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_docbao
	rm -rf $(DESTDIR)$(DATADIR)
	rm -f $(DESTDIR)$(LOCALEDIR)/*/LC_MESSAGES/docbao.mo

format:
	clang-format -i $(SRCS) $(D_SRCS) $(wildcard include/docbao/*.h) $(UNIT_SRCS)

clean:
	rm -rf build build-san build-fuzz

# Fuzz targets (libFuzzer, clang): make fuzz-build, make fuzz [FUZZ_SECONDS=30], make fuzz-regress.
include tests/fuzz/fuzz.mk
