# tests/fuzz/fuzz.mk — libFuzzer targets (included by the top Makefile).
#   make fuzz-build                 build every target with clang into build-fuzz/
#   make fuzz [FUZZ_SECONDS=30]     replay tests/fuzz/regressions/<target>/, then run each
#                                   target for FUZZ_SECONDS from its seed folders
#                                   (tests/fuzz/seeds.sh: the test fixtures and tests/fuzz/corpus/);
#                                   fails on the first crash, leak or timeout
#   make fuzz-regress               only the replay (what `make test` may call)
# New findings go to build-fuzz/findings/<target>/; copy a crasher into
# tests/fuzz/regressions/<target>/ once fixed. See tests/fuzz/README.md.

FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 30
FUZZ_BUILD    := build-fuzz
FUZZ_TARGETS  := fuzz_feed fuzz_extract fuzz_text fuzz_ctl fuzz_sources fuzz_config
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                 -fno-omit-frame-pointer
FUZZ_CFLAGS    = -std=c11 -Wall -Wextra -g -O1 $(DEFS) -Iinclude $(PKG_CFLAGS) $(FUZZ_SAN) \
                 -DFUZZ_SRCDIR='"$(CURDIR)"'
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BINS     := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)
# One input may take at most this long (seconds) and this much memory (MB).
FUZZ_OPTS     ?= -timeout=10 -rss_limit_mb=2048 -max_len=262144

.PHONY: fuzz-build fuzz fuzz-regress
fuzz-build: $(FUZZ_BINS)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/libdocbao.a: $(FUZZ_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

# fuzz_ctl links the unit tests' fake player ahead of the library (like test_ctl).
$(FUZZ_BUILD)/fuzz_ctl: tests/fuzz/fuzz_ctl.c tests/unit/fake_player.c $(FUZZ_BUILD)/libdocbao.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ tests/fuzz/fuzz_ctl.c \
		tests/unit/fake_player.c $(FUZZ_BUILD)/libdocbao.a $(LDLIBS)

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libdocbao.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libdocbao.a $(LDLIBS)

-include $(FUZZ_LIB_OBJS:.o=.d)

fuzz-regress: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		d=tests/fuzz/regressions/$$t; \
		files=$$(find $$d -type f ! -name '.*' 2>/dev/null | sort); \
		[ -n "$$files" ] || continue; \
		echo "fuzz: replaying $$d"; \
		$(FUZZ_BUILD)/$$t $(FUZZ_OPTS) -runs=0 $$files >$(FUZZ_BUILD)/$$t.regress.log 2>&1 || \
			{ tail -40 $(FUZZ_BUILD)/$$t.regress.log; echo "fuzz: $$t regression FAILED"; \
			  exit 1; }; \
	done

fuzz: fuzz-regress
	@set -e; for t in $(FUZZ_TARGETS); do \
		w=$(FUZZ_BUILD)/work/$$t; f=$(FUZZ_BUILD)/findings/$$t; \
		mkdir -p $$w $$f; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		seeds=""; for d in $$(tests/fuzz/seeds.sh $$t); do \
			[ -d $$d ] && seeds="$$seeds $$d"; done; \
		$(FUZZ_BUILD)/$$t $(FUZZ_OPTS) -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$$f/ $$w $$seeds 2>$(FUZZ_BUILD)/$$t.log || \
			{ tail -40 $(FUZZ_BUILD)/$$t.log; echo "fuzz: $$t FAILED"; exit 1; }; \
		grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+ +DONE' \
			$(FUZZ_BUILD)/$$t.log | tr '\n' ' '; echo; \
	done
