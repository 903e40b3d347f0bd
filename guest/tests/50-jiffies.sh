# SPDX-License-Identifier: GPL-2.0
# The jiffies conversion sample: every value it prints must be the one
# computed here with shell arithmetic from the kernel's HZ. Then the
# jiffies KUnit suite, loaded as a module.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

mod=jiffies_sample
mask=4294967295		# the unsigned int results wrap above this
# MAX_JIFFY_OFFSET is ((LONG_MAX >> 1) - 1), with the kernel's long: 32
# bits on i386, where the matrix boots this test too.
long_max=9223372036854775807
zcat /proc/config.gz | grep -qx 'CONFIG_64BIT=y' || long_max=2147483647
max_jiffy_offset=$(((long_max >> 1) - 1))

t_eq "jiffies: the shell has 64-bit arithmetic" "$((1 << 62))" 4611686018427387904
hz=$(zcat /proc/config.gz | sed -n 's/^CONFIG_HZ=//p')
t "jiffies: /proc/config.gz gives HZ ($hz)" test "${hz:-0}" -gt 0
[ "${hz:-0}" -gt 0 ] || exit 0

# mulmod A B: A * B modulo 2^32, without overflowing 64 bits.
mulmod() {
	_a=$(($1 & mask)) _b=$(($2 & mask))
	echo $(((_a * (_b & 65535) + (((_a * (_b >> 16)) & 65535) << 16)) & mask))
}
# Each conversion, as the kernel's helpers document it: a whole number of
# seconds plus the rest of a second, so that large inputs do not overflow.
j2ms() {	# rounds up; unsigned int
	echo $((($(mulmod $(($1 / hz)) 1000) + ($1 % hz * 1000 + hz - 1) / hz) & mask))
}
j2us() {	# truncates; unsigned int
	echo $((($(mulmod $(($1 / hz)) 1000000) + $1 % hz * 1000000 / hz) & mask))
}
j64ms() {	# truncates; 64-bit
	_s=$(($1 / hz))
	echo $((_s * 1000 + $1 % hz * 1000 / hz))
}
j64ns() {	# truncates; 64-bit
	_s=$(($1 / hz))
	echo $((_s * 1000000000 + $1 % hz * 1000000000 / hz))
}
ms2j() {	# rounds up; "negative" means an infinite timeout
	if [ "$1" -gt 2147483647 ] ||
	   { [ "$hz" -gt 1000 ] && [ "$1" -gt "$(j2ms $max_jiffy_offset)" ]; }; then
		echo $max_jiffy_offset
	else
		echo $((($1 * hz + 999) / 1000))
	fi
}
us2j() {	# rounds up; beyond jiffies_to_usecs(MAX_JIFFY_OFFSET): infinite
	if [ "$1" -gt "$(j2us $max_jiffy_offset)" ]; then
		echo $max_jiffy_offset
	else
		echo $((($1 * hz + 999999) / 1000000))
	fi
}

log_mark
t "jiffies: modprobe $mod" modprobe $mod
out=$(log_since_mark | sed -n "s/^.*$mod: //p")

t_eq "jiffies: the sample prints the same HZ" \
	"$(echo "$out" | sed -n 's/^HZ = //p')" "$hz"
t_eq "jiffies: the sample prints MAX_JIFFY_OFFSET" \
	"$(echo "$out" | sed -n 's/^MAX_JIFFY_OFFSET = //p')" "$max_jiffy_offset"

n=0 wraps=0
while IFS= read -r line; do
	case "$line" in
	"elapsed_jiffies(msleep(100)) = "*)
		e=${line##* = }
		t "jiffies: msleep(100) took at least msecs_to_jiffies(100) = $(ms2j 100) jiffies ($e)" \
			test "$e" -ge "$(ms2j 100)"
		t "jiffies: msleep(100) took less than 10 s ($e jiffies)" \
			test "$e" -lt $((10 * hz))
		continue ;;
	"time_after_eq("*)
		t_eq "jiffies: $line" "${line##* = }" 1
		continue ;;
	"wrapped: "*)
		wraps=$((wraps + 1))
		fn=${line#wrapped: } fn=${fn%%(*}
		arg=${line#*(} arg=${arg%%)*}
		val=${line##* is } val=${val% *}
		case "$fn" in
		jiffies_to_msecs) want=$(j64ms "$arg") ;;
		*) want=$(($(j64ns "$arg") / 1000)) ;;
		esac
		t_eq "jiffies: $line" "$val" "$want"
		t "jiffies: $fn($arg) did need more than 32 bits" test "$want" -gt $mask
		continue ;;
	*"("*") = "*) ;;
	*) continue ;;
	esac
	fn=${line%%(*}
	arg=${line#*(} arg=${arg%%)*}
	case "$fn" in
	jiffies_to_msecs) want=$(j2ms "$arg") ;;
	jiffies_to_usecs) want=$(j2us "$arg") ;;
	jiffies64_to_msecs) want=$(j64ms "$arg") ;;
	jiffies64_to_nsecs) want=$(j64ns "$arg") ;;
	msecs_to_jiffies) want=$(ms2j "$arg") ;;
	usecs_to_jiffies) want=$(us2j "$arg") ;;
	*) fail "jiffies: unknown line '$line'"; continue ;;
	esac
	t_eq "jiffies: $line" "${line##* = }" "$want"
	n=$((n + 1))
done <<EOF2
$out
EOF2
t "jiffies: the sample printed conversions ($n)" test "$n" -ge 40

# Every input whose time needs more than 32 bits has its "wrapped:" line.
want=0
for j in $(echo "$out" | sed -n 's/^jiffies_to_msecs(\([0-9]*\)) = .*/\1/p'); do
	[ "$(j64ms "$j")" -gt $mask ] && want=$((want + 1))
	[ $(($(j64ns "$j") / 1000)) -gt $mask ] && want=$((want + 1))
done
t_eq "jiffies: each wrapped result is reported" "$wraps" "$want"
t "jiffies: some results wrap" test "$wraps" -gt 0
t "jiffies: rmmod $mod" rmmod $mod

results=/sys/kernel/debug/kunit/jiffies/results
t "jiffies: modprobe jiffies_kunit (HZ=$hz)" modprobe jiffies_kunit
if [ ! -r $results ]; then
	fail "jiffies: the KUnit suite left results in $results"
	exit 0
fi
# Each test case (indented once in KTAP) becomes one result here.
sed -n "s/^    \(not ok\|ok\) [0-9]* \(.*\)$/\1 - kunit jiffies (HZ=$hz): \2/p" $results
t "jiffies: the KUnit suite passed as a whole" grep -q '^ok [0-9]* jiffies$' $results
t "jiffies: rmmod jiffies_kunit" rmmod jiffies_kunit
