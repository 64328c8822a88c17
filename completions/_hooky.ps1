
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
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signature headers for a body (for scripts and CI)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a request''s signature headers against a body; exit 0 only when valid')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script or the man page')
            [CompletionResult]::new('fixture', 'fixture', [CompletionResultType]::ParameterValue, 'Manage fixtures: turn a captured request into one')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooky;listen' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
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
        'hooky;send' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The URL to send to')
            [CompletionResult]::new('--fixtures', '--fixtures', [CompletionResultType]::ParameterName, 'A folder of extra fixtures (overrides ./.hooky/fixtures and the built-ins by name)')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'The payload instead of the fixture''s: inline JSON, @FILE, or - for stdin (templated too)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set a value at a dot path, read as JSON when it is JSON, else a string (repeatable)')
            [CompletionResult]::new('--set-str', '--set-str', [CompletionResultType]::ParameterName, 'Set a string value at a dot path (repeatable)')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Remove the value at a dot path (repeatable)')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Signature scheme; default the fixture''s, else hex')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret (repeat for rotation); also read from HOOKY_SECRET')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from a file, one per line (repeatable)')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header name for the hex scheme')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header, ''Name: value'' (repeatable); replaces a header of the same name')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header, ''Name: value'' (repeatable); replaces a header of the same name')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'HTTP method; default the fixture''s, else POST')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'HTTP method; default the fixture''s, else POST')
            [CompletionResult]::new('--clock', '--clock', [CompletionResultType]::ParameterName, 'Fix the clock (unix seconds or RFC 3339) for reproducible timestamps and signatures')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed the random ids, for reproducible runs (with --clock: byte-for-byte)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after the first attempt, on connection errors, timeouts, 408, 429 and 5xx')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed for each attempt')
            [CompletionResult]::new('--expect-status', '--expect-status', [CompletionResultType]::ParameterName, 'Expected status: 2xx (any success), 4xx, 5xx, or an exact code such as 201; exit 4 otherwise')
            [CompletionResult]::new('--expect-body', '--expect-body', [CompletionResultType]::ParameterName, 'Expected response body: json:PATH=VALUE (repeatable); exit 4 otherwise')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Send N events, each with fresh ids, and print a summary')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once with --count')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Pace --count: requests per second (50, 50/s, 3000/m)')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Send the same event (same id) K times, to test a receiver''s idempotency')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
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
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
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
        'hooky;replay' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
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
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret (repeat for rotation); also read from HOOKY_SECRET')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from a file, one per line (repeatable)')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'Timestamp to sign (unix seconds or RFC 3339); default now')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Message id (Standard Webhooks `webhook-id`); default a fresh msg_… id')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header name for the hex scheme')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
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
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Signing secret (repeat for rotation); also read from HOOKY_SECRET')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read secrets from a file, one per line (repeatable)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Request header as ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Request header as ''Name: value'' (repeatable)')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'How far a signed timestamp may be from now')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Verify as if it were this time (unix seconds or RFC 3339); default now')
            [CompletionResult]::new('--signature-header', '--signature-header', [CompletionResultType]::ParameterName, 'Header name for the hex scheme')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
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
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Machine output: one JSON object per line on stdout, each with a "type" field')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only results and errors, no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more detail (all headers, timings); repeat for more')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Turn a captured request into a fixture in ./.hooky/fixtures (ids and times templated, signature headers dropped, credentials redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hooky;fixture;new' {
            [CompletionResult]::new('--from-capture', '--from-capture', [CompletionResultType]::ParameterName, 'The sequence number of the captured request (as `hooky listen` printed it)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'The capture file to read')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The fixtures folder to write into')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors: auto means only on a terminal and only if NO_COLOR is unset')
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
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Turn a captured request into a fixture in ./.hooky/fixtures (ids and times templated, signature headers dropped, credentials redacted)')
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
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signature headers for a body (for scripts and CI)')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a request''s signature headers against a body; exit 0 only when valid')
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
        'hooky;help;sign' {
            break
        }
        'hooky;help;verify' {
            break
        }
        'hooky;help;completions' {
            break
        }
        'hooky;help;fixture' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Turn a captured request into a fixture in ./.hooky/fixtures (ids and times templated, signature headers dropped, credentials redacted)')
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
