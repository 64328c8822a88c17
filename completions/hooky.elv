
use builtin;
use str;

set edit:completion:arg-completer[hooky] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hooky'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hooky'= {
            cand --color 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset'
            cand --json 'Machine output: one JSON object per line on stdout, each with a "type" field'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Print more detail (all headers, timings); repeat for more'
            cand --verbose 'Print more detail (all headers, timings); repeat for more'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand listen 'Receive webhooks: print each request, verify its signature, answer, and capture it to disk'
            cand send 'Send a signed fixture event to a URL, with retries; one event or a load of them'
            cand poll 'Poll a URL politely (ETag, Last-Modified, since-cursors) and print only what changed'
            cand replay 'Resend captured requests, byte for byte or re-signed'
            cand captures 'List captured requests (same as `hooky replay --list`)'
            cand sign 'Print the signature headers for a body (for scripts and CI)'
            cand verify 'Verify a request''s signature headers against a body; exit 0 only when valid'
            cand secret 'Print the project''s development secret (.hooky/secret), creating it; --rotate for a new one'
            cand completions 'Print a shell completion script or the man page'
            cand fixture 'Manage fixtures: turn a captured request into one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooky;listen'= {
            cand -p 'Port to listen on; 0 picks a free one'
            cand --port 'Port to listen on; 0 picks a free one'
            cand --host 'Address to bind; anything but loopback makes the receiver reachable from the network'
            cand --ready-file 'Write {"url":…,"pid":…} to this file (atomically) once the socket is bound'
            cand --secret 'Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`. Without any, the project''s development secret in .hooky/secret (see `hooky secret`)'
            cand --secret-file 'Read secrets from a file, one per line (repeatable)'
            cand --scheme 'Signature scheme, or auto to recognise it from each request''s headers'
            cand --signature-header 'Header name for the hex scheme'
            cand --tolerance 'How far a signed timestamp may be from now'
            cand --verify-mode 'enforce: answer 401 to an unsigned or invalid request; report: answer normally, only report it. Default: enforce with your secret, report with the development secret'
            cand --status 'Status to answer with'
            cand --response-body 'Body to answer with: TEXT, or @FILE to read it from a file'
            cand --response-header 'Header to answer with, as ''Name: value'' (repeatable)'
            cand --delay 'Wait this long before answering (after capturing)'
            cand --respond-seq 'Answer with this sequence of statuses, the last repeating, e.g. 500,500,429:retry-after=2,200'
            cand --fail-rate 'Answer 500 to this fraction of requests (0 to 1), at random'
            cand --seed 'Seed for --fail-rate, for reproducible runs'
            cand --forward-to 'Relay each request to this local app and return its answer to the sender'
            cand --forward-timeout 'How long the app behind --forward-to may take to answer (then the sender gets 504)'
            cand --max-body 'Largest body accepted; larger ones get 413 and are captured without their body'
            cand --client-timeout 'How long a client may take to send its headers, and then its body'
            cand --capture 'Capture file to append every request to'
            cand --count 'Exit 0 once this many matching requests were answered'
            cand --timeout 'Exit 124 if --count was not reached in this time'
            cand --expect 'Only count requests that meet this (repeatable, all must hold): type=EVENT, verified, path=/PATH, method=POST, header:NAME=VALUE, json:PATH=VALUE'
            cand --color 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset'
            cand --no-verify 'Do not verify signatures at all (same as --scheme none)'
            cand --body 'Print each request''s body under its line (without the headers -v adds)'
            cand --respond-seq-per-event 'Give each event id its own --respond-seq sequence (requests without an id share one)'
            cand --no-capture 'Do not capture requests to disk (the /_hooky/ feed is then off, the web view live only)'
            cand --no-ui 'Do not serve the web view at /_hooky/'
            cand --open 'Open the web view in the browser once listening'
            cand --json 'Machine output: one JSON object per line on stdout, each with a "type" field'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Print more detail (all headers, timings); repeat for more'
            cand --verbose 'Print more detail (all headers, timings); repeat for more'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooky;send'= {
            cand --to 'The URL to send to'
            cand --fixtures 'A folder of extra fixtures (overrides ./.hooky/fixtures and the built-ins by name)'
            cand --data 'The payload instead of the fixture''s: inline JSON, @FILE, or - for stdin (templated too)'
            cand --set 'Set a value at a dot path, read as JSON when it is JSON, else a string (repeatable)'
            cand --set-str 'Set a string value at a dot path (repeatable)'
            cand --unset 'Remove the value at a dot path (repeatable)'
            cand --scheme 'Signature scheme; default the fixture''s, else hex'
            cand --secret 'Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`. Without any, the project''s development secret in .hooky/secret (see `hooky secret`)'
            cand --secret-file 'Read secrets from a file, one per line (repeatable)'
            cand --signature-header 'Header name for the hex scheme'
            cand -H 'Extra header, ''Name: value'' (repeatable); replaces a header of the same name'
            cand --header 'Extra header, ''Name: value'' (repeatable); replaces a header of the same name'
            cand -X 'HTTP method; default the fixture''s, else POST'
            cand --method 'HTTP method; default the fixture''s, else POST'
            cand --clock 'Fix the clock (unix seconds or RFC 3339) for reproducible timestamps and signatures'
            cand --seed 'Seed the random ids, for reproducible runs (with --clock: byte-for-byte)'
            cand --retries 'Retries after the first attempt, on connection errors, timeouts, 408, 429 and 5xx'
            cand --timeout 'Time allowed for each attempt'
            cand --expect-status 'Expected status: 2xx (any success), 4xx, 5xx, or an exact code such as 201; exit 4 otherwise'
            cand --expect-body 'Expected response body: json:PATH=VALUE (repeatable); exit 4 otherwise'
            cand --count 'Send N events, each with fresh ids, and print a summary'
            cand --concurrency 'Requests in flight at once with --count'
            cand --rate 'Pace --count: requests per second (50, 50/s, 3000/m)'
            cand --repeat 'Send the same event (same id) K times, to test a receiver''s idempotency'
            cand --color 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset'
            cand --list 'List the fixtures (name, source, scheme, description) and exit'
            cand --dry-run 'Print the exact request instead of sending it'
            cand --curl 'Print the request as a curl command instead of sending it'
            cand --no-retry 'Do not retry (same as --retries 0)'
            cand --attack 'Check the receiver''s verification: a valid event, then variants it must reject; exit = failures'
            cand --watch 'Send again whenever the fixture file (or --data file) changes; Ctrl-C stops'
            cand --json 'Machine output: one JSON object per line on stdout, each with a "type" field'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Print more detail (all headers, timings); repeat for more'
            cand --verbose 'Print more detail (all headers, timings); repeat for more'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooky;poll'= {
            cand -H 'Extra request header, ''Name: value'' (repeatable); kept the same on every poll'
            cand --header 'Extra request header, ''Name: value'' (repeatable); kept the same on every poll'
            cand --since 'Feed mode: the first cursor, sent as ?since=VALUE verbatim (unix time, ISO 8601, a sequence)'
            cand --since-param 'Name of the query parameter that carries the cursor'
            cand --items 'Dot path to the array of items [default: the top-level array, or the first of data, events, items, results]'
            cand --cursor-field 'Dot path to an item''s timestamp, which becomes the next cursor [default: created, created_at, timestamp]'
            cand --id-field 'Dot path to an item''s id, used to print each item once'
            cand --cursor-from 'Opaque cursors: take the next cursor from this dot path of the response, verbatim'
            cand --state 'Keep validators, cursor and printed ids in FILE across runs (a CI job resumes where it stopped)'
            cand --until 'Stop with exit 0 when EXPR holds (repeatable: all must hold): path=value, path!=value, path (present), !path (absent), status=NNN (the HTTP status). In feed mode paths are read in each new item'
            cand --count 'Stop with exit 0 after N successful polls'
            cand --timeout 'Overall deadline: exit 124 rather than wait past it [default: none on a terminal; 10m when stdout is not a terminal and --count is not given]'
            cand --interval 'Time between polls (sub-second allowed: 250ms)'
            cand --multiplier 'Idle backoff factor'
            cand --max-interval 'Longest interval idle backoff reaches'
            cand --retries 'Retries in a row on connection errors, timeouts, 408, 429 and 5xx before giving up (0 = fail fast); reset by any success'
            cand --retry-on 'Also retry this status (repeatable), e.g. 404 for a resource that does not exist yet'
            cand --jitter 'Relative jitter on the error backoff (±); hints and the interval get up to +10 % when it is not 0. 0 makes runs reproducible'
            cand --backoff-base 'First error backoff; it doubles on each failure in a row'
            cand --backoff-cap 'Longest error backoff'
            cand --request-timeout 'Time allowed for one request, connect to last byte'
            cand --wait 'Long polling: send ''Prefer: wait=N'', allow N+10s per request, and ask again at once after a hold'
            cand --emit-webhook 'Deliver each new item (each change in resource mode) to URL as a signed webhook, with send''s delivery and retries'
            cand --scheme 'Signature scheme for --emit-webhook'
            cand --secret 'Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`. Without any, the project''s development secret in .hooky/secret (see `hooky secret`)'
            cand --secret-file 'Read secrets from a file, one per line (repeatable)'
            cand --signature-header 'Header name for the hex scheme'
            cand --color 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset'
            cand --etag 'Send If-None-Match with the last ETag, exactly as received (weak tags included)'
            cand --last-modified 'Send If-Modified-Since with the last Last-Modified, exactly as received, when no ETag is known'
            cand --idle-backoff 'Stretch the interval by --multiplier after each unchanged poll, up to --max-interval; a change resets it'
            cand --json 'Machine output: one JSON object per line on stdout, each with a "type" field'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Print more detail (all headers, timings); repeat for more'
            cand --verbose 'Print more detail (all headers, timings); repeat for more'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooky;replay'= {
            cand --from 'Capture file (JSON lines from `hooky listen`) or HAR file'
            cand --last 'Only the last N captures (after the other filters)'
            cand --event 'Only captures whose event type matches a glob, such as ''order.*'''
            cand --since 'Only captures received since a duration ago (10m, 2h) or an RFC 3339 time'
            cand --path 'Only captures whose path matches a glob, such as ''/hooks/*'''
            cand --verdict 'Only captures with this verdict at capture time'
            cand --show 'Print one captured request fully instead of sending'
            cand --export 'Write the selection to stdout as HAR, curl commands or capture lines instead of sending'
            cand --to 'Base URL to send to; the captured path and query are appended'
            cand --scheme 'Scheme to re-sign with; auto means the scheme detected at capture'
            cand --secret 'Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`. Without any, the project''s development secret in .hooky/secret (see `hooky secret`)'
            cand --secret-file 'Read secrets from a file, one per line (repeatable)'
            cand --signature-header 'Header name for the hex scheme'
            cand --tolerance 'Receivers'' timestamp tolerance, for the stale-signature warning'
            cand --set 'Set a JSON body field before sending, such as data.amount=500 (repeatable; re-signs)'
            cand --unset 'Remove a JSON body field before sending (repeatable; re-signs)'
            cand --repeat 'Send each selected capture N times'
            cand --seed 'Seed for --shuffle and fresh ids, for a reproducible run'
            cand --interval 'Wait this long between the starts of two replays'
            cand -c 'Replays in flight at once'
            cand --concurrency 'Replays in flight at once'
            cand --rate 'Replays started per second at most, such as 20 or 600/m'
            cand --retries 'Retries after a failed attempt (connection error, 408, 429, 5xx), honouring Retry-After'
            cand --timeout 'Time allowed for each attempt'
            cand --color 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset'
            cand --all 'Every capture (the filters still apply)'
            cand --list 'List the captures (seq, time, method, path, event, size, verdict, status) instead of sending'
            cand --exact-url 'Send to --to exactly, without appending the captured path and query'
            cand --preserve-host 'Keep the captured Host header (by default the target''s host is sent)'
            cand --resign 'Sign again with a fresh timestamp over the same bytes, so time-checked receivers accept it'
            cand --keep-id 'Keep the event and delivery ids, to test idempotency (the default)'
            cand --new-id 'Give each replay a fresh delivery id (webhook-id, svix-id, X-GitHub-Delivery); re-signs'
            cand --rewrite-body-id 'With --new-id, also replace the JSON body''s top-level "id"'
            cand --shuffle 'Send in a random order'
            cand --dry-run 'Print what would be sent, and send nothing'
            cand --diff 'Compare each answer''s status with the one captured (the captured body is not stored)'
            cand --json 'Machine output: one JSON object per line on stdout, each with a "type" field'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Print more detail (all headers, timings); repeat for more'
            cand --verbose 'Print more detail (all headers, timings); repeat for more'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooky;captures'= {
            cand --from 'Capture file (JSON lines from `hooky listen`) or HAR file'
            cand --last 'Only the last N captures (after the other filters)'
            cand --event 'Only captures whose event type matches a glob, such as ''order.*'''
            cand --since 'Only captures received since a duration ago (10m, 2h) or an RFC 3339 time'
            cand --path 'Only captures whose path matches a glob, such as ''/hooks/*'''
            cand --verdict 'Only captures with this verdict at capture time'
            cand --color 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset'
            cand --all 'Every capture (the filters still apply)'
            cand --json 'Machine output: one JSON object per line on stdout, each with a "type" field'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Print more detail (all headers, timings); repeat for more'
            cand --verbose 'Print more detail (all headers, timings); repeat for more'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooky;sign'= {
            cand --scheme 'Signature scheme'
            cand --secret 'Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`. Without any, the project''s development secret in .hooky/secret (see `hooky secret`)'
            cand --secret-file 'Read secrets from a file, one per line (repeatable)'
            cand --timestamp 'Timestamp to sign (unix seconds or RFC 3339); default now'
            cand --id 'Message id (Standard Webhooks `webhook-id`); default a fresh msg_… id'
            cand --signature-header 'Header name for the hex scheme'
            cand --color 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset'
            cand --json 'Machine output: one JSON object per line on stdout, each with a "type" field'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Print more detail (all headers, timings); repeat for more'
            cand --verbose 'Print more detail (all headers, timings); repeat for more'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooky;verify'= {
            cand --scheme 'Signature scheme, or auto to recognise it from the headers'
            cand --secret 'Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`. Without any, the project''s development secret in .hooky/secret (see `hooky secret`)'
            cand --secret-file 'Read secrets from a file, one per line (repeatable)'
            cand -H 'Request header as ''Name: value'' (repeatable)'
            cand --header 'Request header as ''Name: value'' (repeatable)'
            cand --tolerance 'How far a signed timestamp may be from now'
            cand --now 'Verify as if it were this time (unix seconds or RFC 3339); default now'
            cand --signature-header 'Header name for the hex scheme'
            cand --color 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset'
            cand --json 'Machine output: one JSON object per line on stdout, each with a "type" field'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Print more detail (all headers, timings); repeat for more'
            cand --verbose 'Print more detail (all headers, timings); repeat for more'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooky;secret'= {
            cand --color 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset'
            cand --rotate 'Make a new development secret; hooky listen still accepts the old one until --drop-old'
            cand --drop-old 'Stop accepting the old secrets (with --rotate: replace the secret outright)'
            cand --json 'Machine output: one JSON object per line on stdout, each with a "type" field'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Print more detail (all headers, timings); repeat for more'
            cand --verbose 'Print more detail (all headers, timings); repeat for more'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooky;completions'= {
            cand --dir 'Write every script and the man page into this folder instead (as committed in completions/)'
            cand --color 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset'
            cand --json 'Machine output: one JSON object per line on stdout, each with a "type" field'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Print more detail (all headers, timings); repeat for more'
            cand --verbose 'Print more detail (all headers, timings); repeat for more'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooky;fixture'= {
            cand --color 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset'
            cand --json 'Machine output: one JSON object per line on stdout, each with a "type" field'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Print more detail (all headers, timings); repeat for more'
            cand --verbose 'Print more detail (all headers, timings); repeat for more'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand new 'Turn a captured request into a fixture in ./.hooky/fixtures (ids and times templated, signature headers dropped, credentials redacted)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooky;fixture;new'= {
            cand --from-capture 'The sequence number of the captured request (as `hooky listen` printed it)'
            cand --from 'The capture file to read'
            cand --dir 'The fixtures folder to write into'
            cand --color 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset'
            cand --force 'Replace an existing fixture file of that name'
            cand --json 'Machine output: one JSON object per line on stdout, each with a "type" field'
            cand -q 'Print only results and errors, no progress or notes'
            cand --quiet 'Print only results and errors, no progress or notes'
            cand -v 'Print more detail (all headers, timings); repeat for more'
            cand --verbose 'Print more detail (all headers, timings); repeat for more'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hooky;fixture;help'= {
            cand new 'Turn a captured request into a fixture in ./.hooky/fixtures (ids and times templated, signature headers dropped, credentials redacted)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooky;fixture;help;new'= {
        }
        &'hooky;fixture;help;help'= {
        }
        &'hooky;help'= {
            cand listen 'Receive webhooks: print each request, verify its signature, answer, and capture it to disk'
            cand send 'Send a signed fixture event to a URL, with retries; one event or a load of them'
            cand poll 'Poll a URL politely (ETag, Last-Modified, since-cursors) and print only what changed'
            cand replay 'Resend captured requests, byte for byte or re-signed'
            cand captures 'List captured requests (same as `hooky replay --list`)'
            cand sign 'Print the signature headers for a body (for scripts and CI)'
            cand verify 'Verify a request''s signature headers against a body; exit 0 only when valid'
            cand secret 'Print the project''s development secret (.hooky/secret), creating it; --rotate for a new one'
            cand completions 'Print a shell completion script or the man page'
            cand fixture 'Manage fixtures: turn a captured request into one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooky;help;listen'= {
        }
        &'hooky;help;send'= {
        }
        &'hooky;help;poll'= {
        }
        &'hooky;help;replay'= {
        }
        &'hooky;help;captures'= {
        }
        &'hooky;help;sign'= {
        }
        &'hooky;help;verify'= {
        }
        &'hooky;help;secret'= {
        }
        &'hooky;help;completions'= {
        }
        &'hooky;help;fixture'= {
            cand new 'Turn a captured request into a fixture in ./.hooky/fixtures (ids and times templated, signature headers dropped, credentials redacted)'
        }
        &'hooky;help;fixture;new'= {
        }
        &'hooky;help;help'= {
        }
    ]
    $completions[$command]
}
