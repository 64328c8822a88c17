
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
        &'hooky;help'= {
            cand listen 'Receive webhooks: print each request, verify its signature, answer, and capture it to disk'
            cand send 'Send a signed fixture event to a URL, with retries; one event or a load of them'
            cand poll 'Poll a URL politely (ETag, Last-Modified, since-cursors) and print only what changed'
            cand replay 'Resend captured requests, byte for byte or re-signed'
            cand sign 'Print the signature headers for a body (for scripts and CI)'
            cand verify 'Verify a request''s signature headers against a body; exit 0 only when valid'
            cand completions 'Print a shell completion script or the man page'
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
        &'hooky;help;help'= {
        }
    ]
    $completions[$command]
}
