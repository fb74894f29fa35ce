#!/usr/bin/env bash
# Proves the IGNY8 bridge plugin against a real local WordPress (scripts/wordpress-local.sh):
# publish with images from a loopback image server, read back through WordPress's own REST API, republish
# (same post), wrong key (401), status changes reaching a webhook listener, the web server going away, teardown.
# Exits non-zero when any check fails.  usage: scripts/wordpress-bridge-check.sh [--keep]
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOCAL=$HERE/wordpress-local.sh
KEEP=${1:-}
T0=$SECONDS
FAILS=0; CHECKS=0
ok()   { CHECKS=$((CHECKS + 1)); printf 'ok   - %s\n' "$*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); printf 'FAIL - %s\n' "$*"; }
check() { # description, then a command
  local what=$1; shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}
# json FILE PY_EXPR: evaluates a Python expression over the parsed JSON `d`; prints the result.
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=eval(sys.argv[2]); print(r if not isinstance(r,(dict,list,bool)) or r is None else json.dumps(r))' "$1" "$2" 2>/dev/null; }
eq() { [ "$1" = "$2" ] || { printf '       expected [%s], got [%s]\n' "$2" "$1"; return 1; }; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

WORK=$(mktemp -d /tmp/igny8-wp-check.XXXXXX)
D=$WORK/wp
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  if [ "$KEEP" = --keep ]; then echo "kept $WORK (stop with: $LOCAL down $D)"; return; fi
  "$LOCAL" destroy "$D" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- fixtures: three PNG images on a loopback HTTP server, and a webhook listener ---------------------------
mkdir -p "$WORK/images"
python3 - "$WORK/images" <<'PY'
import struct, sys, zlib
def png(path, w, h, rgb):
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    def chunk(t, data):
        return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
png(sys.argv[1] + "/featured.png", 320, 200, (200, 40, 40))
png(sys.argv[1] + "/inline-one.png", 240, 160, (40, 160, 40))
png(sys.argv[1] + "/inline-two.png", 200, 120, (40, 40, 200))
PY
IMG_PORT=$(free_port)
python3 -m http.server "$IMG_PORT" --bind 127.0.0.1 --directory "$WORK/images" >"$WORK/images.log" 2>&1 &
PIDS+=($!)
HOOK_PORT=$(free_port)
HOOKS=$WORK/webhooks.jsonl
: >"$HOOKS"
python3 "$HERE/wordpress/webhook-listener.py" "$HOOK_PORT" "$HOOKS" &
PIDS+=($!)
IMG=http://127.0.0.1:$IMG_PORT

# --- WordPress -------------------------------------------------------------------------------------------------
t=$SECONDS
if ! WP_BRIDGE_APP_URL=http://127.0.0.1:$HOOK_PORT "$LOCAL" up "$D" >"$WORK/up.out" 2>"$WORK/up.err"; then
  cat "$WORK/up.err"; fail "wordpress-local.sh up"; exit 1
fi
UP_SECS=$((SECONDS - t))
. "$D/env"
ok "WordPress $WP_VERSION up at $WP_URL in ${UP_SECS} s (bridge key set, app URL http://127.0.0.1:$HOOK_PORT)"
for i in $(seq 1 50); do curl -s -o /dev/null "$IMG/featured.png" && break; sleep 0.1; done

ADMIN=(-u "$WP_ADMIN_USER:$WP_ADMIN_APP_PASSWORD")
KEYH=(-H "X-IGNY8-API-KEY: $WP_BRIDGE_KEY")
api() { # METHOD PATH OUTFILE [curl args…] → prints the HTTP status
  local m=$1 p=$2 o=$3; shift 3
  curl -s -m 60 -X "$m" -o "$o" -w '%{http_code}' "$@" "$WP_URL/wp-json$p"
}

# Status endpoint, and its key check.
code=$(api GET /igny8/v1/status "$WORK/status.json" "${KEYH[@]}")
check "GET /igny8/v1/status with the key → 200" eq "$code" 200
check "status: plugin version, WordPress version, can publish" \
  eq "$(json "$WORK/status.json" '[d["plugin_version"], d["wordpress_version"], d["can_publish"]]')" "[\"0.1.0\", \"$WP_VERSION\", true]"
code=$(api GET /igny8/v1/status "$WORK/x.json")
check "GET /igny8/v1/status without a key → 401" eq "$code" 401

# An existing category with other case, to prove case-insensitive matching.
code=$(api POST /wp/v2/categories "$WORK/cat.json" "${ADMIN[@]}" -H 'Content-Type: application/json' -d '{"name":"Marketing Tips"}')
check "admin creates category 'Marketing Tips' through core REST → 201" eq "$code" 201
CAT_ID=$(json "$WORK/cat.json" 'd["id"]')

# The subscriber may not write posts (capability test user).
code=$(api POST /wp/v2/posts "$WORK/x.json" -u "$WP_SUBSCRIBER_USER:$WP_SUBSCRIBER_APP_PASSWORD" -H 'Content-Type: application/json' -d '{"title":"x"}')
check "subscriber's application password is accepted but may not create posts → 403" eq "$code" 403

# --- publish -------------------------------------------------------------------------------------------------
CID="chk-$(date +%s)-$RANDOM"
payload() { # TITLE
  python3 - "$1" "$CID" "$IMG" <<'PY'
import json, sys
title, cid, img = sys.argv[1:4]
print(json.dumps({
    "content_id": cid, "task_id": "task-77", "title": title,
    "content_html": f'<h2>Why</h2><p>First paragraph.</p><p><img src="{img}/inline-one.png" alt="green box"></p>'
                    f'<p>Second paragraph with <strong>bold</strong>.</p><script>alert(1)</script>',
    "excerpt": "A short summary.", "status": "publish",
    "seo_title": "SEO title | Site", "seo_description": "The meta description.",
    "primary_keyword": "bridge plugin", "secondary_keywords": ["wordpress publishing", "seo meta"],
    "categories": ["marketing tips", "Guides"], "tags": ["Rust", "WordPress", "rust"],
    "featured_image_url": f"{img}/featured.png", "featured_image_alt": "red box",
    "images": [{"url": f"{img}/inline-one.png", "alt": "green box", "caption": "", "position": 1},
               {"url": f"{img}/inline-two.png", "alt": "blue box", "caption": "A blue box", "position": 1}],
    "cluster_id": "12", "sector_id": "3", "keyword_ids": [5, 6], "sectors": ["Software"], "clusters": ["Publishing"],
}))
PY
}
payload "Publishing from IGNY8" >"$WORK/p1.json"
t=$SECONDS
code=$(api POST /igny8/v1/publish "$WORK/r1.json" "${KEYH[@]}" -H 'Content-Type: application/json' --data-binary @"$WORK/p1.json")
check "POST /igny8/v1/publish (new content_id, 3 images) → 201 in $((SECONDS - t)) s" eq "$code" 201
[ "$code" = 201 ] || cat "$WORK/r1.json"
PID=$(json "$WORK/r1.json" 'd["post_id"]')
check "response has post_id, post_url, post_status=publish, term_ids" \
  eq "$(json "$WORK/r1.json" '[d["post_id"] > 0, d["post_url"].startswith("http"), d["post_status"], len(d["term_ids"]["categories"]), len(d["term_ids"]["tags"])]')" '[true, true, "publish", 2, 2]'
check "existing category matched case-insensitively (id $CAT_ID reused)" \
  eq "$(json "$WORK/r1.json" "$CAT_ID in d['term_ids']['categories']")" true

code=$(api GET "/wp/v2/posts/$PID?context=edit" "$WORK/post.json" "${ADMIN[@]}")
check "admin reads /wp/v2/posts/$PID?context=edit → 200" eq "$code" 200
check "title" eq "$(json "$WORK/post.json" 'd["title"]["raw"]')" "Publishing from IGNY8"
check "status publish" eq "$(json "$WORK/post.json" 'd["status"]')" publish
check "excerpt" eq "$(json "$WORK/post.json" 'd["excerpt"]["raw"]')" "A short summary."
check "content: both in-article images point into /wp-content/uploads/, none to the image server" \
  eq "$(json "$WORK/post.json" '[d["content"]["raw"].count("/wp-content/uploads/"), "'"$IMG"'" in d["content"]["raw"]]')" '[2, false]'
check "content: second image inserted after paragraph 1 with its caption; text kept" \
  eq "$(json "$WORK/post.json" '["<figcaption>A blue box</figcaption>" in d["content"]["raw"], "<strong>bold</strong>" in d["content"]["raw"], d["content"]["raw"].index("blue box") < d["content"]["raw"].index("Second paragraph")]')" '[true, true, true]'
check "content: <script> removed (kses, no unfiltered_html)" \
  eq "$(json "$WORK/post.json" '"<script" in d["content"]["raw"]')" false
FEAT=$(json "$WORK/post.json" 'd["featured_media"]')
check "featured_media set ($FEAT) and equals the response's featured_media_id" \
  eq "$FEAT" "$(json "$WORK/r1.json" 'd["featured_media_id"]')"
code=$(api GET "/wp/v2/media/$FEAT?context=edit" "$WORK/media.json" "${ADMIN[@]}")
check "featured media: image/png, alt 'red box', attached to the post, file in uploads" \
  eq "$(json "$WORK/media.json" '[d["mime_type"], d["alt_text"], d["post"], "/wp-content/uploads/" in d["source_url"]]')" "[\"image/png\", \"red box\", $PID, true]"
curl -s -o "$WORK/feat.png" "$(json "$WORK/media.json" 'd["source_url"]')"
check "featured image file is served by WordPress and equals the original" cmp -s "$WORK/feat.png" "$WORK/images/featured.png"
INLINE_ID=$(json "$WORK/r1.json" 'd["image_ids"][0]')
api GET "/wp/v2/media/$INLINE_ID?context=edit" "$WORK/media2.json" "${ADMIN[@]}" >/dev/null
check "in-article image: alt 'green box', attached to the post" \
  eq "$(json "$WORK/media2.json" '[d["alt_text"], d["post"]]')" "[\"green box\", $PID]"
check "in-article image's uploaded URL appears in the content" \
  grep -qF "$(json "$WORK/media2.json" 'd["source_url"]')" <(json "$WORK/post.json" 'd["content"]["raw"]')
api GET "/wp/v2/categories?include=$(json "$WORK/post.json" '",".join(map(str,d["categories"]))')" "$WORK/cats.json" >/dev/null
check "categories: Marketing Tips + Guides" eq "$(json "$WORK/cats.json" 'sorted(c["name"] for c in d)')" '["Guides", "Marketing Tips"]'
api GET "/wp/v2/tags?include=$(json "$WORK/post.json" '",".join(map(str,d["tags"]))')" "$WORK/tags.json" >/dev/null
check "tags: Rust + WordPress (duplicate 'rust' folded)" eq "$(json "$WORK/tags.json" 'sorted(t["name"] for t in d)')" '["Rust", "WordPress"]'
check "igny8 field: content_id and task id" eq "$(json "$WORK/post.json" '[d["igny8"]["content_id"], d["igny8"]["meta"]["_igny8_task_id"]]')" "[\"$CID\", \"task-77\"]"
check "SEO meta: Yoast title/description/focus keyword" \
  eq "$(json "$WORK/post.json" '[d["igny8"]["meta"][k] for k in ("_yoast_wpseo_title","_yoast_wpseo_metadesc","_yoast_wpseo_focuskw")]')" '["SEO title | Site", "The meta description.", "bridge plugin"]'
check "SEO meta: Rank Math title/description/focus keywords" \
  eq "$(json "$WORK/post.json" '[d["igny8"]["meta"][k] for k in ("rank_math_title","rank_math_description","rank_math_focus_keyword")]')" '["SEO title | Site", "The meta description.", "bridge plugin,wordpress publishing,seo meta"]'
check "SEO meta: SEOPress and AIOSEO title/description" \
  eq "$(json "$WORK/post.json" '[d["igny8"]["meta"][k] for k in ("_seopress_titles_title","_seopress_titles_desc","_aioseo_title","_aioseo_description")]')" '["SEO title | Site", "The meta description.", "SEO title | Site", "The meta description."]'
check "IGNY8 meta: cluster, sector, keyword ids, meta title" \
  eq "$(json "$WORK/post.json" '[d["igny8"]["meta"][k] for k in ("_igny8_cluster_id","_igny8_sector_id","_igny8_keyword_ids","_igny8_meta_title")]')" '["12", "3", "5,6", "SEO title | Site"]'
check "the post's public URL answers 200" eq "$(curl -s -o /dev/null -w '%{http_code}' "$(json "$WORK/r1.json" 'd["post_url"]')")" 200
check "no webhook for IGNY8's own publish" eq "$(wc -l <"$HOOKS" | tr -d ' ')" 0

# --- republish: same post, no new media ----------------------------------------------------------------------
api GET "/wp/v2/media?per_page=100" "$WORK/media-before.json" "${ADMIN[@]}" >/dev/null
payload "Publishing from IGNY8, revised" >"$WORK/p2.json"
code=$(api POST /igny8/v1/publish "$WORK/r2.json" "${KEYH[@]}" -H 'Content-Type: application/json' --data-binary @"$WORK/p2.json")
check "republish (same content_id, new title) → 200" eq "$code" 200
check "republish returns the same post id $PID" eq "$(json "$WORK/r2.json" 'd["post_id"]')" "$PID"
api GET "/wp/v2/posts/$PID?context=edit" "$WORK/post2.json" "${ADMIN[@]}" >/dev/null
check "title updated" eq "$(json "$WORK/post2.json" 'd["title"]["raw"]')" "Publishing from IGNY8, revised"
api GET "/wp/v2/posts?context=edit&status=publish,draft,pending,future,private&per_page=100" "$WORK/all.json" "${ADMIN[@]}" >/dev/null
check "exactly one post carries content_id $CID" eq "$(json "$WORK/all.json" 'sum(1 for p in d if (p.get("igny8") or {}).get("content_id") == "'"$CID"'")')" 1
api GET "/wp/v2/media?per_page=100" "$WORK/media-after.json" "${ADMIN[@]}" >/dev/null
check "no image uploaded twice (media count $(json "$WORK/media-before.json" 'len(d)') → $(json "$WORK/media-after.json" 'len(d)'))" \
  eq "$(json "$WORK/media-after.json" 'len(d)')" "$(json "$WORK/media-before.json" 'len(d)')"

# --- bad requests ----------------------------------------------------------------------------------------------
code=$(api POST /igny8/v1/publish "$WORK/x.json" -H 'X-IGNY8-API-KEY: wrong-key-0000000000' -H 'Content-Type: application/json' --data-binary @"$WORK/p2.json")
check "publish with a wrong key → 401 ($(json "$WORK/x.json" 'd["code"]'))" eq "$code" 401
code=$(api POST /igny8/v1/publish "$WORK/x.json" -H 'Content-Type: application/json' --data-binary @"$WORK/p2.json")
check "publish without a key → 401" eq "$code" 401
code=$(api POST /igny8/v1/publish "$WORK/x.json" "${KEYH[@]}" -H 'Content-Type: application/json' -d '{"content_id":"x1","content_html":"<p>x</p>"}')
check "publish without a title → 400 naming the field ($(json "$WORK/x.json" 'd["data"]["field"]'))" eq "$code" 400
code=$(api POST /igny8/v1/publish "$WORK/x.json" "${KEYH[@]}" -H 'Content-Type: application/json' \
  -d "{\"content_id\":\"x2\",\"title\":\"t\",\"content_html\":\"<p>x</p>\",\"featured_image_url\":\"$IMG/missing.png\"}")
check "publish with an image that 404s → 422 igny8_image_download_failed (not worth retrying)" \
  eq "$code:$(json "$WORK/x.json" 'd["code"]')" "422:igny8_image_download_failed"
code=$(api POST /igny8/v1/publish "$WORK/x.json" "${KEYH[@]}" -H 'Content-Type: application/json' \
  -d '{"content_id":"x3","title":"t","content_html":"<p>x</p>","images":[{"url":"http://10.255.255.1/a.png","alt":"a"}]}')
check "publish with an image on a private address → 422 igny8_image_url_refused" \
  eq "$code:$(json "$WORK/x.json" 'd["code"]')" "422:igny8_image_url_refused"
api GET "/wp/v2/posts?context=edit&status=publish,draft,pending,future,private&per_page=100" "$WORK/all.json" "${ADMIN[@]}" >/dev/null
check "failed publishes left no post behind" \
  eq "$(json "$WORK/all.json" 'sum(1 for p in d if (p.get("igny8") or {}).get("content_id") in ("x1", "x2", "x3"))')" 0

# Scheduling through the payload.
WHEN=$(date -u -d '+2 days' +%Y-%m-%dT%H:%M:00Z)
code=$(api POST /igny8/v1/publish "$WORK/rf.json" "${KEYH[@]}" -H 'Content-Type: application/json' \
  -d "{\"content_id\":\"sched-$RANDOM\",\"title\":\"Later\",\"content_html\":\"<p>x</p>\",\"status\":\"future\",\"published_at\":\"$WHEN\"}")
api GET "/wp/v2/posts/$(json "$WORK/rf.json" 'd["post_id"]')?context=edit" "$WORK/pf.json" "${ADMIN[@]}" >/dev/null
check "status future with published_at $WHEN → 201, post scheduled at that time" \
  eq "$code:$(json "$WORK/pf.json" '[d["status"], d["date_gmt"]]')" "201:[\"future\", \"${WHEN%Z}\"]"
code=$(api POST /igny8/v1/publish "$WORK/x.json" "${KEYH[@]}" -H 'Content-Type: application/json' \
  -d '{"content_id":"x4","title":"t","content_html":"<p>x</p>","status":"future"}')
check "status future without published_at → 400 naming published_at" eq "$code:$(json "$WORK/x.json" 'd["data"]["field"]')" "400:published_at"

# Two deliveries of the same new article at once (a retried job racing the first): one post.
CID2="race-$(date +%s)-$RANDOM"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["content_id"]=sys.argv[2]; d["title"]="Race"; print(json.dumps(d))' "$WORK/p1.json" "$CID2" >"$WORK/p3.json"
api POST /igny8/v1/publish "$WORK/ra.json" "${KEYH[@]}" -H 'Content-Type: application/json' --data-binary @"$WORK/p3.json" >"$WORK/ra.code" &
RA=$!
api POST /igny8/v1/publish "$WORK/rb.json" "${KEYH[@]}" -H 'Content-Type: application/json' --data-binary @"$WORK/p3.json" >"$WORK/rb.code" &
wait "$RA" "$!"
check "two concurrent publishes of one new content_id → 201 + 200 ($(cat "$WORK/ra.code") $(cat "$WORK/rb.code"))" \
  eq "$(printf '%s\n' "$(cat "$WORK/ra.code")" "$(cat "$WORK/rb.code")" | sort | tr '\n' ' ')" "200 201 "
check "… with the same post id" eq "$(json "$WORK/ra.json" 'd["post_id"]')" "$(json "$WORK/rb.json" 'd["post_id"]')"
api GET "/wp/v2/posts?context=edit&status=publish,draft,pending,future,private&per_page=100" "$WORK/all.json" "${ADMIN[@]}" >/dev/null
check "… and exactly one post carries that content_id" \
  eq "$(json "$WORK/all.json" 'sum(1 for p in d if (p.get("igny8") or {}).get("content_id") == "'"$CID2"'")')" 1

# --- status changes made in WordPress reach the app ------------------------------------------------------------
wait_hooks() { local n=$1 i; for i in $(seq 1 50); do [ "$(wc -l <"$HOOKS")" -ge "$n" ] && return 0; sleep 0.1; done; return 1; }
code=$(api POST "/wp/v2/posts/$PID" "$WORK/x.json" "${ADMIN[@]}" -H 'Content-Type: application/json' -d '{"status":"draft"}')
check "admin moves the post to draft through core REST → 200" eq "$code" 200
wait_hooks 1
check "webhook 1 arrived: path, key header, JSON" \
  eq "$(sed -n 1p "$HOOKS" | python3 -c 'import json,sys; r=json.load(sys.stdin); print([r["path"], r["api_key"], r["content_type"]])')" \
  "['/api/v1/integration/webhooks/wordpress/status/', '$WP_BRIDGE_KEY', 'application/json']"
check "webhook 1: publish → draft maps to status draft, previous published" \
  eq "$(sed -n 1p "$HOOKS" | python3 -c 'import json,sys; b=json.load(sys.stdin)["body"]; print([b["post_id"], b["content_id"], b["status"], b["previous_status"], b["post_status"], b["post_url"].startswith("http")])')" \
  "[$PID, '$CID', 'draft', 'published', 'draft', True]"
hook() { sed -n "${1}p" "$HOOKS" | python3 -c 'import json,sys; b=json.load(sys.stdin)["body"]; print([b["post_id"], b["status"], b["previous_status"], b["post_status"]])'; }
n=1
for step in pending:review:draft private:completed:review "future:scheduled:completed"; do
  IFS=: read -r wp igny prev <<<"$step"
  extra=""; [ "$wp" = future ] && extra=",\"date_gmt\":\"$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%S)\""
  code=$(api POST "/wp/v2/posts/$PID" "$WORK/x.json" "${ADMIN[@]}" -H 'Content-Type: application/json' -d "{\"status\":\"$wp\"$extra}")
  n=$((n + 1)); wait_hooks $n
  check "admin sets status $wp ($code) → webhook $n: status $igny, previous $prev" eq "$(hook $n)" "[$PID, '$igny', '$prev', '$wp']"
done
code=$(api DELETE "/wp/v2/posts/$PID" "$WORK/x.json" "${ADMIN[@]}")
check "admin moves the post to the trash through core REST → 200" eq "$code" 200
n=$((n + 1)); wait_hooks $n
check "webhook $n: future → trash maps to status archived, previous scheduled" eq "$(hook $n)" "[$PID, 'archived', 'scheduled', 'trash']"
code=$(api POST /igny8/v1/publish "$WORK/r3.json" "${KEYH[@]}" -H 'Content-Type: application/json' --data-binary @"$WORK/p2.json")
check "republish of a trashed (scheduled) post: same post id, published now ($code)" eq "$(json "$WORK/r3.json" '[d["post_id"], d["post_status"]]')" "[$PID, \"publish\"]"
check "no webhook for that republish" eq "$(wc -l <"$HOOKS" | tr -d ' ')" "$n"

# --- Settings → IGNY8, through wp-admin with a real login --------------------------------------------------------
login() { # USER APP_PASSWORD COOKIEJAR: give the user a login password through REST, then log in through wp-login.php
  local pw="Check-$RANDOM-$RANDOM-pass"
  curl -s -o /dev/null -u "$1:$2" -H 'Content-Type: application/json' -d "{\"password\":\"$pw\"}" "$WP_URL/wp-json/wp/v2/users/me"
  curl -s -c "$3" -b "$3" -o /dev/null "$WP_URL/wp-login.php"
  curl -s -c "$3" -b "$3" -o /dev/null -w '%{http_code}' --data-urlencode "log=$1" --data-urlencode "pwd=$pw" \
    --data-urlencode testcookie=1 --data-urlencode "redirect_to=$WP_URL/wp-admin/" "$WP_URL/wp-login.php"
}
PAGE="$WP_URL/wp-admin/options-general.php?page=igny8-bridge"
JAR=$WORK/admin.cookies
check "admin logs in to wp-admin" eq "$(login "$WP_ADMIN_USER" "$WP_ADMIN_APP_PASSWORD" "$JAR")" 302
code=$(curl -s -b "$JAR" -o "$WORK/settings.html" -w '%{http_code}' "$PAGE")
check "Settings → IGNY8 renders for the admin (key field, app URL, 'ending in ${WP_BRIDGE_KEY: -4}')" \
  eq "$code:$(grep -c -e 'name="igny8_bridge_api_key"' -e "value=\"http://127.0.0.1:$HOOK_PORT\"" -e "ending in ${WP_BRIDGE_KEY: -4}" "$WORK/settings.html")" 200:3
check "the settings page never shows the key itself" eq "$(grep -c -F "$WP_BRIDGE_KEY" "$WORK/settings.html")" 0
NONCE=$(grep -o 'name="_wpnonce" value="[^"]*"' "$WORK/settings.html" | sed 's/.*value="//; s/"$//')
NEWKEY=$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')
save_settings() { # KEY APP_URL → HTTP status of options.php
  curl -s -b "$JAR" -o /dev/null -w '%{http_code}' --data-urlencode option_page=igny8_bridge --data-urlencode action=update \
    --data-urlencode "_wpnonce=$NONCE" --data-urlencode "_wp_http_referer=/wp-admin/options-general.php?page=igny8-bridge" \
    --data-urlencode "igny8_bridge_api_key=$1" --data-urlencode "igny8_bridge_app_url=$2" "$WP_URL/wp-admin/options.php"
}
check "saving a new key through the form → 302" eq "$(save_settings "$NEWKEY" "http://127.0.0.1:$HOOK_PORT/")" 302
check "the new key opens /igny8/v1/status, the old one no longer does" \
  eq "$(api GET /igny8/v1/status "$WORK/x.json" -H "X-IGNY8-API-KEY: $NEWKEY"):$(api GET /igny8/v1/status "$WORK/x.json" "${KEYH[@]}")" 200:401
KEYH=(-H "X-IGNY8-API-KEY: $NEWKEY")
save_settings "" "javascript:alert(1)" >/dev/null
curl -s -b "$JAR" -o "$WORK/settings2.html" "$PAGE&settings-updated=true"
check "an empty key field keeps the key; a non-http app URL is refused and the old one kept" \
  eq "$(api GET /igny8/v1/status "$WORK/x.json" "${KEYH[@]}"):$(grep -c -F "value=\"http://127.0.0.1:$HOOK_PORT\"" "$WORK/settings2.html"):$(grep -c 'must start with http' "$WORK/settings2.html")" 200:1:1
SJAR=$WORK/subscriber.cookies
login "$WP_SUBSCRIBER_USER" "$WP_SUBSCRIBER_APP_PASSWORD" "$SJAR" >/dev/null
check "a subscriber may not open Settings → IGNY8 (403)" eq "$(curl -s -b "$SJAR" -o /dev/null -w '%{http_code}' "$PAGE")" 403

# --- WordPress going away --------------------------------------------------------------------------------------
"$LOCAL" stop-web "$D" 2>/dev/null
code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$WP_URL/wp-json/" ; true)
check "stop-web: $WP_URL refuses connections (code $code)" eq "$code" 000
t=$SECONDS
"$LOCAL" start-web "$D" 2>/dev/null
code=$(api GET /igny8/v1/status "$WORK/x.json" "${KEYH[@]}")
check "start-web: answers again in $((SECONDS - t)) s" eq "$code" 200

check "no PHP notice, warning or error from the bridge plugin in the debug log" \
  eq "$(grep -c -e 'plugins/igny8-bridge/' -e 'mu-plugins/igny8-local-test' "$D/logs/wp-debug.log" 2>/dev/null || true)" 0
grep -v -e 'PHP Deprecated:' -e 'plugins/igny8-bridge/' "$D/logs/wp-debug.log" 2>/dev/null | sed 's/^/       WordPress: /' | head -10

echo "---"
echo "wordpress-local up: ${UP_SECS} s; whole check: $((SECONDS - T0)) s; $CHECKS checks, $FAILS failed"
[ "$FAILS" = 0 ]
