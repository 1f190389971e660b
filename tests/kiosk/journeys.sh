#!/bin/sh
# The journey suite: the resident's journeys of PRODUCT.md walked through the real kiosk
# (headless, --script) on a real hub (hubd on 127.0.0.1, a fresh database made with
# hubctl), in Japanese and in English. Each journey asserts the words on its screens
# (waittext reads the layout the kiosk builds), saves a screenshot of each screen it
# checks, and counts its taps from the home screen; the counts go to DIR/taps.txt
# (docs/benchmarks.md, "Taps per journey") and fail the suite above their budget.
#
# Journeys here: daily check-in; help (助けて); shopping, a new order and the same again;
# a family request answered by the family's kiosk; the family's view of the check-in;
# offline: a check-in kept while the hub is away and delivered once it is back.
# The card journeys (card login with wrong PINs and a pulled card, checkups, the access
# log, consent) need pcscd and the virtual card: tests/kiosk/card_kiosk_e2e.c and
# e2e_priv_card.c walk them.
#   journeys.sh KIOSK HUBD HUBCTL DIR
set -u
kiosk=$1 hubd=$2 hubctl=$3 dir=$4
rm -rf "$dir"
mkdir -p "$dir/ja" "$dir/en"
fail=0
no() { echo "FAIL: $*"; fail=1; }
val() { sed -n "s/^$1=//p" "$2" | head -n1; }
src=$(cd "$(dirname "$0")/../.." && pwd)
: >"$dir/taps.txt"

hub_pid=
trap '[ -n "$hub_pid" ] && kill $hub_pid 2>/dev/null; wait 2>/dev/null' EXIT INT TERM

# A fresh hub for one language: a resident with a home tablet, a family member, one shop
# with the demo catalogue. Sets db, rid, dev, fam, famid, url.
start_hub() {
    db=$dir/$1/hub.db
    "$hubctl" --db "$db" init >"$dir/$1/init.out" 2>&1 || { echo "hubctl init failed"; exit 1; }
    "$hubctl" --db "$db" resident-add --name "山田 花子" --district "中央" --deadline 10:00 \
        >"$dir/$1/res.out" 2>&1
    rid=$(val resident_id "$dir/$1/res.out")
    "$hubctl" --db "$db" device-add --kind home --resident "$rid" >"$dir/$1/dev.out" 2>&1
    dev=$(val token "$dir/$1/dev.out")
    "$hubctl" --db "$db" family-add --name "山田 太郎" --resident "$rid" >"$dir/$1/fam.out" 2>&1
    fam=$(val token "$dir/$1/fam.out")
    famid=$(val family_id "$dir/$1/fam.out")
    "$hubctl" --db "$db" operator-add --name "みどり商店" --district "中央" >"$dir/$1/op.out" 2>&1
    opid=$(val operator_id "$dir/$1/op.out")
    "$hubctl" --db "$db" catalogue-import --operator "$opid" \
        --file "$src/tools/opreceiver/demo-catalogue/catalogue.json" >"$dir/$1/cat.out" 2>&1
    [ -n "$rid" ] && [ -n "$dev" ] && [ -n "$fam" ] && grep -q items=8 "$dir/$1/cat.out" ||
        { echo "enrolment failed"; cat "$dir/$1"/*.out; exit 1; }
    "$hubd" --db "$db" --listen 127.0.0.1 --port 0 >"$dir/$1/hubd.out" 2>&1 &
    hub_pid=$!
    port=
    for _ in $(seq 1 100); do
        port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$dir/$1/hubd.out" | head -n1)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "hubd did not start"; cat "$dir/$1/hubd.out"; exit 1; }
    url=http://127.0.0.1:$port
}

stop_hub() {
    kill $hub_pid 2>/dev/null
    wait $hub_pid 2>/dev/null
    hub_pid=
}

# journey LANG NAME BUDGET SCRIPT [kiosk --set options...]: runs the script on a home
# tablet (or what the options make it), counts its taps, checks the budget.
journey() {
    jl=$1 jn=$2 budget=$3 script=$4
    shift 4
    taps=$(printf '%s' "$script" | tr ';' '\n' | grep -c '^tap:')
    "$kiosk" --offscreen --set language="$jl" --set hub_url="$url" "$@" --script-timeout 15000 \
        --script "$script" >"$dir/$jl/$jn.out" 2>&1 || no "$jl $jn: $(tail -n 3 "$dir/$jl/$jn.out")"
    printf '%s\t%s\t%s\n' "$jn" "$jl" "$taps" >>"$dir/taps.txt"
    [ "$taps" -le "$budget" ] || no "$jl $jn: $taps taps (budget $budget)"
}

for lang in ja en; do
    d=$dir/$lang
    if [ $lang = ja ]; then
        w_sent="に 送りました。ご家族に 届きます。"; w_home_sent="きょうの 元気:"
        w_help_q="助けを 呼びますか"; w_help_sent="に 知らせました。"
        w_order_sent="注文しました。"; w_total="合計"; w_day="（"
        w_req_sent="と 送りました。"; w_inbox="電話してください"; w_answered="返事を しました"
        w_kept="まだ 届いていません。"; w_genki="元気です"
    else
        w_sent="Your family will see it."; w_home_sent="Today:"
        w_help_q="Do you want to call for help?"; w_help_sent="were told."
        w_order_sent="Ordered."; w_total="Total"; w_day="day"
        w_req_sent="Sent"; w_inbox="Please call me"; w_answered="answered"
        w_kept="Not delivered yet."; w_genki="I'm fine"
    fi
    start_hub $lang
    tok="--set token=$dev"

    # 1. daily check-in: one tap, the time and who sees it in words
    journey $lang checkin 1 "wait:home;shot:$d/checkin-1-home.png;tap:checkin_genki;wait:result;settle;waittext:$w_sent;shot:$d/checkin-2-sent.png;layout:$d/checkin.json" $tok
    # the family's tablet shows it
    journey $lang family_view 0 "wait:family;settle;waittext:$w_genki;shot:$d/family-1-list.png" \
        --set token="$fam" --set profile=family
    # 2. help: 助けて, confirm, told family and city at once
    journey $lang help 2 "wait:home;tap:help;wait:help_confirm;waittext:$w_help_q;shot:$d/help-1-confirm.png;tap:confirm_yes;wait:help_sent;settle;waittext:$w_help_sent;shot:$d/help-2-sent.png" $tok
    # 5. shopping: a new order in 6 taps, then the same again in 3
    journey $lang shop_new 6 "wait:home;tap:menu;wait:menu;settle;shot:$d/shop-1-menu.png;tap:shop_buy;wait:shop_categories;settle;shot:$d/shop-2-categories.png;tap:shop_cat_0;wait:shop_items;shot:$d/shop-3-items.png;tap:shop_plus_0;tap:shop_next;wait:shop_confirm;waittext:$w_total;waittext:$w_day;shot:$d/shop-4-confirm.png;tap:shop_order;wait:shop_sent;settle;waittext:$w_order_sent;shot:$d/shop-5-sent.png" $tok
    journey $lang shop_again 3 "wait:home;tap:menu;wait:menu;settle;tap:shop_again;wait:shop_confirm;settle;waittext:$w_total;shot:$d/again-1-confirm.png;tap:shop_order;wait:shop_sent;settle;waittext:$w_order_sent;shot:$d/again-2-sent.png" $tok
    n=$(curl -s -H "Authorization: Bearer $dev" "$url/v1/orders?limit=10" |
        python3 -c 'import json,sys; o=json.load(sys.stdin)["orders"]; print(len(o), o[0]["items"]==o[1]["items"])')
    [ "$n" = "2 True" ] || no "$lang: the same again did not order the same items ($n)"
    # family requests: the hub lists no family for a home device; one request first
    curl -s -H "Authorization: Bearer $dev" -X POST -d "{\"family_id\":$famid,\"code\":\"come_over\"}" \
        "$url/v1/family-requests" >"$d/seed.json"
    journey $lang request 5 "wait:home;tap:menu;wait:menu;tap:shop_menu;wait:shop_menu;settle;tap:req_start;wait:req_send;settle;shot:$d/request-1-phrase.png;tap:req_code_0;wait:req_sent;settle;waittext:$w_req_sent;shot:$d/request-2-sent.png" $tok
    journey $lang request_answer 1 "wait:req_inbox;settle;waittext:$w_inbox;shot:$d/request-3-inbox.png;tap:req_ok_0;settle;waittext:$w_answered;shot:$d/request-4-answered.png" \
        --set token="$fam" --set profile=family
    # 8. offline: the hub away, the check-in is kept (送信待ち) and sent when it is back
    stop_hub
    journey $lang offline 1 "wait:home;tap:checkin_genki;wait:result;waittext:$w_kept;shot:$d/offline-1-kept.png" \
        $tok --set outbox_path="$d/outbox.db"
    "$hubd" --db "$db" --listen 127.0.0.1 --port "$port" >>"$d/hubd.out" 2>&1 &
    hub_pid=$!
    sleep 0.5
    journey $lang offline_back 0 "wait:home;waitgone:$w_kept;settle;sleep:1500;waittext:$w_home_sent;shot:$d/offline-2-sent.png" \
        $tok --set outbox_path="$d/outbox.db"
    n=$(curl -s -H "Authorization: Bearer $fam" "$url/v1/residents/$rid/checkins?limit=10" |
        python3 -c 'import json,sys; print(len(json.load(sys.stdin)["checkins"]))')
    [ "$n" = 2 ] || no "$lang: expected 2 check-ins at the hub (one kept while offline), got $n"
    stop_hub
done

cat "$dir/taps.txt"
[ $fail = 0 ] && echo "journeys: all passed"
exit $fail
