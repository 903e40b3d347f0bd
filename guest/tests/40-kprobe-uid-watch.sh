# SPDX-License-Identifier: GPL-2.0
# The kprobe uid watch sample: it counts and logs the files that the
# uids it watches open, and no one else's; it refuses to load when its
# probe cannot be registered, and unloads cleanly. On a function whose
# first argument is not a struct path, it logs so instead of oopsing.
# shellcheck shell=sh
# shellcheck source=guest/lib.sh
. /guest/lib.sh

mod=kprobe_uid_watch
hits=/sys/module/$mod/parameters/hits
dir=/tmp/uidwatch
file=$dir/watched.txt

# Users for su, which needs a passwd entry: two watched uids, one not.
for u in 1234 1235 4321; do
	grep -q "^uw$u:" /etc/passwd ||
		echo "uw$u:x:$u:$u::/tmp:/bin/sh" >>/etc/passwd
done

# run_as UID COMMAND: run the shell command COMMAND as UID.
run_as() { su -s /bin/sh -c "$2" "uw$1"; }
# field N: the Nth count in $hits.
field() { cut -d, -f"$1" $hits; }
# no_report LOG: LOG has no kernel report (the ones it has are printed).
no_report() {
	! printf '%s\n' "$1" |
		grep -E 'BUG:|Oops|WARNING:|KASAN:|UBSAN:|general protection|page fault|Call Trace:'
}

mkdir -p $dir
echo watched >$file
chmod 755 $dir
chmod 644 $file
ino=$(stat -c %i $file)

t "kprobe-uid-watch: modprobe $mod uids=1234,1235" modprobe $mod uids=1234,1235
if [ ! -r $hits ]; then
	fail "kprobe-uid-watch: the module has $hits"
	exit 0
fi
t_eq "kprobe-uid-watch: no hits yet" "$(cat $hits)" "0,0"

# A session that opens nothing still opens the shell it executes: count
# what it costs, then the same session opening the file three times.
log_mark
run_as 1234 ':'
base=$(field 1)
t "kprobe-uid-watch: a bare session as uid 1234 is counted" test "$base" -gt 0
run_as 1234 ": <$file; : <$file; : <$file"
t_eq "kprobe-uid-watch: three opens by uid 1234 are counted" \
	"$(field 1)" "$((2 * base + 3))"
log=$(log_since_mark)
t "kprobe-uid-watch: the log names the file and its inode $ino" \
	grep -q "$mod: uid 1234 opened watched.txt (inode $ino)$" <<EOF2
$log
EOF2

run_as 4321 ": <$file; : <$file; : <$file"
t_eq "kprobe-uid-watch: opens by uid 4321, not watched, are not counted" \
	"$(cat $hits)" "$((2 * base + 3)),0"
t "kprobe-uid-watch: opens by uid 4321 are not logged" \
	sh -c "! dmesg | grep -q '$mod: uid 4321 '"
: <$file
: <$file
t_eq "kprobe-uid-watch: opens by root are not counted" \
	"$(cat $hits)" "$((2 * base + 3)),0"

run_as 1235 ": <$file"
t_eq "kprobe-uid-watch: uid 1235 has its own count" \
	"$(cat $hits)" "$((2 * base + 3)),$((base + 1))"
t_fails "kprobe-uid-watch: the counts are read-only" \
	"Permission denied" write_to $hits "0,0"

t "kprobe-uid-watch: rmmod $mod" rmmod $mod
t "kprobe-uid-watch: the module is gone after unload" test ! -e /sys/module/$mod

log_mark
t_fails "kprobe-uid-watch: a symbol that does not exist fails the load with ENOENT" \
	"unknown symbol in module\|No such file or directory" \
	modprobe $mod uids=1234 symbol=no_such_symbol_xyz
log=$(log_since_mark)
t "kprobe-uid-watch: the log says why the load failed" \
	grep -q "$mod: register_kprobe(no_such_symbol_xyz) failed: -2$" <<EOF2
$log
EOF2
t "kprobe-uid-watch: the failed load left no module" \
	test ! -e /sys/module/$mod
t_fails "kprobe-uid-watch: a load without uids fails with EINVAL" \
	"Invalid argument" modprobe $mod
t "kprobe-uid-watch: modprobe $mod again" modprobe $mod uids=1234
t "kprobe-uid-watch: rmmod $mod again" rmmod $mod

# do_sys_openat2() takes a directory fd first, AT_FDCWD for a relative
# name: the handler must not follow it as a struct path. Everything this
# shell runs is root's, so the log and count start at once.
log_mark
t "kprobe-uid-watch: modprobe $mod uids=0 symbol=do_sys_openat2" \
	modprobe $mod uids=0 symbol=do_sys_openat2
t_eq "kprobe-uid-watch: cat as root with the probe on do_sys_openat2" \
	"$(cd $dir && cat watched.txt)" "watched"
t "kprobe-uid-watch: the calls by root are counted" test "$(cat $hits)" -gt 0
t "kprobe-uid-watch: rmmod $mod after do_sys_openat2" rmmod $mod
log=$(log_since_mark)
t "kprobe-uid-watch: the log says the argument is not a struct path" \
	grep -q "$mod: uid 0 called do_sys_openat2, whose first argument is not a readable struct path$" <<EOF2
$log
EOF2
t "kprobe-uid-watch: no kernel report while probing do_sys_openat2" \
	no_report "$log"
