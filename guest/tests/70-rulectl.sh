# SPDX-License-Identifier: GPL-2.0
# rulectl end to end: every verb and alias with its exit status (0 done,
# 1 failed, 2 usage), user names, JSON, permissions as a plain user and in
# a user namespace, and a save/restore round trip of rules that hold
# every awkward byte.
# shellcheck shell=sh
# shellcheck source=SCRIPTDIR/../lib.sh
. /guest/lib.sh

rulectl=/guest/bin/rulectl
dev=/dev/rulestore
# Uids of these tests only; the selftests use 60000-60003 and 65000.
A=61000
B=61001
user=rsuser
user_uid=65001

# t_exit DESCRIPTION STATUS COMMAND...: the command exits with STATUS. Its
# output stays in $ran for the checks after it (t() overwrites $ran).
ran=/tmp/t_exit.out
t_exit() {
	_desc=$1 _want=$2
	shift 2
	"$@" >$ran 2>&1
	_got=$?
	if [ "$_got" = "$_want" ]; then
		pass "$_desc"
	else
		fail "$_desc (exit $_got, wanted $_want)"
		sed 's/^/#   /' $ran
	fi
}

# as_user COMMAND: run the shell command COMMAND as the plain user.
as_user() { su -s /bin/sh $user -c "$1"; }

clear_test_uids() {
	for uid in $A $B $user_uid; do
		$rulectl clear "$uid" >/dev/null 2>&1
	done
}

[ -c $dev ] || modprobe rulestore
t "rulectl: $dev is there" test -c $dev
grep -q "^$user:" /etc/passwd ||
	echo "$user:x:$user_uid:$user_uid:rulectl test:/tmp:/bin/sh" >>/etc/passwd
clear_test_uids

generation() { $rulectl info | grep '^generation:'; }

# ---- Help and usage errors: exit 2, nothing done ----
generation_before=$(generation)
t_exit "rulectl: --help exits 0" 0 $rulectl --help
t "rulectl: --help shows the usage" grep -q '^Usage: rulectl' $ran
t_exit "rulectl: -h exits 0" 0 $rulectl -h
t_eq "rulectl: man (the original's verb) shows the usage text" \
	"$($rulectl man)" "$($rulectl --help)"
t_exit "rulectl: no verb is a usage error" 2 $rulectl
t_exit "rulectl: an unknown verb is a usage error" 2 $rulectl frobnicate
t_exit "rulectl: an unknown option is a usage error" 2 $rulectl --frob info
t_exit "rulectl: add without a rule is a usage error" 2 $rulectl add $A
t_exit "rulectl: add with an extra argument is a usage error" 2 \
	$rulectl add $A rule extra
t_exit "rulectl: clear without a uid is a usage error" 2 $rulectl clear
t_exit "rulectl: list with two uids is a usage error" 2 $rulectl list $A $B
t_exit "rulectl: list with --all and a uid is a usage error" 2 \
	$rulectl list --all $A
t_exit "rulectl: --json on add is a usage error" 2 $rulectl add --json $A r
t_exit "rulectl: uid 123abc is a usage error" 2 $rulectl add 123abc rule
t_exit "rulectl: uid -1 is a usage error" 2 $rulectl add -- -1 rule
t_exit "rulectl: uid 4294967296 is a usage error" 2 $rulectl add 4294967296 rule
t_exit "rulectl: an empty uid is a usage error" 2 $rulectl add "" rule
t_exit "rulectl: an unknown user name is a usage error" 2 \
	$rulectl add no-such-user rule
t_eq "rulectl: usage errors changed nothing" "$(generation)" \
	"$generation_before"

# ---- add, del, clear, list and their failures ----
t_exit "rulectl: add a rule" 0 $rulectl add $A "allow read /etc"
t_exit "rulectl: add a second rule" 0 $rulectl add $A "deny write /etc"
t_eq "rulectl: list shows the rules in the original's format" \
	"$($rulectl list $A)" "---- UID: $A ----
Rule 1: allow read /etc
Rule 2: deny write /etc"
t_eq "rulectl: print (the original's verb) lists too" \
	"$($rulectl print $A)" "$($rulectl list $A)"
t_eq "rulectl: adding a rule twice fails: File exists" \
	"$($rulectl add $A "allow read /etc" 2>&1; echo "exit $?")" \
	"rulectl: add uid $A: File exists
exit 1"
t_eq "rulectl: deleting a missing rule fails: No such file or directory" \
	"$($rulectl del $A "absent" 2>&1; echo "exit $?")" \
	"rulectl: del uid $A: No such file or directory
exit 1"
t_eq "rulectl: clearing a uid without rules fails" \
	"$($rulectl clear $B 2>&1; echo "exit $?")" \
	"rulectl: clear uid $B: No such file or directory
exit 1"
t_exit "rulectl: uid 4294967295 is refused by the driver" 1 \
	$rulectl add 4294967295 rule
t_exit "rulectl: a 256-byte rule is refused by the driver" 1 \
	$rulectl add $A "$(printf '%0256d' 0)"
t_exit "rulectl: invalid UTF-8 is refused by the driver" 1 \
	$rulectl add $A "$(printf 'bad \377')"
t_exit "rulectl: a rule that starts with - goes after --" 0 \
	$rulectl add -- $A "-x"
t_exit "rulectl: rmv (the original's verb) deletes" 0 $rulectl rmv -- $A "-x"
t_exit "rulectl: del deletes" 0 $rulectl del $A "deny write /etc"
t_eq "rulectl: list shows what is left" "$($rulectl list $A)" \
	"---- UID: $A ----
Rule 1: allow read /etc"
t_exit "rulectl: clear deletes every rule of a uid" 0 $rulectl clear $A
t_eq "rulectl: a uid without rules lists nothing" "$($rulectl list $A)" ""
t_exit "rulectl: listing a uid without rules succeeds" 0 $rulectl list $A

# ---- User names ----
t_exit "rulectl: add for a user name" 0 $rulectl add $user "by name"
t_eq "rulectl: the name stands for its uid" "$($rulectl list $user_uid)" \
	"---- UID: $user_uid ----
Rule 1: by name"
t_eq "rulectl: list takes a name too" "$($rulectl list $user)" \
	"$($rulectl list $user_uid)"
t_exit "rulectl: del for a user name" 0 $rulectl del $user "by name"
t_exit "rulectl: root is a user name" 0 $rulectl list root

# ---- info and JSON ----
t_exit "rulectl: info" 0 $rulectl info
t "rulectl: info shows api_version 1" grep -qx 'api_version: 1' $ran
t "rulectl: info shows rule_max 255" grep -qx 'rule_max: 255' $ran
t "rulectl: info shows the limits" grep -q '^max_rules_per_uid: [0-9]' $ran
t_exit "rulectl: info --json" 0 $rulectl info --json
t "rulectl: info --json has \"api_version\": 1" \
	grep -q '"api_version": 1,' $ran
t "rulectl: info --json has the generation" \
	grep -q '"generation": [0-9]*$' $ran
t_eq "rulectl: info --json is one object" \
	"$(head -1 $ran)$(tail -1 $ran)" "{}"
$rulectl add $A 'say "hi"' &&
	$rulectl add $A "$(printf 'tab\there \\ \303\274')"
t_eq "rulectl: -j is --json" "$($rulectl -j info | grep -c api_version)" 1
t_exit "rulectl: --version exits 0" 0 $rulectl --version
t "rulectl: --version names the API version" \
	grep -q "^rulectl for rulestore API version 1$" $ran
t_eq "rulectl: -V is --version" "$($rulectl -V)" "$($rulectl --version)"
t_exit "rulectl: list --json" 0 $rulectl list --json $A
t "rulectl: list --json escapes quotes" \
	grep -qF "{\"uid\": $A, \"rule\": \"say \\\"hi\\\"\"}," $ran
t "rulectl: list --json escapes tab and backslash, keeps UTF-8" \
	grep -qF "{\"uid\": $A, \"rule\": \"tab\\u0009here \\\\ $(printf '\303\274')\"}" \
	$ran
t_eq "rulectl: list --json of a uid without rules has no rules" \
	"$($rulectl list --json $B | grep '"rules"')" '  "rules": []'
$rulectl clear $A

# ---- save and restore: every awkward byte, byte for byte ----
nl='
'
tab=$(printf '\t')
set -- "two  spaces and a trailing one " "tab${tab}inside" \
	"new${nl}line" 'back\slash \n \t \\ \x41' "$(printf '\303\274\342\202\254 \360\237\230\200')" \
	"# not a comment" "$(printf 'ctl \001\037\177\r')" "-dash"
n=0
for rule in "$@"; do
	n=$((n + 1))
	$rulectl add -- $B "$rule" || fail "rulectl: add awkward rule $n"
done
$rulectl add $A "of another uid"
cat $dev >/tmp/text.before
t_exit "rulectl: save to a file" 0 $rulectl save /tmp/rules.saved
t "rulectl: the save starts with a comment" grep -q '^#' /tmp/rules.saved
t "rulectl: save escapes newline and tab" \
	grep -qxF "$B${tab}new\\nline" /tmp/rules.saved
t "rulectl: save escapes backslash" \
	grep -qxF "$B${tab}back\\\\slash \\\\n \\\\t \\\\\\\\ \\\\x41" /tmp/rules.saved
t_eq "rulectl: save to stdout is the same" "$($rulectl save)" \
	"$(cat /tmp/rules.saved)"
t_eq "rulectl: list --all is what read(2) gives" "$($rulectl list --all)" \
	"$(cat /tmp/text.before)"
clear_test_uids
t_exit "rulectl: restore the saved file" 0 $rulectl restore /tmp/rules.saved
cat $dev >/tmp/text.after
t "rulectl: restore brought back the same text" \
	cmp /tmp/text.before /tmp/text.after
# DEL matches the exact bytes: each rule must come back as it went in.
n=0
for rule in "$@"; do
	n=$((n + 1))
	t "rulectl: awkward rule $n restored byte for byte" \
		$rulectl del -- $B "$rule"
done
t_eq "rulectl: nothing else was restored for $B" "$($rulectl list $B)" ""
t_exit "rulectl: restore from stdin" 0 $rulectl restore </tmp/rules.saved
t_exit "rulectl: restore again: rules already there are no error" 0 \
	$rulectl restore - </tmp/rules.saved
t_eq "rulectl: save after restores is the same" "$($rulectl save)" \
	"$(cat /tmp/rules.saved)"

printf '# comment\n\n%s\tgood rule\nno tab here\n%s\tbad \\q escape\nnobody-here\trule\n%s\tlast rule\n' \
	$A $A $A >/tmp/rules.broken
t_exit "rulectl: restore of a file with bad lines fails" 1 \
	$rulectl restore /tmp/rules.broken
t "rulectl: restore names the line without a tab" \
	grep -q '^rulectl: restore: line 4: ' $ran
t "rulectl: restore names the bad escape" \
	grep -q '^rulectl: restore: line 5: ' $ran
t "rulectl: restore counts the failures" \
	grep -q '^rulectl: restore: 3 of 5 rules failed' $ran
t_eq "rulectl: restore added the good lines all the same" \
	"$($rulectl list $A | tail -2)" "Rule 2: good rule
Rule 3: last rule"
t_exit "rulectl: restore of a missing file fails" 1 \
	$rulectl restore /tmp/no-such-file
t_exit "rulectl: save into a missing directory fails" 1 \
	$rulectl save /tmp/no-such-dir/rules
t_exit "rulectl: output that cannot be written is a failure" 1 \
	sh -c "$rulectl list --all >/dev/full"
t_exit "rulectl: a missing device is a failure" 1 \
	$rulectl --device /dev/no-such-device info

# ---- As a plain user ----
$rulectl add $user_uid "own rule"
t_eq "rulectl: a plain user may not add" \
	"$(as_user "$rulectl add $user_uid x" 2>&1; echo "exit $?")" \
	"rulectl: add uid $user_uid: Operation not permitted
exit 1"
t_exit "rulectl: a plain user may not del" 1 \
	as_user "$rulectl del $user_uid 'own rule'"
t_exit "rulectl: a plain user may not clear" 1 as_user "$rulectl clear $user_uid"
t_eq "rulectl: a plain user lists its own rules by default" \
	"$(as_user "$rulectl list")" "---- UID: $user_uid ----
Rule 1: own rule"
t_exit "rulectl: a plain user may not list another uid" 1 \
	as_user "$rulectl list $A"
t_exit "rulectl: a plain user may not list all uids" 1 \
	as_user "$rulectl list --all"
t_eq "rulectl: a plain user's save has its own rules only" \
	"$(as_user "$rulectl save" | grep -v '^#')" "$user_uid${tab}own rule"
t_eq "rulectl: a plain user reads only its own rules" \
	"$(as_user "cat $dev")" "---- UID: $user_uid ----
Rule 1: own rule"
t_exit "rulectl: a plain user may see info" 0 as_user "$rulectl info"

# ---- In a user namespace of the plain user, where it is root ----
t_eq "rulectl: in a user namespace, root's own rules are uid 0" \
	"$(as_user "unshare -r $rulectl list")" "---- UID: 0 ----
Rule 1: own rule"
t_exit "rulectl: root of a user namespace may not add" 1 \
	as_user "unshare -r $rulectl add 0 x"
t_exit "rulectl: in a user namespace, an unmapped uid is refused" 1 \
	as_user "unshare -r $rulectl list $A"

# ---- Unload with rules in the store, and load again ----
clear_test_uids
$rulectl add $A "still here at unload"
if grep -q '^rulestore ' /proc/modules; then
	t "rulectl: rmmod rulestore with rules in the store" rmmod rulestore
	t "rulectl: $dev is gone after unload" test ! -e $dev
	t_exit "rulectl: info without the device fails" 1 $rulectl info
	t "rulectl: ... and hints at loading the module" \
		grep -q "is the rulestore module loaded?" $ran
	t "rulectl: modprobe rulestore again" modprobe rulestore
	t_eq "rulectl: a reload starts with no rules" \
		"$($rulectl info | grep '^nr_rules:')" "nr_rules: 0"
else
	echo "# rulectl: rulestore is built in, no unload to test"
	clear_test_uids
fi
