#!/bin/sh
# Scripted runs of the real kiosk binary, offscreen, with the real hub client against a
# hub address where nothing listens: a tap on 元気です must end on a screen that says it
# was NOT sent and offers もう一度送る; the family profile says it could not connect; bad
# configuration and bad scripts are refused in words.
#   scripted.sh KIOSK WORKDIR
set -u
kiosk=$1 dir=$2
rm -rf "$dir"
mkdir -p "$dir"
fail=0
no() { echo "FAIL: $*"; fail=1; }

# a loopback port with no listener: bind port 0, note it, close it
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
hub="http://127.0.0.1:$port"

# 1. home: tap, wait for the failure screen
"$kiosk" --offscreen --set hub_url="$hub" --set token=t \
    --script "wait:home;tap:checkin_genki;wait:result;settle;shot:$dir/fail.png;layout:$dir/fail.json" \
    >"$dir/1.out" 2>&1 || no "home script failed: $(cat "$dir/1.out")"
grep -q '送れませんでした' "$dir/fail.json" || no "the failure screen does not say 送れませんでした"
grep -q '"id":"retry"' "$dir/fail.json" || no "no もう一度送る (retry) target"
grep -q '送りました' "$dir/fail.json" && no "claims 送りました although nothing was sent"
[ -s "$dir/fail.png" ] || no "no screenshot written"

grep -q 'つながりませんでした' "$dir/fail.json" || no "no network is not said as could not connect"
grep -q '安全に' "$dir/fail.json" && no "no network is told as an unsafe connection"

# 1b. a hub whose certificate is not the one the kiosk trusts: said as an unsafe
#     connection with whom to phone, never as "no internet" (libcurl's TLS error → hub
#     client → hub port → app → screen)
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=hub -keyout "$dir/hub.key"     -out "$dir/hub.pem" -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1 &&
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other -keyout "$dir/other.key"         -out "$dir/other.pem" >/dev/null 2>&1 || no "openssl could not make test certificates"
tport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
openssl s_server -quiet -accept "127.0.0.1:$tport" -cert "$dir/hub.pem" -key "$dir/hub.key"     -www >/dev/null 2>&1 &
tls_pid=$!
python3 -c 'import socket,sys,time
for _ in range(100):
    try: socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2).close(); sys.exit(0)
    except OSError: time.sleep(0.05)
sys.exit(1)' "$tport" || no "the TLS test server did not start"
"$kiosk" --offscreen --set hub_url="https://127.0.0.1:$tport" --set ca_file="$dir/other.pem" \
    --set token=t \
    --script "wait:home;tap:checkin_genki;wait:result;settle;layout:$dir/tls.json" \
    >"$dir/1b.out" 2>&1 || no "TLS script failed: $(cat "$dir/1b.out")"
kill "$tls_pid" 2>/dev/null
wait "$tls_pid" 2>/dev/null
grep -q '送れませんでした' "$dir/tls.json" || no "the TLS failure does not say 送れませんでした"
grep -q '安全に つながれませんでした' "$dir/tls.json" || no "the TLS failure is not said as unsafe"
grep -q 'ネット: 安全に つながれません' "$dir/tls.json" || no "the status bar does not say unsafe"
grep -q '電話してください' "$dir/tls.json" || no "the TLS failure does not say whom to phone"
grep -q 'つながりませんでした\|インターネット' "$dir/tls.json" && no "the TLS failure is told as no network"
grep -q 'TLS' "$dir/1b.out" || no "the TLS failure is not in the log"

# 2. retry re-sends (and fails again, still honestly)
"$kiosk" --offscreen --set hub_url="$hub" --set language=en \
    --script "tap:checkin_itsumo;wait:result;settle;tap:retry;settle;layout:$dir/retry.json" \
    >"$dir/2.out" 2>&1 || no "retry script failed: $(cat "$dir/2.out")"
grep -q 'It could not be sent.' "$dir/retry.json" || no "English failure words missing"
[ "$(grep -c 'checkin request failed' "$dir/2.out")" -ge 2 ] || no "retry did not send again"

# 2b. home with an outbox: the check-in is kept on the device and said so
"$kiosk" --offscreen --set hub_url="$hub" --set outbox_path="$dir/outbox.db" \
    --script "tap:checkin_genki;wait:result;waittext:まだ 届いていません;layout:$dir/kept.json" \
    >"$dir/2b.out" 2>&1 || no "outbox script failed: $(cat "$dir/2b.out")"
grep -q 'まだ 送っていない もの 1 件' "$dir/kept.json" || no "the kept check-in is not counted as waiting"
grep -q '送りました' "$dir/kept.json" && no "claims 送りました for a kept check-in"
[ -s "$dir/outbox.db" ] || no "no outbox file"
printf 'outbox_path = %s/nodir/x/outbox.db\n' "$dir" >"$dir/badbox.conf"
"$kiosk" --offscreen --config "$dir/badbox.conf" >"$dir/2c.out" 2>&1 && no "an unusable outbox was accepted"
grep -q 'cannot open the outbox' "$dir/2c.out" || no "outbox error words: $(cat "$dir/2c.out")"

# 3. family: could not connect
"$kiosk" --offscreen --set hub_url="$hub" --set profile=family \
    --script "wait:family;settle;layout:$dir/family.json" >"$dir/3.out" 2>&1 ||
    no "family script failed: $(cat "$dir/3.out")"
grep -q 'つながりませんでした' "$dir/family.json" || no "family screen does not say it could not connect"

# 4. a script step that times out fails the run
"$kiosk" --offscreen --set hub_url="$hub" --script-timeout 300 --script "wait:nosuchscreen" \
    >"$dir/4.out" 2>&1 && no "a failing wait did not fail the run"
grep -q 'script step 1 failed' "$dir/4.out" || no "no words for the failed step"

# 5. bad input is refused in words
printf 'profile = home\ntext_scale = 300\n' >"$dir/bad.conf"
"$kiosk" --offscreen --config "$dir/bad.conf" >"$dir/5.out" 2>&1 && no "bad config accepted"
grep -q 'line 2: text_scale must be 100, 125 or 150' "$dir/5.out" || no "bad config words: $(cat "$dir/5.out")"
"$kiosk" --offscreen --script "jump:high" >"$dir/6.out" 2>&1 && no "bad script accepted"
grep -q 'unknown step' "$dir/6.out" || no "bad script words: $(cat "$dir/6.out")"
"$kiosk" --offscreen --screen nosuch >"$dir/7.out" 2>&1 && no "unknown screen accepted"

# 6. slide-off: press 元気です, slide away, release: nothing is sent
"$kiosk" --offscreen --set hub_url="$hub" \
    --script "press:checkin_genki;slide:5,5;release;sleep:200;layout:$dir/slide.json" \
    >"$dir/8.out" 2>&1 || no "slide script failed"
grep -q '"screen":"home"' "$dir/slide.json" || no "slide-off still activated"
grep -q 'checkin request' "$dir/8.out" && no "slide-off sent a check-in"

[ $fail = 0 ] && echo "scripted kiosk runs: all passed"
exit $fail
