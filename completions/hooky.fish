# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hooky_global_optspecs
    string join \n color= json q/quiet v/verbose h/help V/version
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
complete -c hooky -n "__fish_hooky_needs_command" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_needs_command" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_needs_command" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_needs_command" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_needs_command" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "listen" -d 'Receive webhooks: print each request, verify its signature, answer, and capture it to disk'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "send" -d 'Send a signed fixture event to a URL, with retries; one event or a load of them'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "poll" -d 'Poll a URL politely (ETag, Last-Modified, since-cursors) and print only what changed'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "replay" -d 'Resend captured requests, byte for byte or re-signed'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "sign" -d 'Print the signature headers for a body (for scripts and CI)'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "verify" -d 'Verify a request\'s signature headers against a body; exit 0 only when valid'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "completions" -d 'Print a shell completion script or the man page'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "fixture" -d 'Manage fixtures: turn a captured request into one'
complete -c hooky -n "__fish_hooky_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand send" -l to -d 'The URL to send to' -r
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
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand replay" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand replay" -s V -l version -d 'Print version'
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
complete -c hooky -n "__fish_hooky_using_subcommand verify" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand verify" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand verify" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand verify" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand verify" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand completions" -l dir -d 'Write every script and the man page into this folder instead (as committed in completions/)' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand completions" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand completions" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand completions" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand completions" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hooky -n "__fish_hooky_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -f -a "new" -d 'Turn a captured request into a fixture in ./.hooky/fixtures (ids and times templated, signature headers dropped, credentials redacted)'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and not __fish_seen_subcommand_from new help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l from-capture -d 'The sequence number of the captured request (as `hooky listen` printed it)' -r
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l from -d 'The capture file to read' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l dir -d 'The fixtures folder to write into' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l force -d 'Replace an existing fixture file of that name'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from new" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from help" -f -a "new" -d 'Turn a captured request into a fixture in ./.hooky/fixtures (ids and times templated, signature headers dropped, credentials redacted)'
complete -c hooky -n "__fish_hooky_using_subcommand fixture; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions fixture help" -f -a "listen" -d 'Receive webhooks: print each request, verify its signature, answer, and capture it to disk'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions fixture help" -f -a "send" -d 'Send a signed fixture event to a URL, with retries; one event or a load of them'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions fixture help" -f -a "poll" -d 'Poll a URL politely (ETag, Last-Modified, since-cursors) and print only what changed'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions fixture help" -f -a "replay" -d 'Resend captured requests, byte for byte or re-signed'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions fixture help" -f -a "sign" -d 'Print the signature headers for a body (for scripts and CI)'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions fixture help" -f -a "verify" -d 'Verify a request\'s signature headers against a body; exit 0 only when valid'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions fixture help" -f -a "completions" -d 'Print a shell completion script or the man page'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions fixture help" -f -a "fixture" -d 'Manage fixtures: turn a captured request into one'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions fixture help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooky -n "__fish_hooky_using_subcommand help; and __fish_seen_subcommand_from fixture" -f -a "new" -d 'Turn a captured request into a fixture in ./.hooky/fixtures (ids and times templated, signature headers dropped, credentials redacted)'
