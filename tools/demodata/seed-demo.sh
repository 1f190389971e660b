#!/bin/sh
# seed-demo.sh: seeds a demo hub database with checkups and shopping:
# two source organisations (the city's health system and an insurer), several years of
# eCheckup Bundles for the three demo residents (tools/demodata), consents so the kiosk
# shows consented sources (and, for resident 2, hides the insurer it did not consent to),
# a shopping operator with the demo catalogue and a webhook to the demo receiver, and
# resident 1's consent to give that operator the delivery address.
#
#   tools/demodata/seed-demo.sh BUILD_DIR DB WORK_DIR WEBHOOK_URL WEBHOOK_SECRET
#
# Run it after the residents are enrolled as residents 1, 2, 3 with
#   hubctl resident-add ... --insurer 00012345 --symbol あいう --insured 1871 --branch 00 \
#          --address "..."          (1872 for resident 2, 1873 for resident 3)
# and before (or while) hubd runs. It prints the source organisations' and the operator's
# API keys (shown once) as key=value lines.
set -eu

if [ $# -ne 5 ]; then
    echo "usage: seed-demo.sh BUILD_DIR DB WORK_DIR WEBHOOK_URL WEBHOOK_SECRET" >&2
    exit 2
fi
build=$1 db=$2 work=$3 url=$4 secret=$5
here=$(cd "$(dirname "$0")" && pwd)
catalogue="$here/../opreceiver/demo-catalogue/catalogue.json"
ctl() { "$build/hub/hubctl" --db "$db" "$@"; }
field() { sed -n "s/^$1=//p"; }

mkdir -p "$work"
"$build/tools/demodata/demodata" "$work/checkups" >/dev/null

city_out=$(ctl source-add --name "市保健センター（健診システム）")
city=$(echo "$city_out" | field source_id)
insurer_out=$(ctl source-add --name "みなと健康保険組合")
insurer=$(echo "$insurer_out" | field source_id)
echo "source_city_id=$city"
echo "source_city_key=$(echo "$city_out" | field token)"
echo "source_insurer_id=$insurer"
echo "source_insurer_key=$(echo "$insurer_out" | field token)"

# Linkage consents (paper form at enrolment): all three residents link the city's
# checkups; residents 1 and 3 also the insurer's; resident 2 did not, so the insurer's
# checkups of resident 2 are stored but never shown.
for r in 1 2 3; do
    ctl consent-grant --resident "$r" --recipient "source:$city" --data-kind "checkups:$city" \
        --purpose linkage >/dev/null
done
for r in 1 3; do
    ctl consent-grant --resident "$r" --recipient "source:$insurer" \
        --data-kind "checkups:$insurer" --purpose linkage >/dev/null
done

n=0
for f in "$work"/checkups/*-city.json; do
    ctl checkup-import --source "$city" --file "$f" >/dev/null
    n=$((n + 1))
done
for f in "$work"/checkups/*-insurer.json "$work"/checkups/*-insurer.csv; do
    ctl checkup-import --source "$insurer" --file "$f" >/dev/null
    n=$((n + 1))
done
echo "checkup_files_imported=$n"

op_out=$(ctl operator-add --name "まちかど買い物代行" --district north-3 --district south-1 \
    --webhook "$url" --secret "$secret")
op=$(echo "$op_out" | field operator_id)
echo "operator_id=$op"
echo "operator_key=$(echo "$op_out" | field token)"
ctl catalogue-import --operator "$op" --file "$catalogue" >/dev/null
# Resident 1 lets the operator have name and address for deliveries; 2 and 3 do not.
ctl consent-grant --resident 1 --recipient "operator:$op" --data-kind address \
    --purpose delivery >/dev/null
echo "seeded=ok"
