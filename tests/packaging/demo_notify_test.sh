#!/bin/sh
# demo_notify_test.sh TOP BUILD HUBD HUBCTL: the demo's alert notification part, headless
# (packaging/demolib.sh, as packaging/demo.sh runs it): the local mail server with STARTTLS
# and the messaging webhook receiver on 127.0.0.1, the demo family member enrolled, a real
# hubd given the options the demo gives it. The command the demo prints presses 助けて once:
# exactly one mail lands in the mailbox (mbox), to the family member, saying in Japanese
# that 助けて was pressed, with an acknowledgement code; exactly one webhook delivery whose
# Standard Webhooks signature the receiver checked is in the webhook log. The receivers are
# real checks: a forged delivery is rejected, a mail without STARTTLS refused.
set -eu
top=$1
build=$2
hubd=$3
hubctl=$4
# shellcheck source=testlib.sh
. "$(dirname "$0")/testlib.sh"
test_begin demonotify
# shellcheck source=../../packaging/demolib.sh
. "$top/packaging/demolib.sh"
ctl="$hubctl --db $tmp/hub.db"

$ctl init --key "$tmp/hub.key" >/dev/null
$ctl resident-add --name "山田 花子" --district north-3 --deadline 10:00 >/dev/null
home=$($ctl device-add --kind home --resident 1 | field token)
family=$($ctl family-add --name "山田 一郎" --resident 1 --relation 長男 | field family_id)
dir=$tmp/notify
demo_notify_start "$top" "$build" "$dir" "$ctl" "" "$family" ichiro@example.jp ||
    fail "the demo's receivers did not start"
# --tick 0: no missed check-in pass, so the help press is the only alert (the demo runs it).
# shellcheck disable=SC2086 # notify_hubd_args is a list of options
"$hubd" --db "$tmp/hub.db" --key "$tmp/hub.key" --listen 127.0.0.1 --port 0 --tick 0 \
    $notify_hubd_args >"$tmp/hubd.out" 2>"$tmp/hubd.err" &
pids="$pids $!"
port=$(hubd_port) || fail "hubd did not start: $port"

# The one command the demo prints.
out=$(eval "$(demo_help_command "http://127.0.0.1:$port" "$home")")
echo "$out" | grep -q '"help":{' || fail "the help press was not taken: $out"

mails() { grep -c '^From ' "$dir/mailbox" 2>/dev/null || true; }
hooks() { grep -c '^delivery id=ntf_' "$dir/webhook.log" 2>/dev/null || true; }
i=0
until [ "$(mails)" -ge 1 ] && [ "$(hooks)" -ge 1 ]; do
    i=$((i + 1))
    [ $i -lt 300 ] || { cat "$tmp/hubd.err"; fail "after 15 s: $(mails) mails, $(hooks) webhooks"; }
    sleep 0.05
done
sleep 2.5 # two more passes of the notifier (it looks every 1 s by default): no second send
[ "$(mails)" = 1 ] || fail "$(mails) mails in the mailbox, want 1"
[ "$(hooks)" = 1 ] || fail "$(hooks) webhook deliveries, want 1"

/usr/bin/python3 "$top/tools/demomail/demomail.py" --show "$dir/mailbox" >"$tmp/mail.txt" ||
    fail "the mailbox cannot be read"
cat "$tmp/mail.txt"
grep -q '^---- mail 1 (to ichiro@example.jp)$' "$tmp/mail.txt" || fail "not to the family member"
grep -q '^To: .*ichiro@example.jp' "$tmp/mail.txt" || fail "no To: header"
grep -q '山田 花子さんが 「助けて」を 押しました。' "$tmp/mail.txt" || fail "not the help text"
grep -q '確認コード: ' "$tmp/mail.txt" || fail "no acknowledgement code"
grep -q 'north-3' "$tmp/mail.txt" && fail "the district is beyond the family's consent"
grep -q '^delivery id=ntf_[0-9]* body={.*"type":"alert.help"' "$dir/webhook.log" ||
    fail "the webhook is not the help alert: $(cat "$dir/webhook.log")"
grep -q 'rejected' "$dir/webhook.log" && fail "a delivery was rejected"

# The receivers check: a forged delivery (wrong signature) is rejected and not counted.
hook_port=$(wait_port "$dir/webhook.out" "listening ")
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'webhook-id: ntf_999' \
    -H "webhook-timestamp: $(date +%s)" -H 'webhook-signature: v1,AAAA' \
    -d '{"type":"alert.help"}' "http://127.0.0.1:$hook_port/notify")
[ "$code" = 401 ] || fail "a forged delivery answered $code"
grep -q '^rejected: signature' "$dir/webhook.log" || fail "the forged delivery is not logged"
[ "$(hooks)" = 1 ] || fail "the forged delivery was counted"
# ... and a mail without STARTTLS is refused (the mailbox stays at one).
smtp_port=$(wait_port "$dir/demomail.out" "listening ")
printf 'Subject: plain\r\n\r\nno TLS\r\n' >"$tmp/plain.eml"
curl -s --max-time 10 "smtp://127.0.0.1:$smtp_port" --mail-from a@example.jp \
    --mail-rcpt b@example.jp -T "$tmp/plain.eml" && fail "a mail without STARTTLS was taken"
[ "$(mails)" = 1 ] || fail "a mail without STARTTLS reached the mailbox"
echo "PASS: one mail in the mailbox, one verified webhook"
