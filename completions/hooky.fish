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
complete -c hooky -n "__fish_hooky_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand listen" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand listen" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand send" -l color -d 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hooky -n "__fish_hooky_using_subcommand send" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand send" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand send" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand send" -s h -l help -d 'Print help'
complete -c hooky -n "__fish_hooky_using_subcommand send" -s V -l version -d 'Print version'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s H -l header -d 'Extra request header, \'Name: value\' (repeatable); kept the same on every poll' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l since -d 'Feed mode: the first cursor, sent as ?since=VALUE verbatim (unix time, ISO 8601, a sequence)' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l since-param -d 'Name of the query parameter that carries the cursor' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l items -d 'Dot path to the array of items [default: the top-level array, or the first of data, events, items, results]' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l cursor-field -d 'Dot path to an item\'s timestamp, which becomes the next cursor [default: created, created_at, timestamp]' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l id-field -d 'Dot path to an item\'s id, used to print each item once' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l cursor-from -d 'Opaque cursors: take the next cursor from this dot path of the response, verbatim' -r
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l state -d 'Keep validators, cursor and printed ids in FILE across runs (a CI job resumes where it stopped)' -r -F
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l until -d 'Stop with exit 0 when EXPR holds (repeatable: all must hold): path=value, path!=value, path (present), !path (absent), status=NNN (the HTTP status). In feed mode paths are read in each new item' -r
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
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l etag -d 'Send If-None-Match with the last ETag, exactly as received (weak tags included)'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l last-modified -d 'Send If-Modified-Since with the last Last-Modified, exactly as received, when no ETag is known'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l idle-backoff -d 'Stretch the interval by --multiplier after each unchanged poll, up to --max-interval; a change resets it'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -l json -d 'Machine output: one JSON object per line on stdout, each with a "type" field'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s q -l quiet -d 'Print only results and errors, no progress or notes'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s v -l verbose -d 'Print more detail (all headers, timings); repeat for more'
complete -c hooky -n "__fish_hooky_using_subcommand poll" -s h -l help -d 'Print help (see more with \'--help\')'
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
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions help" -f -a "listen" -d 'Receive webhooks: print each request, verify its signature, answer, and capture it to disk'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions help" -f -a "send" -d 'Send a signed fixture event to a URL, with retries; one event or a load of them'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions help" -f -a "poll" -d 'Poll a URL politely (ETag, Last-Modified, since-cursors) and print only what changed'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions help" -f -a "replay" -d 'Resend captured requests, byte for byte or re-signed'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions help" -f -a "sign" -d 'Print the signature headers for a body (for scripts and CI)'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions help" -f -a "verify" -d 'Verify a request\'s signature headers against a body; exit 0 only when valid'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions help" -f -a "completions" -d 'Print a shell completion script or the man page'
complete -c hooky -n "__fish_hooky_using_subcommand help; and not __fish_seen_subcommand_from listen send poll replay sign verify completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
