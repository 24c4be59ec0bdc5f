#!/bin/sh
# Cairn fuzzing: build every libFuzzer target tests/fuzz/fuzz_*.c with clang
# and run each for a bounded time. `make fuzz` calls this.
#
#   FUZZ_SECONDS   total time for all targets, split evenly (default 60)
#   FUZZ_TARGETS   target names to run (default: all, e.g. "fuzz_config")
#   BUILD          output directory (default build)
#   CLANG          the compiler (default clang)
#
# A target lists the sources it links in a line "// SOURCES: a.c b.c", as
# the host tests do. Each target starts from a seed corpus made from the
# example configs (the ```xml blocks of docs/init-config.md and run/*.config)
# plus the corpus earlier runs kept in $BUILD/fuzz/<target>/corpus.
# Exits non-zero if a target does not build or finds a crash; the input
# that crashed is kept as $BUILD/fuzz/<target>/crash-*, replay it with
#   $BUILD/fuzz/<target>/<target> $BUILD/fuzz/<target>/crash-...
set -eu

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CLANG=${CLANG:-clang}
total=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done)}
CFLAGS="-std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
-DCAIRN_HOST_TEST -Iinclude -Ilib/include -Wall -Wextra -Werror \
-Wno-unused-parameter"

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: error: $CLANG not found (tools/setup.sh installs clang)" >&2
	exit 1
fi
case $total in
'' | *[!0-9]*)
	echo "fuzz: error: FUZZ_SECONDS must be a number of seconds, not '$total'" >&2
	exit 1
	;;
esac

count=$(echo "$targets" | wc -w)
[ "$count" -gt 0 ] || { echo "fuzz: no targets" >&2; exit 1; }
each=$((total / count))
[ "$each" -ge 1 ] || each=1

# Seeds: example configs, and a dictionary of the config's words (a target
# with a dictionary of its own, tests/fuzz/<target>.dict, uses that).
seeds=$BUILD/fuzz/seeds
rm -rf "$seeds"
mkdir -p "$seeds"
awk -v dir="$seeds" '/^```xml/ { n++; f = 1; next } /^```/ { f = 0 } f { print > (dir "/doc-" n ".xml") }' \
	docs/init-config.md
for f in run/*.config; do
	[ -f "$f" ] && cp "$f" "$seeds/run-$(basename "$f")"
done
printf '<config><start name="a" caps="1" ram="1M"/></config>' >"$seeds/tiny.xml"
dict=$BUILD/fuzz/config.dict
cat >"$dict" <<'EOF'
"<config"
"</config>"
"<parent-provides>"
"</parent-provides>"
"<default-route>"
"</default-route>"
"<default caps=\"1\"/>"
"<start"
"</start>"
"<binary name=\"b\"/>"
"<resource name=\"RAM\" quantum=\"1M\"/>"
"<provides>"
"</provides>"
"<route>"
"</route>"
"<service name=\"LOG\""
"</service>"
"<any-service>"
"</any-service>"
"<parent/>"
"<child name=\"a\"/>"
"<any-child/>"
" name=\""
" label=\""
" caps=\""
" priority=\"-"
" cpu=\""
" ram=\""
" prio_levels=\""
"<!--"
"-->"
"<?xml version=\"1.0\"?>"
"&amp;"
"&#x41;"
"/>"
EOF

status=0
for t in $targets; do
	src=tests/fuzz/$t.c
	out=$BUILD/fuzz/$t
	if [ ! -f "$src" ]; then
		echo "fuzz: error: no $src" >&2
		exit 1
	fi
	mkdir -p "$out/corpus"
	tdict=$dict
	[ -f "tests/fuzz/$t.dict" ] && tdict=tests/fuzz/$t.dict
	sources=$(sed -n 's|^// SOURCES: ||p' "$src")
	echo "fuzz: building $t"
	# $CFLAGS and $sources are word lists: split them on purpose.
	# shellcheck disable=SC2086
	"$CLANG" $CFLAGS -o "$out/$t" "$src" $sources
	echo "fuzz: running $t for $each s"
	if "$out/$t" -max_total_time="$each" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
		-dict="$tdict" -artifact_prefix="$out/" -print_final_stats=1 \
		"$out/corpus" "$seeds" >"$out/log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log")
		kept=$(find "$out/corpus" -type f | wc -l)
		echo "fuzz: $t: ok, $runs runs, corpus $kept inputs"
	else
		status=1
		echo "fuzz: $t: FAILED; the log's end ($out/log):" >&2
		tail -n 40 "$out/log" >&2
	fi
done
exit $status
