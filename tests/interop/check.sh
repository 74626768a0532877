#!/usr/bin/env bash
# tests/interop/check.sh [--keep-pages DIR]
#
# Checks tests/interop/provider.mjs end to end without a browser, with curl and a cookie jar,
# the way Flows Studio's OAuth templates talk to a provider: Step 1's authorization URL (exactly
# response_type, client_id, redirect_uri, scope, state, code_challenge, code_challenge_method),
# the provider's login and consent forms, the redirect to the redirect URI, Step 2's form POST
# to the token endpoint, a Bearer call to userinfo (the Connection Test), Step 3's refresh.
# Prints TAP. Needs node, curl and `npm ci` in tests/interop (build-aux/test runs it).
# --keep-pages DIR keeps the HTML of the login and consent pages in DIR; CHECK_LOG=FILE keeps
# the provider's stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
keep_pages=
if [[ ${1:-} == --keep-pages ]]; then
  keep_pages=${2:?--keep-pages needs a directory}
  mkdir -p "$keep_pages"
fi

if ! command -v node >/dev/null || ! command -v curl >/dev/null; then
  echo '1..0 # SKIP node or curl is not installed'
  exit 0
fi
if [[ ! -d $here/node_modules/oidc-provider ]]; then
  echo "Bail out! $here/node_modules is missing: run 'npm ci' in tests/interop"
  exit 1
fi

tmp=$(mktemp -d)
provider_pid=
cleanup() {
  if [[ -n $provider_pid ]]; then
    kill -TERM "$provider_pid" 2>/dev/null || true
    wait "$provider_pid" 2>/dev/null || true
  fi
  [[ -z ${CHECK_LOG:-} ]] || cp "$tmp/provider.err" "$CHECK_LOG"
  rm -rf "$tmp"
}
trap cleanup EXIT

client_id=flows-studio-interop
client_secret=interop-check-secret
# Nothing listens there: the redirect is read from the Location header, as decide-policy would.
redirect_uri=http://127.0.0.1:8976/oauth/callback
jar=$tmp/cookies

tests=0
failed=0
ok() { tests=$((tests + 1)); echo "ok $tests - $1"; }
not_ok() {
  tests=$((tests + 1))
  failed=$((failed + 1))
  echo "not ok $tests - $1"
  shift
  local line
  for line in "$@"; do echo "# $line"; done
}
bail() {
  echo "Bail out! $1"
  if [[ -f $tmp/provider.err ]]; then sed 's/^/# provider: /' "$tmp/provider.err"; fi
  exit 1
}

# json FILE EXPR: evaluates EXPR (JavaScript, the parsed document is `j`), prints the result.
json() {
  node -e 'const fs = require("fs"); const j = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
           const v = (0, eval)("(j) => " + process.argv[2])(j);
           process.stdout.write(v === undefined ? "" : String(v));' "$1" "$2"
}

# The headers of the last response: status and a header's value.
status_of() { awk 'NR == 1 { print $2 }' "$1"; }
header_of() {
  awk -v name="$2" 'BEGIN { IGNORECASE = 1 } tolower($1) == tolower(name ":") { sub(/^[^:]*: */, ""); sub(/\r$/, ""); print; exit }' "$1"
}

# --- provider -------------------------------------------------------------------------------

node "$here/provider.mjs" --port 0 --redirect-uri "$redirect_uri" --client-secret "$client_secret" \
  >"$tmp/provider.out" 2>"$tmp/provider.err" &
provider_pid=$!
for _ in $(seq 100); do
  if [[ -s $tmp/provider.out ]] || ! kill -0 "$provider_pid" 2>/dev/null; then break; fi
  sleep 0.1
done
ready=$(head -n 1 "$tmp/provider.out")
[[ $ready =~ ^READY\ (http://127\.0\.0\.1:[0-9]+)$ ]] || bail "provider did not print READY (got '$ready')"
issuer=${BASH_REMATCH[1]}
echo "1..15"
echo "# issuer $issuer"
if [[ $(wc -l <"$tmp/provider.out") -eq 1 ]]; then
  ok 'provider prints exactly one READY line on stdout'
else
  not_ok 'provider prints exactly one READY line on stdout' "$(cat "$tmp/provider.out")"
fi

curl -sS -o "$tmp/discovery.json" "$issuer/.well-known/openid-configuration"
auth_url=$(json "$tmp/discovery.json" j.authorization_endpoint)
token_url=$(json "$tmp/discovery.json" j.token_endpoint)
userinfo_url=$(json "$tmp/discovery.json" j.userinfo_endpoint)
echo "# endpoints: $auth_url $token_url $userinfo_url"

# --- Step 1 ---------------------------------------------------------------------------------

verifier=$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))')
challenge=$(node -e 'process.stdout.write(require("crypto").createHash("sha256").update(process.argv[1]).digest("base64url"))' "$verifier")
state=$(node -e 'process.stdout.write(require("crypto").randomBytes(16).toString("base64url"))')

# PKCE is required: the same request without code_challenge comes back as an error.
curl -sS -G -o /dev/null -D "$tmp/h" "$auth_url" \
  --data-urlencode response_type=code --data-urlencode "client_id=$client_id" \
  --data-urlencode "redirect_uri=$redirect_uri" --data-urlencode 'scope=openid profile offline_access' \
  --data-urlencode "state=$state"
location=$(header_of "$tmp/h" Location)
if [[ $location == "$redirect_uri?"*error=invalid_request* ]]; then
  ok 'an authorization request without code_challenge is refused (invalid_request)'
else
  not_ok 'an authorization request without code_challenge is refused (invalid_request)' "Location: $location"
fi

# Step 1's parameters, in its order, percent-encoded.
urlencode() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }
url="$auth_url?response_type=code&client_id=$(urlencode "$client_id")"
url+="&redirect_uri=$(urlencode "$redirect_uri")&scope=$(urlencode 'openid profile offline_access')"
url+="&state=$(urlencode "$state")&code_challenge=$(urlencode "$challenge")&code_challenge_method=S256"
echo "# authorize URL: ${url%%&state=*}&state=…&code_challenge=…&code_challenge_method=S256"

# follow URL: GETs URL and the redirects that stay on the provider; leaves the last response in
# $tmp/page, its headers in $tmp/h, and sets $location to a redirect off the provider (or "").
follow() {
  local next=$1 hops=0
  location=
  while ((hops++ < 10)); do
    curl -sS -b "$jar" -c "$jar" -o "$tmp/page" -D "$tmp/h" "$next"
    case $(status_of "$tmp/h") in
      30[1237]) ;;
      *) return 0 ;;
    esac
    next=$(header_of "$tmp/h" Location)
    [[ $next == /* ]] && next=$issuer$next
    if [[ $next != "$issuer"/* ]]; then
      location=$next
      return 0
    fi
  done
  bail "too many redirects at $next"
}

# submit FIELD=VALUE…: posts the form of $tmp/page (its action) with these fields, then
# follows the redirects.
submit() {
  local action
  action=$(grep -o '<form [^>]*action="[^"]*"' "$tmp/page" | head -n 1 | sed 's/.*action="//; s/"$//; s/&amp;/\&/g')
  [[ -n $action ]] || bail 'no form on the page'
  [[ $action == /* ]] && action=$issuer$action
  local -a fields=()
  local field
  for field in "$@"; do fields+=(--data-urlencode "$field"); done
  curl -sS -b "$jar" -c "$jar" -o "$tmp/page" -D "$tmp/h" "${fields[@]}" "$action"
  case $(status_of "$tmp/h") in
    30[1237])
      local next
      next=$(header_of "$tmp/h" Location)
      [[ $next == /* ]] && next=$issuer$next
      if [[ $next == "$issuer"/* ]]; then follow "$next"; else location=$next; fi
      ;;
    *) bail "form post answered $(status_of "$tmp/h")" ;;
  esac
}

follow "$url"
if [[ $(status_of "$tmp/h") == 200 ]] && grep -q 'name="login"' "$tmp/page" && grep -q 'name="password"' "$tmp/page"; then
  ok 'Step 1 URL leads to the login page'
else
  not_ok 'Step 1 URL leads to the login page' "status $(status_of "$tmp/h")"
  bail 'no login page'
fi
[[ -z $keep_pages ]] || cp "$tmp/page" "$keep_pages/login.html"
echo "# login form: $(grep -o '<form [^>]*>' "$tmp/page" | sed 's/action="[^"]*"/action="…"/')"

submit prompt=login login=alice password=anything
if [[ $(status_of "$tmp/h") == 200 ]] && grep -q 'name="prompt" value="consent"' "$tmp/page"; then
  ok 'login form leads to the consent page'
else
  not_ok 'login form leads to the consent page' "status $(status_of "$tmp/h")"
  bail 'no consent page'
fi
[[ -z $keep_pages ]] || cp "$tmp/page" "$keep_pages/consent.html"

submit prompt=consent
if [[ $location == "$redirect_uri?"* ]]; then
  ok "consent redirects ($(status_of "$tmp/h")) to the redirect URI"
else
  not_ok 'consent redirects to the redirect URI' "status $(status_of "$tmp/h") Location: $location"
  bail 'no redirect'
fi
echo "# callback fields: $(node -e 'console.log([...new URL(process.argv[1]).searchParams.keys()].join(" "))' "$location")"
code=$(node -e 'process.stdout.write(new URL(process.argv[1]).searchParams.get("code") ?? "")' "$location")
returned_state=$(node -e 'process.stdout.write(new URL(process.argv[1]).searchParams.get("state") ?? "")' "$location")
if [[ -n $code && $returned_state == "$state" ]]; then
  ok 'the callback has a code and the same state'
else
  not_ok 'the callback has a code and the same state' "state '$returned_state'"
fi

# --- Step 2 ---------------------------------------------------------------------------------

curl -sS -o "$tmp/tokens.json" -D "$tmp/h" -H 'Accept: application/json' \
  --data-urlencode grant_type=authorization_code --data-urlencode "code=$code" \
  --data-urlencode "redirect_uri=$redirect_uri" --data-urlencode "client_id=$client_id" \
  --data-urlencode "client_secret=$client_secret" --data-urlencode "code_verifier=$verifier" \
  "$token_url"
type=$(header_of "$tmp/h" Content-Type)
if [[ $(status_of "$tmp/h") == 200 && $type == application/json* ]] &&
   [[ $(json "$tmp/tokens.json" 'typeof j.access_token == "string" && typeof j.refresh_token == "string" && typeof j.expires_in == "number"') == true ]]; then
  ok 'Step 2 exchange answers JSON with access_token, refresh_token, expires_in'
else
  not_ok 'Step 2 exchange answers JSON with access_token, refresh_token, expires_in' \
    "status $(status_of "$tmp/h") $type" "keys: $(json "$tmp/tokens.json" 'Object.keys(j).join(" ")' 2>/dev/null || true)"
  bail 'no tokens'
fi
echo "# token response: $(json "$tmp/tokens.json" 'Object.entries(j).map(([k, v]) => k + "=" + (["access_token", "refresh_token", "id_token"].includes(k) ? "<" + v.length + " chars>" : JSON.stringify(v))).join(" ")')"
access_token=$(json "$tmp/tokens.json" j.access_token)
refresh_token=$(json "$tmp/tokens.json" j.refresh_token)

# --- Connection Test: userinfo with the Bearer token ----------------------------------------

curl -sS -o "$tmp/me.json" -D "$tmp/h" -H "Authorization: Bearer $access_token" "$userinfo_url"
if [[ $(status_of "$tmp/h") == 200 && $(json "$tmp/me.json" j.sub) == alice ]]; then
  ok "userinfo answers 200 with sub to the Bearer token: $(cat "$tmp/me.json")"
else
  not_ok 'userinfo answers 200 with sub to the Bearer token' "status $(status_of "$tmp/h")" \
    "$(header_of "$tmp/h" WWW-Authenticate)"
fi

curl -sS -o /dev/null -D "$tmp/h" -H 'Authorization: Bearer not-a-token' "$userinfo_url"
if [[ $(status_of "$tmp/h") == 401 ]]; then
  ok 'userinfo answers 401 to an unknown token'
else
  not_ok 'userinfo answers 401 to an unknown token' "status $(status_of "$tmp/h")"
fi

# --- Step 3 ---------------------------------------------------------------------------------

curl -sS -o "$tmp/refreshed.json" -D "$tmp/h" -H 'Accept: application/json' \
  --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$refresh_token" \
  --data-urlencode "client_id=$client_id" --data-urlencode "client_secret=$client_secret" \
  "$token_url"
if [[ $(status_of "$tmp/h") == 200 ]] &&
   [[ $(json "$tmp/refreshed.json" "typeof j.access_token == 'string' && j.access_token != '$access_token'") == true ]]; then
  ok 'Step 3 refresh answers a new access token'
else
  not_ok 'Step 3 refresh answers a new access token' "status $(status_of "$tmp/h")" "$(cat "$tmp/refreshed.json")"
  bail 'no refresh'
fi
echo "# refresh response: $(json "$tmp/refreshed.json" 'Object.entries(j).map(([k, v]) => k + "=" + (["access_token", "refresh_token", "id_token"].includes(k) ? "<" + v.length + " chars>" : JSON.stringify(v))).join(" ")')"
new_access_token=$(json "$tmp/refreshed.json" j.access_token)
new_refresh_token=$(json "$tmp/refreshed.json" 'j.refresh_token ?? ""')

curl -sS -o "$tmp/me.json" -D "$tmp/h" -H "Authorization: Bearer $new_access_token" "$userinfo_url"
if [[ $(status_of "$tmp/h") == 200 && $(json "$tmp/me.json" j.sub) == alice ]]; then
  ok 'the refreshed access token works at userinfo'
else
  not_ok 'the refreshed access token works at userinfo' "status $(status_of "$tmp/h")"
fi

if [[ -n $new_refresh_token && $new_refresh_token != "$refresh_token" ]]; then
  ok 'the refresh token rotates'
else
  not_ok 'the refresh token rotates'
fi

# Last: reusing a rotated refresh token revokes the grant.
curl -sS -o "$tmp/reuse.json" -D "$tmp/h" -H 'Accept: application/json' \
  --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$refresh_token" \
  --data-urlencode "client_id=$client_id" --data-urlencode "client_secret=$client_secret" \
  "$token_url"
if [[ $(status_of "$tmp/h") == 400 && $(json "$tmp/reuse.json" j.error) == invalid_grant ]]; then
  ok "the old refresh token is refused: $(cat "$tmp/reuse.json")"
else
  not_ok 'the old refresh token is refused with invalid_grant' "status $(status_of "$tmp/h")" "$(cat "$tmp/reuse.json")"
fi

# --- SIGTERM --------------------------------------------------------------------------------

kill -TERM "$provider_pid"
provider_status=0
wait "$provider_pid" || provider_status=$?
provider_pid=
if [[ $provider_status == 0 ]]; then
  ok 'provider exits 0 on SIGTERM'
else
  not_ok 'provider exits 0 on SIGTERM' "exit status $provider_status"
fi
if grep -qF -e "$client_secret" -e "$access_token" -e "$refresh_token" -e "$code" "$tmp/provider.err"; then
  not_ok 'the provider log has no code, token or secret'
else
  ok 'the provider log has no code, token or secret'
fi

[[ $tests == 15 ]] || echo "# planned 15, ran $tests"
((failed == 0))
