# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hooky_global_optspecs
    string join \n color= json q/quiet v/verbose max-print= h/help V/version
end

function __fish_hooky_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hooky_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hooky_using_subcommand
    set -l cmd (__fish_hooky_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hooky -n "__fish_hooky_needs_command" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_needs_command" -l max-print -d 'Most of one body printed in human mode (the capture and --json keep it whole)' -r
complete -c hooky -n "__fish_hooky_needs_command" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_needs_command" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_needs_command" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_needs_command" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_needs_command" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "listen" -d 'Receive webhooks: print each request, verify its signature, answer, and capture it to disk'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "send" -d 'Send a signed fixture event to a URL, with retries; one event or a load of them'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "poll" -d 'Poll a URL politely (ETag, Last-Modified, since-cursors) and print only what changed'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "replay" -d 'Resend captured requests, byte for byte or re-signed'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "captures" -d 'List captured requests (same as `hooky replay --list`)'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "sign" -d 'Print the signature headers for a body (for scripts and CI)'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "verify" -d 'Verify a request\'s signature headers against a body; exit 0 only when valid'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "completions" -d 'Print a shell completion script or the man page'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "fixture" -d 'Manage fixtures: turn a captured request into one'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s p -l port -d 'Port to listen on; 0 picks a free one' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l host -d 'Address to bind; anything but loopback makes the receiver reachable from the network' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l ready-file -d 'Write {"url":…,"pid":…} to this file (atomically) once the socket is bound' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l secret -d 'Signing secret (repeat for rotation); also read from HOOKY_SECRET' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l secret-file -d 'Read secrets from a file, one per line (repeatable)' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l scheme -d 'Signature scheme, or auto to recognise it from each request\'s headers' -r -f -a "auto\t''
none\t''
hex\t''
github\t''
stripe\t''
standard\t''
shopify\t''
slack\t''
gitlab\t''"
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l signature-header -d 'Header name for the hex scheme' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l tolerance -d 'How far a signed timestamp may be from now' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l verify-mode -d 'enforce: answer 401 to an invalid signature; report: answer normally, only report it' -r -f -a "enforce\t''
report\t''"
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l status -d 'Status to answer with' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l response-body -d 'Body to answer with: TEXT, or @FILE to read it from a file' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l response-header -d 'Header to answer with, as \'Name: value\' (repeatable)' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l delay -d 'Wait this long before answering (after capturing)' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l respond-seq -d 'Answer with this sequence of statuses, the last repeating, e.g. 500,500,429:retry-after=2,200' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l fail-rate -d 'Answer 500 to this fraction of requests (0 to 1), at random' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l seed -d 'Seed for --fail-rate, for reproducible runs' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l forward-to -d 'Relay each request to this local app and return its answer to the sender' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l forward-timeout -d 'How long the app behind --forward-to may take to answer (then the sender gets 504)' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l max-body -d 'Largest body accepted; larger ones get 413 and are captured without their body' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l client-timeout -d 'How long a client may take to send its headers, and then its body' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l capture -d 'Capture file to append every request to' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l count -d 'Exit 0 once this many matching requests were answered' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l timeout -d 'Exit 124 if --count was not reached in this time' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l expect -d 'Only count requests that meet this (repeatable, all must hold): type=EVENT, verified, path=/PATH, method=POST, header:NAME=VALUE, json:PATH=VALUE' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l max-print -d 'Most of one body printed in human mode (the capture and --json keep it whole)' -r
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l respond-seq-per-event -d 'Give each event id its own --respond-seq sequence (requests without an id share one)'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l no-capture -d 'Do not capture requests to disk (the /_hooky/ feed is then off, the web view live only)'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l no-ui -d 'Do not serve the web view at /_hooky/'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l ui-public -d 'Let /_hooky/ (web view and feed) answer peers on the network and any Host header; the access key is then its only guard'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l open -d 'Open the web view in the browser once listening'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand send" -l to -l url -l target -d 'The URL to send to' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l fixtures -d 'A folder of extra fixtures (overrides ./.hooky/fixtures and the built-ins by name)' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand send" -l data -d 'The payload instead of the fixture\'s: inline JSON, @FILE, or - for stdin (templated too)' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l set -d 'Set a value at a dot path, read as JSON when it is JSON, else a string (repeatable)' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l set-str -d 'Set a string value at a dot path (repeatable)' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l unset -d 'Remove the value at a dot path (repeatable)' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l scheme -d 'Signature scheme; default the fixture\'s, else hex' -r -f -a "none\t'No signature at all'
hex\t'Generic HMAC-SHA256 of the body, hex, in one header (the tutorials\' pattern)'
github\t'GitHub: `X-Hub-Signature-256: sha256=<hex>`'
stripe\t'Stripe: `Stripe-Signature: t=<unix>,v1=<hex>`'
standard\t'Standard Webhooks (Svix and others): `webhook-id`, `webhook-timestamp`, `webhook-signature`'
shopify\t'Shopify: `X-Shopify-Hmac-Sha256: <base64>`'
slack\t'Slack: `X-Slack-Signature: v0=<hex>` with `X-Slack-Request-Timestamp`'
gitlab\t'GitLab: `X-Gitlab-Token: <secret>` (a shared token, not a signature)'"
complete -c hooky -n "__fish_hooky_using_subcommand send" -l secret -d 'Signing secret (repeat for rotation); also read from HOOKY_SECRET' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l secret-file -d 'Read secrets from a file, one per line (repeatable)' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand send" -l signature-header -d 'Header name for the hex scheme' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -s H -l header -d 'Extra header, \'Name: value\' (repeatable); replaces a header of the same name' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -s X -l method -d 'HTTP method; default the fixture\'s, else POST' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l clock -d 'Fix the clock (unix seconds or RFC 3339) for reproducible timestamps and signatures' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l seed -d 'Seed the random ids, for reproducible runs (with --clock: byte-for-byte)' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l retries -d 'Retries after the first attempt, on connection errors, timeouts, 408, 429 and 5xx' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l timeout -d 'Time allowed for each attempt' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l expect-status -d 'Expected status: 2xx (any success), 4xx, 5xx, or an exact code such as 201; exit 4 otherwise' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l expect-body -d 'Expected response body: json:PATH=VALUE (repeatable); exit 4 otherwise' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l count -d 'Send N events, each with fresh ids, and print a summary' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l concurrency -d 'Requests in flight at once with --count' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l rate -d 'Pace --count: requests per second (50, 50/s, 3000/m)' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l repeat -d 'Send the same event (same id) K times, to test a receiver\'s idempotency' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand send" -l max-print -d 'Most of one body printed in human mode (the capture and --json keep it whole)' -r
complete -c hooky -n "__fish_hooky_using_subcommand send" -l list -d 'List the fixtures (name, source, scheme, description) and exit'
complete -c hooky -n "__fish_hooky_using_subcommand send" -l dry-run -d 'Print the exact request instead of sending it'
complete -c hooky -n "__fish_hooky_using_subcommand send" -l curl -d 'Print the request as a curl command instead of sending it'
complete -c hooky -n "__fish_hooky_using_subcommand send" -l no-retry -d 'Do not retry (same as --retries 0)'
complete -c hooky -n "__fish_hooky_using_subcommand send" -l attack -d 'Check the receiver\'s verification: a valid event, then variants it must reject; exit = failures'
complete -c hooky -n "__fish_hooky_using_subcommand send" -l watch -d 'Send again whenever the fixture file (or --data file) changes; Ctrl-C stops'
complete -c hooky -n "__fish_hooky_using_subcommand send" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand send" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand send" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooky -n "__fish_hooky_using_subcommand send" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s H -l header -d 'Extra request header, \'Name: value\' (repeatable); kept the same on every poll' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l since -d 'Feed mode: the first cursor, sent as ?since=VALUE verbatim (unix time, ISO 8601, a sequence)' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l since-param -d 'Name of the query parameter that carries the cursor' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l items -d 'Dot path to the array of items [default: the top-level array, or the first of data, events, items, results]' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l cursor-field -d 'Dot path to an item\'s timestamp, which becomes the next cursor [default: created, created_at, timestamp]' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l id-field -d 'Dot path to an item\'s id, used to print each item once' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l cursor-from -d 'Opaque cursors: take the next cursor from this dot path of the response, verbatim' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l state -d 'Keep validators, cursor and printed ids in FILE across runs (a CI job resumes where it stopped)' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l until -d 'Stop with exit 0 when EXPR holds (repeatable: all must hold): path=value, path!=value, path>N, path>=N, path<N, path<=N (numbers), path (present), !path (absent), status=NNN (the HTTP status; any operator). In feed mode paths are read in each new item' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l count -d 'Stop with exit 0 after N successful polls' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l timeout -d 'Overall deadline: exit 124 rather than wait past it [default: none on a terminal; 10m when stdout is not a terminal and --count is not given]' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l interval -d 'Time between polls (sub-second allowed: 250ms)' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l multiplier -d 'Idle backoff factor' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l max-interval -d 'Longest interval idle backoff reaches' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l retries -d 'Retries in a row on connection errors, timeouts, 408, 429 and 5xx before giving up (0 = fail fast); reset by any success' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l retry-on -d 'Also retry this status (repeatable), e.g. 404 for a resource that does not exist yet' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l jitter -d 'Relative jitter on the error backoff (±); hints and the interval get up to +10 % when it is not 0. 0 makes runs reproducible' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l backoff-base -d 'First error backoff; it doubles on each failure in a row' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l backoff-cap -d 'Longest error backoff' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l request-timeout -d 'Time allowed for one request, connect to last byte' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l wait -d 'Long polling: send \'Prefer: wait=N\', allow N+10s per request, and ask again at once after a hold' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l emit-webhook -d 'Deliver each new item (each change in resource mode) to URL as a signed webhook, with send\'s delivery and retries' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l scheme -d 'Signature scheme for --emit-webhook' -r -f -a "none\t'No signature at all'
hex\t'Generic HMAC-SHA256 of the body, hex, in one header (the tutorials\' pattern)'
github\t'GitHub: `X-Hub-Signature-256: sha256=<hex>`'
stripe\t'Stripe: `Stripe-Signature: t=<unix>,v1=<hex>`'
standard\t'Standard Webhooks (Svix and others): `webhook-id`, `webhook-timestamp`, `webhook-signature`'
shopify\t'Shopify: `X-Shopify-Hmac-Sha256: <base64>`'
slack\t'Slack: `X-Slack-Signature: v0=<hex>` with `X-Slack-Request-Timestamp`'
gitlab\t'GitLab: `X-Gitlab-Token: <secret>` (a shared token, not a signature)'"
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l secret -d 'Signing secret (repeat for rotation); also read from HOOKY_SECRET' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l secret-file -d 'Read secrets from a file, one per line (repeatable)' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l signature-header -d 'Header name for the hex scheme' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l max-print -d 'Most of one body printed in human mode (the capture and --json keep it whole)' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l etag -d 'Send If-None-Match with the last ETag, exactly as received (weak tags included)'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l last-modified -d 'Send If-Modified-Since with the last Last-Modified, exactly as received, when no ETag is known'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l idle-backoff -d 'Stretch the interval by --multiplier after each unchanged poll, up to --max-interval; a change resets it'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l from -d 'Capture file (JSON lines from `hooky listen`) or HAR file' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l last -d 'Only the last N captures (after the other filters)' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l event -d 'Only captures whose event type matches a glob, such as \'order.*\'' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l since -d 'Only captures received since a duration ago (10m, 2h) or an RFC 3339 time' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l path -d 'Only captures whose path matches a glob, such as \'/hooks/*\'' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l verdict -d 'Only captures with this verdict at capture time' -r -f -a "valid\t''
invalid\t''
unsigned\t''"
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l show -d 'Print one captured request fully instead of sending' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l export -d 'Write the selection to stdout as HAR, curl commands or capture lines instead of sending' -r -f -a "har\t'HAR 1.2, for browser devtools and HTTP tools'
curl\t'One curl command per request'
jsonl\t'Capture lines, as `hooky listen` writes them'"
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l to -l url -l target -d 'Base URL to send to; the captured path and query are appended' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l scheme -d 'Scheme to re-sign with; auto means the scheme detected at capture' -r -f -a "auto\t''
none\t''
hex\t''
github\t''
stripe\t''
standard\t''
shopify\t''
slack\t''
gitlab\t''"
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l secret -d 'Signing secret (repeat for rotation); also read from HOOKY_SECRET' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l secret-file -d 'Read secrets from a file, one per line (repeatable)' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l signature-header -d 'Header name for the hex scheme' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l tolerance -d 'Receivers\' timestamp tolerance, for the stale-signature warning' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l set -d 'Set a JSON body field before sending, such as data.amount=500 (repeatable; re-signs)' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l unset -d 'Remove a JSON body field before sending (repeatable; re-signs)' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l repeat -d 'Send each selected capture N times' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l seed -d 'Seed for --shuffle and fresh ids, for a reproducible run' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l interval -d 'Wait this long between the starts of two replays' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -s c -l concurrency -d 'Replays in flight at once' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l rate -d 'Replays started per second at most, such as 20 or 600/m' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l retries -d 'Retries after a failed attempt (connection error, 408, 429, 5xx), honouring Retry-After' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l timeout -d 'Time allowed for each attempt' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l max-print -d 'Most of one body printed in human mode (the capture and --json keep it whole)' -r
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l all -d 'Every capture (the filters still apply)'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l list -d 'List the captures (seq, time, method, path, event, size, verdict, status) instead of sending'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l exact-url -d 'Send to --to exactly, without appending the captured path and query'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l preserve-host -d 'Keep the captured Host header (by default the target\'s host is sent)'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l resign -d 'Sign again with a fresh timestamp over the same bytes, so time-checked receivers accept it'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l keep-id -d 'Keep the event and delivery ids, to test idempotency (the default)'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l new-id -d 'Give each replay a fresh delivery id (webhook-id, svix-id, X-GitHub-Delivery); re-signs'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l rewrite-body-id -d 'With --new-id, also replace the JSON body\'s top-level "id"'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l shuffle -d 'Send in a random order'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l dry-run -d 'Print what would be sent, and send nothing'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l diff -d 'Compare each answer\'s status with the one captured (the captured body is not stored)'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand captures" -l from -d 'Capture file (JSON lines from `hooky listen`) or HAR file' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand captures" -l last -d 'Only the last N captures (after the other filters)' -r
complete -c hooky -n "__fish_hooky_using_subcommand captures" -l event -d 'Only captures whose event type matches a glob, such as \'order.*\'' -r
complete -c hooky -n "__fish_hooky_using_subcommand captures" -l since -d 'Only captures received since a duration ago (10m, 2h) or an RFC 3339 time' -r
complete -c hooky -n "__fish_hooky_using_subcommand captures" -l path -d 'Only captures whose path matches a glob, such as \'/hooks/*\'' -r
complete -c hooky -n "__fish_hooky_using_subcommand captures" -l verdict -d 'Only captures with this verdict at capture time' -r -f -a "valid\t''
invalid\t''
unsigned\t''"
complete -c hooky -n "__fish_hooky_using_subcommand captures" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand captures" -l max-print -d 'Most of one body printed in human mode (the capture and --json keep it whole)' -r
complete -c hooky -n "__fish_hooky_using_subcommand captures" -l all -d 'Every capture (the filters still apply)'
complete -c hooky -n "__fish_hooky_using_subcommand captures" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand captures" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand captures" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand captures" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand captures" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand sign" -l scheme -d 'Signature scheme' -r -f -a "none\t'No signature at all'
hex\t'Generic HMAC-SHA256 of the body, hex, in one header (the tutorials\' pattern)'
github\t'GitHub: `X-Hub-Signature-256: sha256=<hex>`'
stripe\t'Stripe: `Stripe-Signature: t=<unix>,v1=<hex>`'
standard\t'Standard Webhooks (Svix and others): `webhook-id`, `webhook-timestamp`, `webhook-signature`'
shopify\t'Shopify: `X-Shopify-Hmac-Sha256: <base64>`'
slack\t'Slack: `X-Slack-Signature: v0=<hex>` with `X-Slack-Request-Timestamp`'
gitlab\t'GitLab: `X-Gitlab-Token: <secret>` (a shared token, not a signature)'"
complete -c hooky -n "__fish_hooky_using_subcommand sign" -l secret -d 'Signing secret (repeat for rotation); also read from HOOKY_SECRET' -r
complete -c hooky -n "__fish_hooky_using_subcommand sign" -l secret-file -d 'Read secrets from a file, one per line (repeatable)' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand sign" -l timestamp -d 'Timestamp to sign (unix seconds or RFC 3339); default now' -r
complete -c hooky -n "__fish_hooky_using_subcommand sign" -l id -d 'Message id (Standard Webhooks `webhook-id`); default a fresh msg_… id' -r
complete -c hooky -n "__fish_hooky_using_subcommand sign" -l signature-header -d 'Header name for the hex scheme' -r
complete -c hooky -n "__fish_hooky_using_subcommand sign" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand sign" -l max-print -d 'Most of one body printed in human mode (the capture and --json keep it whole)' -r
complete -c hooky -n "__fish_hooky_using_subcommand sign" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand sign" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand sign" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand sign" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooky -n "__fish_hooky_using_subcommand sign" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand verify" -l scheme -d 'Signature scheme, or auto to recognise it from the headers' -r -f -a "auto\t''
none\t''
hex\t''
github\t''
stripe\t''
standard\t''
shopify\t''
slack\t''
gitlab\t''"
complete -c hooky -n "__fish_hooky_using_subcommand verify" -l secret -d 'Signing secret (repeat for rotation); also read from HOOKY_SECRET' -r
complete -c hooky -n "__fish_hooky_using_subcommand verify" -l secret-file -d 'Read secrets from a file, one per line (repeatable)' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand verify" -s H -l header -d 'Request header as \'Name: value\' (repeatable)' -r
complete -c hooky -n "__fish_hooky_using_subcommand verify" -l tolerance -d 'How far a signed timestamp may be from now' -r
complete -c hooky -n "__fish_hooky_using_subcommand verify" -l now -d 'Verify as if it were this time (unix seconds or RFC 3339); default now' -r
complete -c hooky -n "__fish_hooky_using_subcommand verify" -l signature-header -d 'Header name for the hex scheme' -r
complete -c hooky -n "__fish_hooky_using_subcommand verify" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand verify" -l max-print -d 'Most of one body printed in human mode (the capture and --json keep it whole)' -r
complete -c hooky -n "__fish_hooky_using_subcommand verify" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand verify" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand verify" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand verify" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand verify" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand completions" -l dir -d 'Write every script and the man page into this folder instead (as committed in completions/)' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand completions" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand completions" -l max-print -d 'Most of one body printed in human mode (the capture and --json keep it whole)' -r
complete -c hooky -n "__fish_hooky_using_subcommand completions" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand completions" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand completions" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooky -n "__fish_hooky_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -l max-print -d 'Most of one body printed in human mode (the capture and --json keep it whole)' -r
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -f -a "new" -d 'Turn a captured request into a fixture in ./.hooky/fixtures (method, path and query kept, ids and times templated, signature and credential headers left out, captured `{{` escaped)'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l from-capture -d 'The sequence number of the captured request (as `hooky listen` printed it)' -r
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l from -d 'The capture file to read' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l dir -d 'The fixtures folder to write into' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l max-print -d 'Most of one body printed in human mode (the capture and --json keep it whole)' -r
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l force -d 'Replace an existing fixture file of that name'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from help" -f -a "new" -d 'Turn a captured request into a fixture in ./.hooky/fixtures (method, path and query kept, ids and times templated, signature and credential headers left out, captured `{{` escaped)'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay captures sign verify completions fixture help" -f -a "listen" -d 'Receive webhooks: print each request, verify its signature, answer, and capture it to disk'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay captures sign verify completions fixture help" -f -a "send" -d 'Send a signed fixture event to a URL, with retries; one event or a load of them'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay captures sign verify completions fixture help" -f -a "poll" -d 'Poll a URL politely (ETag, Last-Modified, since-cursors) and print only what changed'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay captures sign verify completions fixture help" -f -a "replay" -d 'Resend captured requests, byte for byte or re-signed'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay captures sign verify completions fixture help" -f -a "captures" -d 'List captured requests (same as `hooky replay --list`)'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay captures sign verify completions fixture help" -f -a "sign" -d 'Print the signature headers for a body (for scripts and CI)'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay captures sign verify completions fixture help" -f -a "verify" -d 'Verify a request\'s signature headers against a body; exit 0 only when valid'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay captures sign verify completions fixture help" -f -a "completions" -d 'Print a shell completion script or the man page'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay captures sign verify completions fixture help" -f -a "fixture" -d 'Manage fixtures: turn a captured request into one'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay captures sign verify completions fixture help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooky -n "__fish_hooky_using_subcommand help; and __fish_seen_subcommand_from fixture" -f -a "new" -d 'Turn a captured request into a fixture in ./.hooky/fixtures (method, path and query kept, ids and times templated, signature and credential headers left out, captured `{{` escaped)'
