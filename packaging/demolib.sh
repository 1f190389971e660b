# demolib.sh: shell functions shared by packaging/demo.sh and the test that runs the demo's
# alert notification part headless (tests/packaging/demo_notify_test.sh). Sourced, POSIX sh.
# Everything it starts listens on 127.0.0.1 only; the caller stops the processes whose ids
# it appends to $pids.

# field NAME: the value of the "NAME=value" line of stdin.
field() { sed -n "s/^$1=//p"; }

# wait_port FILE PREFIX: the port a server printed as "PREFIX127.0.0.1:PORT" (5 s at most).
wait_port() {
    for _ in $(seq 1 100); do
        p=$(sed -n "s/^$2127\\.0\\.0\\.1:\\([0-9][0-9]*\\).*/\\1/p" "$1")
        [ -n "$p" ] && { echo "$p"; return 0; }
        sleep 0.05
    done
    return 1
}

# demo_notify_start TOP BUILD DIR HUBCTL TOWN FAMILY_ID MAIL: the alerts of the family member
# FAMILY_ID of the town whose code is TOWN ("" on a hub of one town) by mail
# and messaging webhook, received on this machine (docs/notify.md "Demo"):
# - a real SMTP server requiring STARTTLS (tools/demomail/demomail.py, aiosmtpd) with a
#   certificate made here for 127.0.0.1, appending every mail to DIR/mailbox (mbox);
# - a messaging gateway's receiver (tools/opreceiver) that checks each delivery's Standard
#   Webhooks signature with the recipient's secret (made here) and writes what it accepted
#   to DIR/webhook.log ("delivery id=ntf_N body=…"; a bad signature: "rejected: …");
# - the family member enrolled with MAIL and that webhook (hubctl notify-set).
# Sets $notify_hubd_args (the hubd options that send there) and appends to $pids.
demo_notify_start() {
    _top=$1 _build=$2 _dir=$3 _hubctl=$4 _town=${5:+--municipality $5} _family=$6 _mail=$7
    mkdir -p "$_dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
        -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
        -keyout "$_dir/smtp.key" -out "$_dir/smtp.pem" >/dev/null 2>&1 ||
        { echo "demo: cannot make the mail server's certificate"; return 1; }
    /usr/bin/python3 "$_top/tools/demomail/demomail.py" --mbox "$_dir/mailbox" --cert "$_dir/smtp.pem" \
        --key "$_dir/smtp.key" >"$_dir/demomail.out" 2>&1 &
    pids="$pids $!"
    _smtp=$(wait_port "$_dir/demomail.out" "listening ") ||
        { echo "demo: the mail server did not start:"; cat "$_dir/demomail.out"; return 1; }
    _secret="whsec_$(openssl rand -base64 32)"
    OPRECEIVER_SECRET=$_secret "$_build/tools/opreceiver/opreceiver" --log "$_dir/webhook.log" \
        >"$_dir/webhook.out" 2>&1 &
    pids="$pids $!"
    _hook=$(wait_port "$_dir/webhook.out" "listening ") ||
        { echo "demo: the webhook receiver did not start"; return 1; }
    $_hubctl notify-set $_town --family "$_family" --mail "$_mail" \
        --webhook "http://127.0.0.1:$_hook/notify" --secret "$_secret" >/dev/null ||
        { echo "demo: cannot enrol the family member's mail and webhook"; return 1; }
    notify_hubd_args="--smtp-url smtp://127.0.0.1:$_smtp --smtp-from mimamori@city.example.jp"
    notify_hubd_args="$notify_hubd_args --smtp-ca $_dir/smtp.pem"
}

# demo_help_command URL HOME_TOKEN: the one command that presses 助けて on the home tablet.
demo_help_command() {
    echo "curl -s -X POST -H 'Authorization: Bearer $2' -H 'Content-Type: application/json' -d '{}' $1/v1/help"
}

# The commands the demo prints for the disaster notices and the safety confirmation
# (docs/disaster.md "Demo"); tests/packaging/demo_disaster_test.sh runs each of them.
# HUBCTL is hubctl with its --db, TOWN the town's code, TOP the source tree, URL the hub's,
# STAFF a staff token. The API takes JSON bodies only with their Content-Type (415 without).
demo_warning_command() {
    echo "$1 jma-apply --municipality $2 --file $3/tests/hub/jma/vpww54-1-issue.xml"
}
demo_evacuation_command() {
    echo "$1 notice-add --municipality $2 --kind evacuation_order --title-ja 避難指示 --what-ja '川の 水が あふれる おそれが あります。' --todo-ja '中央小学校に 避難して ください。'"
}
# demo_clear_command HUBCTL TOWN TOP NOTICE: JMA's release, and the town ends its notice
# (NOTICE: the notice_id notice-add printed; the demo prints N).
demo_clear_command() {
    echo "$1 jma-apply --municipality $2 --file $3/tests/hub/jma/vpww54-3-release.xml ; $1 notice-end --municipality $2 --notice $4"
}
demo_safety_command() {
    echo "curl -s -H 'Authorization: Bearer $2' -H 'Content-Type: application/json' -d '{\"title_ja\":\"地震の あとの 安否確認\",\"whole_town\":true,\"answer_within_min\":30}' $1/v1/safety-checks"
}
demo_safety_view_command() {
    echo "curl -s -H 'Authorization: Bearer $2' $1/v1/safety-checks/1"
}
