
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hooky' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hooky'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hooky' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks: print each request, verify its signature, answer, and capture it to disk')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a signed fixture event to a URL, with retries; one event or a load of them')
            [CompletionResult]::new('poll', 'poll', [CompletionResultType]::ParameterValue, 'Poll a URL politely (ETag, Last-Modified, since-cursors) and print only what changed')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Resend captured requests, byte for byte or re-signed')
            [CompletionResult]::new('captures', 'captures', [CompletionResultType]::ParameterValue, 'List captured requests (same as `hooky replay --list`)')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signature headers for a body, and the body for schemes that write into it')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a request''s signature headers against a body; exit 0 only when valid')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Print the project''s development secret (.hooky/secret), creating it; --rotate for a new one')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Make a development key pair for discord or sendgrid (.hooky/keys/) and print its public key')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script or the man page')
            [CompletionResult]::new('fixture', 'fixture', [CompletionResultType]::ParameterValue, 'Manage fixtures: turn a captured request into one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooky;listen' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port to listen on; 0 picks a free one')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on; 0 picks a free one')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Address to bind; anything but loopback makes the receiver reachable from the network')
            [CompletionResult]::new('--ready-file', '--ready-file', [CompletionResultType]::ParameterName, 'Write {"url":…,"pid":…} to this file (atomically) once the socket is bound')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`. Without any, the project''s development secret in .hooky/secret (see `hooky secret`)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from a file, one per line (repeatable)')
            [CompletionResult]::new('--public-key', '--public-key', [CompletionResultType]::ParameterName, 'Public key for the key-pair schemes, as the provider shows it (discord: hex; sendgrid: base64), or @FILE (repeatable). Without one, the development keys in .hooky/keys/')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme, or auto to recognise it from each request''s headers')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header name for the hex scheme')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The base URL senders address when hooky sits behind a tunnel (https://abc.ngrok.app): URL-signing schemes (twilio, square, hubspot) are verified against it plus the path and query received. Default: http:// and the Host header')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'How far a signed timestamp may be from now; default the provider''s (5m for stripe, standard and slack)')
            [CompletionResult]::new('--verify-mode', '--verify-mode', [CompletionResultType]::ParameterName, 'enforce: answer 401 to an unsigned or invalid request; report: answer normally, only report it. Default: enforce with your secret, report with the development secret')
            [CompletionResult]::new('--verify-token', '--verify-token', [CompletionResultType]::ParameterName, 'Token to compare Meta''s (WhatsApp, Instagram) hub.verify_token with, to answer its subscription handshake; prefer HOOKY_VERIFY_TOKEN=…, as arguments show in `ps`')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Status to answer with')
            [CompletionResult]::new('--response-body', '--response-body', [CompletionResultType]::ParameterName, 'Body to answer with: TEXT, or @FILE to read it from a file')
            [CompletionResult]::new('--response-header', '--response-header', [CompletionResultType]::ParameterName, 'Header to answer with, as ''Name: value'' (repeatable)')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Wait this long before answering (after capturing)')
            [CompletionResult]::new('--respond-seq', '--respond-seq', [CompletionResultType]::ParameterName, 'Answer with this sequence of statuses, the last repeating, e.g. 500,500,429:retry-after=2,200')
            [CompletionResult]::new('--fail-rate', '--fail-rate', [CompletionResultType]::ParameterName, 'Answer 500 to this fraction of requests (0 to 1), at random')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for --fail-rate, for reproducible runs')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Relay each request to this local app and return its answer to the sender')
            [CompletionResult]::new('--forward-timeout', '--forward-timeout', [CompletionResultType]::ParameterName, 'How long the app behind --forward-to may take to answer (then the sender gets 504)')
            [CompletionResult]::new('--max-response', '--max-response', [CompletionResultType]::ParameterName, 'Largest answer body read from the --forward-to app or a web view replay (then 502 / an error)')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body accepted; larger ones get 413 and are captured without their body')
            [CompletionResult]::new('--client-timeout', '--client-timeout', [CompletionResultType]::ParameterName, 'How long a client may take to send its headers, and then its body')
            [CompletionResult]::new('--capture', '--capture', [CompletionResultType]::ParameterName, 'Capture file to append every request to')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Exit 0 once this many matching requests were answered')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Exit 124 if --count was not reached in this time')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Only count requests that meet this (repeatable, all must hold): type=EVENT, verified, path=/PATH, method=POST, header:NAME=VALUE, json:PATH=VALUE')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--no-verify', '--no-verify', [CompletionResultType]::ParameterName, 'Do not verify signatures at all (same as --scheme none)')
            [CompletionResult]::new('--no-handshake', '--no-handshake', [CompletionResultType]::ParameterName, 'Do not answer providers'' verification handshakes (Slack url_verification, Meta hub.challenge, Zoom, Twitch, Dropbox, Microsoft Graph): treat them as any request')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Print each request''s body under its line (without the headers -v adds)')
            [CompletionResult]::new('--respond-seq-per-event', '--respond-seq-per-event', [CompletionResultType]::ParameterName, 'Give each event id its own --respond-seq sequence (requests without an id share one)')
            [CompletionResult]::new('--no-capture', '--no-capture', [CompletionResultType]::ParameterName, 'Do not capture requests to disk (the /_hooky/ feed is then off, the web view live only)')
            [CompletionResult]::new('--no-ui', '--no-ui', [CompletionResultType]::ParameterName, 'Do not serve the web view at /_hooky/')
            [CompletionResult]::new('--ui-public', '--ui-public', [CompletionResultType]::ParameterName, 'Let /_hooky/ (web view and feed) answer peers on the network and any Host header; the access key is then its only guard')
            [CompletionResult]::new('--open', '--open', [CompletionResultType]::ParameterName, 'Open the web view in the browser once listening')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooky;send' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The URL to send to')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The URL to send to')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'The URL to send to')
            [CompletionResult]::new('--fixtures', '--fixtures', [CompletionResultType]::ParameterName, 'A folder of extra fixtures (overrides ./.hooky/fixtures and the built-ins by name)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'The payload instead of the fixture''s: inline JSON, @FILE, or - for stdin (templated too)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set a value at a dot path, read as JSON when it is JSON, else a string (repeatable)')
            [CompletionResult]::new('--set-str', '--set-str', [CompletionResultType]::ParameterName, 'Set a string value at a dot path (repeatable)')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Remove the value at a dot path (repeatable)')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme; default the fixture''s, else hex')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`. Without any, the project''s development secret in .hooky/secret (see `hooky secret`)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from a file, one per line (repeatable)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'Private key for the key-pair schemes (discord, sendgrid): a PKCS#8 PEM file. Without it, the development key of `hooky keygen` in .hooky/keys/')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header name for the hex scheme')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header, ''Name: value'' (repeatable); replaces a header of the same name')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header, ''Name: value'' (repeatable); replaces a header of the same name')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'HTTP method; default the fixture''s, else POST')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'HTTP method; default the fixture''s, else POST')
            [CompletionResult]::new('--clock', '--clock', [CompletionResultType]::ParameterName, 'Fix the clock (unix seconds or RFC 3339) for reproducible timestamps and signatures')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed the random ids, for reproducible runs (with --clock: byte-for-byte)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after the first attempt, on connection errors, timeouts, 408, 429 and 5xx')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for each attempt')
            [CompletionResult]::new('--max-response', '--max-response', [CompletionResultType]::ParameterName, 'Largest answer body read; a larger one fails the attempt with an error naming the limit')
            [CompletionResult]::new('--expect-status', '--expect-status', [CompletionResultType]::ParameterName, 'Expected status: 2xx (any success), 4xx, 5xx, or an exact code such as 201; exit 4 otherwise')
            [CompletionResult]::new('--expect-body', '--expect-body', [CompletionResultType]::ParameterName, 'Expected response body: json:PATH=VALUE (repeatable); exit 4 otherwise')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Send N events, each with fresh ids, and print a summary')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once with --count')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Pace --count: requests per second (50, 50/s, 3000/m)')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Send the same event (same id) K times, to test a receiver''s idempotency')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List the fixtures (name, source, scheme, description) and exit')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the exact request instead of sending it')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print the request as a curl command instead of sending it')
            [CompletionResult]::new('--no-retry', '--no-retry', [CompletionResultType]::ParameterName, 'Do not retry (same as --retries 0)')
            [CompletionResult]::new('--attack', '--attack', [CompletionResultType]::ParameterName, 'Check the receiver''s verification: a valid event, then variants it must reject; exit = failures')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Send again whenever the fixture file (or --data file) changes; Ctrl-C stops')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooky;poll' {
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra request header, ''Name: value'' (repeatable); kept the same on every poll')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra request header, ''Name: value'' (repeatable); kept the same on every poll')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Feed mode: the first cursor, sent as ?since=VALUE verbatim (unix time, ISO 8601, a sequence)')
            [CompletionResult]::new('--since-param', '--since-param', [CompletionResultType]::ParameterName, 'Name of the query parameter that carries the cursor')
            [CompletionResult]::new('--items', '--items', [CompletionResultType]::ParameterName, 'Dot path to the array of items [default: the top-level array, or the first of data, events, items, results]')
            [CompletionResult]::new('--cursor-field', '--cursor-field', [CompletionResultType]::ParameterName, 'Dot path to an item''s timestamp, which becomes the next cursor [default: created, created_at, timestamp]')
            [CompletionResult]::new('--id-field', '--id-field', [CompletionResultType]::ParameterName, 'Dot path to an item''s id, used to print each item once')
            [CompletionResult]::new('--max-pages', '--max-pages', [CompletionResultType]::ParameterName, 'Pages one poll follows at most when the feed says there is more (a next link, has_more, next_cursor, or a full page of ?limit= items); the rest waits for the next poll')
            [CompletionResult]::new('--cursor-from', '--cursor-from', [CompletionResultType]::ParameterName, 'Opaque cursors: take the next cursor from this dot path of the response, verbatim')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Keep validators, cursor and printed ids in FILE across runs (a CI job resumes where it stopped)')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Stop with exit 0 when EXPR holds (repeatable: all must hold): path=value, path!=value, path>N, path>=N, path<N, path<=N (numbers), path (present), !path (absent), status=NNN (the HTTP status; any operator). In feed mode paths are read in each new item')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop with exit 0 after N successful polls')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Overall deadline: exit 124 rather than wait past it [default: none on a terminal; 10m when stdout is not a terminal and --count is not given]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between polls (sub-second allowed: 250ms)')
            [CompletionResult]::new('--multiplier', '--multiplier', [CompletionResultType]::ParameterName, 'Idle backoff factor')
            [CompletionResult]::new('--max-interval', '--max-interval', [CompletionResultType]::ParameterName, 'Longest interval idle backoff reaches')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries in a row on connection errors, timeouts, 408, 429 and 5xx before giving up (0 = fail fast); reset by any success')
            [CompletionResult]::new('--retry-on', '--retry-on', [CompletionResultType]::ParameterName, 'Also retry this status (repeatable), e.g. 404 for a resource that does not exist yet')
            [CompletionResult]::new('--jitter', '--jitter', [CompletionResultType]::ParameterName, 'Relative jitter on the error backoff (±); hints and the interval get up to +10 % when it is not 0. 0 makes runs reproducible')
            [CompletionResult]::new('--backoff-base', '--backoff-base', [CompletionResultType]::ParameterName, 'First error backoff; it doubles on each failure in a row')
            [CompletionResult]::new('--backoff-cap', '--backoff-cap', [CompletionResultType]::ParameterName, 'Longest error backoff')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Time allowed for one request, connect to last byte')
            [CompletionResult]::new('--max-response', '--max-response', [CompletionResultType]::ParameterName, 'Largest answer body read; a larger one fails the attempt with an error naming the limit')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Long polling: send ''Prefer: wait=N'', allow N+10s per request, and ask again at once after a hold')
            [CompletionResult]::new('--emit-webhook', '--emit-webhook', [CompletionResultType]::ParameterName, 'Deliver each new item (each change in resource mode) to URL as a signed webhook, with send''s delivery and retries')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme for --emit-webhook')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`. Without any, the project''s development secret in .hooky/secret (see `hooky secret`)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from a file, one per line (repeatable)')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header name for the hex scheme')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--etag', '--etag', [CompletionResultType]::ParameterName, 'Send If-None-Match with the last ETag, exactly as received (weak tags included)')
            [CompletionResult]::new('--last-modified', '--last-modified', [CompletionResultType]::ParameterName, 'Send If-Modified-Since with the last Last-Modified, exactly as received, when no ETag is known')
            [CompletionResult]::new('--idle-backoff', '--idle-backoff', [CompletionResultType]::ParameterName, 'Stretch the interval by --multiplier after each unchanged poll, up to --max-interval; a change resets it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooky;replay' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Capture file (JSON lines from `hooky listen`) or HAR file')
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Only the last N captures (after the other filters)')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only captures whose event type matches a glob, such as ''order.*''')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only captures received since a duration ago (10m, 2h) or an RFC 3339 time')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only captures whose path matches a glob, such as ''/hooks/*''')
            [CompletionResult]::new('--verdict', '--verdict', [CompletionResultType]::ParameterName, 'Only captures with this verdict at capture time')
            [CompletionResult]::new('--show', '--show', [CompletionResultType]::ParameterName, 'Print one captured request fully instead of sending')
            [CompletionResult]::new('--export', '--export', [CompletionResultType]::ParameterName, 'Write the selection to stdout as HAR, curl commands or capture lines instead of sending')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Base URL to send to; the captured path and query are appended')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Base URL to send to; the captured path and query are appended')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Base URL to send to; the captured path and query are appended')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Scheme to re-sign with; auto means the scheme detected at capture')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`. Without any, the project''s development secret in .hooky/secret (see `hooky secret`)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from a file, one per line (repeatable)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'Private key for the key-pair schemes (discord, sendgrid): a PKCS#8 PEM file. Without it, the development key of `hooky keygen` in .hooky/keys/')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header name for the hex scheme')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'Receivers'' timestamp tolerance, for the stale-signature warning; default the provider''s')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set a JSON body field before sending, such as data.amount=500 (repeatable; re-signs)')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Remove a JSON body field before sending (repeatable; re-signs)')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Send each selected capture N times')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for --shuffle and fresh ids, for a reproducible run')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Wait this long between the starts of two replays')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Replays in flight at once')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Replays in flight at once')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Replays started per second at most, such as 20 or 600/m')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a failed attempt (connection error, 408, 429, 5xx), honouring Retry-After')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for each attempt')
            [CompletionResult]::new('--max-response', '--max-response', [CompletionResultType]::ParameterName, 'Largest answer body read; a larger one fails the attempt with an error naming the limit')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every capture (the filters still apply)')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List the captures (seq, time, method, path, event, size, verdict, status) instead of sending')
            [CompletionResult]::new('--exact-url', '--exact-url', [CompletionResultType]::ParameterName, 'Send to --to exactly, without appending the captured path and query')
            [CompletionResult]::new('--preserve-host', '--preserve-host', [CompletionResultType]::ParameterName, 'Keep the captured Host header (by default the target''s host is sent)')
            [CompletionResult]::new('--resign', '--resign', [CompletionResultType]::ParameterName, 'Sign again with a fresh timestamp over the same bytes, so time-checked receivers accept it')
            [CompletionResult]::new('--keep-id', '--keep-id', [CompletionResultType]::ParameterName, 'Keep the event and delivery ids, to test idempotency (the default)')
            [CompletionResult]::new('--new-id', '--new-id', [CompletionResultType]::ParameterName, 'Give each replay a fresh delivery id (webhook-id, svix-id, X-GitHub-Delivery); re-signs')
            [CompletionResult]::new('--rewrite-body-id', '--rewrite-body-id', [CompletionResultType]::ParameterName, 'With --new-id, also replace the JSON body''s top-level "id"')
            [CompletionResult]::new('--shuffle', '--shuffle', [CompletionResultType]::ParameterName, 'Send in a random order')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be sent, and send nothing')
            [CompletionResult]::new('--diff', '--diff', [CompletionResultType]::ParameterName, 'Compare each answer''s status with the one captured (the captured body is not stored)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooky;captures' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Capture file (JSON lines from `hooky listen`) or HAR file')
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Only the last N captures (after the other filters)')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'Only captures whose event type matches a glob, such as ''order.*''')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only captures received since a duration ago (10m, 2h) or an RFC 3339 time')
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Only captures whose path matches a glob, such as ''/hooks/*''')
            [CompletionResult]::new('--verdict', '--verdict', [CompletionResultType]::ParameterName, 'Only captures with this verdict at capture time')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every capture (the filters still apply)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooky;sign' {
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`. Without any, the project''s development secret in .hooky/secret (see `hooky secret`)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from a file, one per line (repeatable)')
            [CompletionResult]::new('--private-key', '--private-key', [CompletionResultType]::ParameterName, 'Private key for the key-pair schemes (discord, sendgrid): a PKCS#8 PEM file. Without it, the development key of `hooky keygen` in .hooky/keys/')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'Timestamp to sign (unix seconds or RFC 3339); default now')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Message id (Standard Webhooks `webhook-id`); default a fresh msg_… id')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header name for the hex scheme')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The full URL the request is sent to, as the sender addresses it: twilio, square and hubspot sign it')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'The request''s HTTP method (hubspot signs it)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooky;verify' {
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme, or auto to recognise it from the headers')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret (repeat for rotation); prefer HOOKY_SECRET=…, as arguments show in `ps`. Without any, the project''s development secret in .hooky/secret (see `hooky secret`)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from a file, one per line (repeatable)')
            [CompletionResult]::new('--public-key', '--public-key', [CompletionResultType]::ParameterName, 'Public key for the key-pair schemes, as the provider shows it (discord: hex; sendgrid: base64), or @FILE (repeatable). Without one, the development keys in .hooky/keys/')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Request header as ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Request header as ''Name: value'' (repeatable)')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'How far a signed timestamp may be from now; default the provider''s (5m for stripe, standard and slack)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Verify as if it were this time (unix seconds or RFC 3339); default now')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header name for the hex scheme')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The full URL the request is sent to, as the sender addresses it: twilio, square and hubspot sign it')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'The request''s HTTP method (hubspot signs it)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooky;secret' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--rotate', '--rotate', [CompletionResultType]::ParameterName, 'Make a new development secret; hooky listen still accepts the old one until --drop-old')
            [CompletionResult]::new('--drop-old', '--drop-old', [CompletionResultType]::ParameterName, 'Stop accepting the old secrets (with --rotate: replace the secret outright)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooky;keygen' {
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'The key-pair scheme')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing development key pair')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooky;completions' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write every script and the man page into this folder instead (as committed in completions/)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooky;fixture' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Turn a captured request into a fixture in ./.hooky/fixtures (method, path and query kept, ids and times templated, signature and credential headers left out, captured `{{` escaped)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooky;fixture;new' {
            [CompletionResult]::new('--from-capture', '--from-capture', [CompletionResultType]::ParameterName, 'The sequence number of the captured request (as `hooky listen` printed it)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The capture file to read')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The fixtures folder to write into')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
            [CompletionResult]::new('--max-print', '--max-print', [CompletionResultType]::ParameterName, 'Most of one body printed in human mode (the capture and --json keep it whole)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing fixture file of that name')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hooky;fixture;help' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Turn a captured request into a fixture in ./.hooky/fixtures (method, path and query kept, ids and times templated, signature and credential headers left out, captured `{{` escaped)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooky;fixture;help;new' {
            break
        }
        'hooky;fixture;help;help' {
            break
        }
        'hooky;help' {
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive webhooks: print each request, verify its signature, answer, and capture it to disk')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a signed fixture event to a URL, with retries; one event or a load of them')
            [CompletionResult]::new('poll', 'poll', [CompletionResultType]::ParameterValue, 'Poll a URL politely (ETag, Last-Modified, since-cursors) and print only what changed')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Resend captured requests, byte for byte or re-signed')
            [CompletionResult]::new('captures', 'captures', [CompletionResultType]::ParameterValue, 'List captured requests (same as `hooky replay --list`)')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signature headers for a body, and the body for schemes that write into it')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a request''s signature headers against a body; exit 0 only when valid')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'Print the project''s development secret (.hooky/secret), creating it; --rotate for a new one')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Make a development key pair for discord or sendgrid (.hooky/keys/) and print its public key')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script or the man page')
            [CompletionResult]::new('fixture', 'fixture', [CompletionResultType]::ParameterValue, 'Manage fixtures: turn a captured request into one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooky;help;listen' {
            break
        }
        'hooky;help;send' {
            break
        }
        'hooky;help;poll' {
            break
        }
        'hooky;help;replay' {
            break
        }
        'hooky;help;captures' {
            break
        }
        'hooky;help;sign' {
            break
        }
        'hooky;help;verify' {
            break
        }
        'hooky;help;secret' {
            break
        }
        'hooky;help;keygen' {
            break
        }
        'hooky;help;completions' {
            break
        }
        'hooky;help;fixture' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Turn a captured request into a fixture in ./.hooky/fixtures (method, path and query kept, ids and times templated, signature and credential headers left out, captured `{{` escaped)')
            break
        }
        'hooky;help;fixture;new' {
            break
        }
        'hooky;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
