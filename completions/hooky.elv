
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
            cand sign 'Print the signature headers for a body (for scripts and CI)'
            cand verify 'Verify a request''s signature headers against a body; exit 0 only when valid'
            cand completions 'Print a shell completion script or the man page'
            cand fixture 'Manage fixtures: turn a captured request into one'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hooky;listen'= {
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
        &'hooky;send'= {
            cand --to 'The URL to send to'
            cand --fixtures 'A folder of extra fixtures (overrides ./.hooky/fixtures and the built-ins by name)'
            cand --data 'The payload instead of the fixture''s: inline JSON, @FILE, or - for stdin (templated too)'
            cand --set 'Set a value at a dot path, read as JSON when it is JSON, else a string (repeatable)'
            cand --set-str 'Set a string value at a dot path (repeatable)'
            cand --unset 'Remove the value at a dot path (repeatable)'
            cand --scheme 'Signature scheme; default the fixture''s, else hex'
            cand --secret 'Signing secret (repeat for rotation); also read from HOOKY_SECRET'
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
        &'hooky;replay'= {
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
        &'hooky;sign'= {
            cand --scheme 'Signature scheme'
            cand --secret 'Signing secret (repeat for rotation); also read from HOOKY_SECRET'
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
            cand --secret 'Signing secret (repeat for rotation); also read from HOOKY_SECRET'
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
            cand sign 'Print the signature headers for a body (for scripts and CI)'
            cand verify 'Verify a request''s signature headers against a body; exit 0 only when valid'
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
        &'hooky;help;sign'= {
        }
        &'hooky;help;verify'= {
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
