# SPDX-License-Identifier: GPL-2.0
# KTAP helpers for guest-side suites (POSIX sh, runs under busybox ash).
# Source it:   . /lib/uio-sva/ktap.sh
#
# The functions follow tools/testing/selftests/kselftest/ktap_helpers.sh:
#   ktap_print_header            "KTAP version 1"
#   ktap_set_plan N              "1..N"
#   ktap_skip_all REASON         "1..0 # SKIP REASON" (the whole suite skips)
#   ktap_test_pass DESC          "ok N DESC"
#   ktap_test_fail DESC          "not ok N DESC"
#   ktap_test_skip DESC [REASON] "ok N DESC # SKIP REASON" (counts as skipped,
#                                never as passed)
#   ktap_test_xfail DESC [WHY]   "ok N DESC # XFAIL WHY" (known failure; the
#                                host runner counts it as a failure, never
#                                as passed)
#   ktap_test_result DESC RC     by exit code: 0 pass, 4 skip, else fail
#                                (2, kselftest's XFAIL, is a failure here:
#                                only ktap_test_xfail declares one)
#   ktap_print_msg TEXT...       "# TEXT" (diagnostic)
#   ktap_finished                prints the totals; exits 1 if a test failed
#                                or the plan was not met, else 0
# and add:
#   ktap_run DESC CMD...         run CMD, its output as diagnostics, result by
#                                exit code (0 pass, 4 = $KSFT_SKIP skip)
#   ktap_wait SECONDS CMD...     retry CMD every 0.1 s until it succeeds
#                                (returns 0) or SECONDS pass (returns 1)
#   ktap_expect REGEX            tell the host runner that kernel log lines
#                                matching REGEX (Python re.search) are expected
#                                from now on (not failures)
#   ktap_require REGEX           like ktap_expect, and a kernel log line
#                                matching REGEX must appear before the scope
#                                ends (ktap_expect_clear or the suite's end),
#                                else the runner fails the suite. Matched
#                                against kernel lines only, never against
#                                the suite's own output
#   ktap_expect_clear            end of the scope: forget all expectations,
#                                check the requirements
#   ktap_qmp JSON                ask the host runner to execute the QMP
#                                command JSON (one line); the reply goes to
#                                the console log only: poll for the effect
#   ktap_sysfs_wait SECONDS PATH wait for PATH to exist
#   ktap_sysfs_gone SECONDS PATH wait for PATH to disappear
#
# Results go to stdout; /init forwards them to the console. Host requests
# (@@EXPECT, @@QMP) are written straight into the kernel log (/dev/kmsg),
# so they reach the console in order with the kernel's own messages.

KTAP_TESTNO=1
KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_SKIP=0
KTAP_CNT_XFAIL=0
KSFT_PASS=0
KSFT_FAIL=1
# shellcheck disable=SC2034 # part of the kselftest API
KSFT_XFAIL=2
# shellcheck disable=SC2034 # part of the kselftest API
KSFT_XPASS=3
KSFT_SKIP=4
KSFT_NUM_TESTS=0

ktap_print_header() {
	echo "KTAP version 1"
}

ktap_set_plan() {
	KSFT_NUM_TESTS=$1
	echo "1..$KSFT_NUM_TESTS"
}

ktap_skip_all() {
	echo "1..0 # SKIP $*"
	KSFT_NUM_TESTS=0
}

ktap_print_msg() {
	echo "# $*"
}

# Descriptions must not contain '#' (it starts a directive) or newlines.
__ktap_desc() {
	printf '%s' "$*" | tr '#\n' '- '
}

__ktap_test() {
	# __ktap_test RESULT DESC [DIRECTIVE]
	if [ -n "${3:-}" ]; then
		echo "$1 $KTAP_TESTNO $(__ktap_desc "$2") # $3"
	else
		echo "$1 $KTAP_TESTNO $(__ktap_desc "$2")"
	fi
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
}

ktap_test_pass() {
	__ktap_test "ok" "$1"
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
}

ktap_test_fail() {
	__ktap_test "not ok" "$1"
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
}

ktap_test_skip() {
	__ktap_test "ok" "$1" "SKIP${2:+ $2}"
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
}

ktap_test_xfail() {
	__ktap_test "ok" "$1" "XFAIL${2:+ $2}"
	KTAP_CNT_XFAIL=$((KTAP_CNT_XFAIL + 1))
}

ktap_test_result() {
	case "$2" in
	"$KSFT_PASS") ktap_test_pass "$1" ;;
	"$KSFT_SKIP") ktap_test_skip "$1" ;;
	*)
		ktap_print_msg "exit status $2"
		ktap_test_fail "$1"
		;;
	esac
}

ktap_run() {
	__desc=$1
	shift
	__out=$("$@" 2>&1) && __rc=0 || __rc=$?
	if [ -n "$__out" ]; then
		printf '%s\n' "$__out" | sed 's/^/# /'
	fi
	ktap_test_result "$__desc" "$__rc"
	return 0
}

ktap_wait() {
	__deadline=$(( $(date +%s) + $1 ))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s)" -lt "$__deadline" ] || return 1
		sleep 0.1
	done
}

ktap_sysfs_wait() {
	ktap_wait "$1" test -e "$2"
}

ktap_sysfs_gone() {
	ktap_wait "$1" sh -c '! test -e "$1"' sh "$2"
}

# Host requests: straight into the kernel log when possible.
__ktap_host() {
	if [ -w /dev/kmsg ]; then
		printf '<5>%s\n' "$*" > /dev/kmsg
	else
		printf '%s\n' "$*" > /dev/console
	fi
}

ktap_expect() {
	__ktap_host "@@EXPECT $*"
}

ktap_require() {
	__ktap_host "@@REQUIRE $*"
}

ktap_expect_clear() {
	__ktap_host "@@EXPECT-CLEAR"
}

ktap_qmp() {
	__ktap_host "@@QMP $*"
}

ktap_finished() {
	echo "# Totals: pass:$KTAP_CNT_PASS fail:$KTAP_CNT_FAIL xfail:$KTAP_CNT_XFAIL xpass:0 skip:$KTAP_CNT_SKIP error:0"
	__ran=$((KTAP_TESTNO - 1))
	if [ "$KTAP_CNT_FAIL" -gt 0 ]; then
		exit "$KSFT_FAIL"
	fi
	if [ "$__ran" -ne "$KSFT_NUM_TESTS" ]; then
		echo "# Planned tests != run tests ($KSFT_NUM_TESTS != $__ran)"
		exit "$KSFT_FAIL"
	fi
	exit "$KSFT_PASS"
}
