//! `listen`'s first lines: the URL to stdout (or a `listening` record), then how the listener is
//! set up to stderr.

use super::settings::Settings;
use super::{Listener, record};
use crate::capture::feed;
use crate::secret::Origin;

/// The web view's address with the access key, as printed and opened.
pub(super) fn ui_url(url: &str, key: &str) -> String {
    format!("{url}{}?{}={key}", feed::PREFIX, crate::web_view::KEY_PARAM)
}

/// The first lines: the URL (stdout), then how the listener is set up (stderr).
pub(super) fn announce(state: &Listener, settings: &Settings, url: &str) -> anyhow::Result<()> {
    // The development secret is not the user's: it is printed. A secret the user gave never is.
    let development_secret = match &state.origin {
        Some(Origin::Development(_)) => state
            .verifier
            .keys()
            .first()
            .map(|key| String::from_utf8_lossy(key).into_owned()),
        _ => None,
    };
    announce_url(state, url, development_secret.as_deref())?;
    announce_setup(state, settings);
    Ok(())
}

/// The URL to stdout (a `listening` record in `--json`), with the web view's address and the
/// development secret to paste into the app.
fn announce_url(
    state: &Listener,
    url: &str,
    development_secret: Option<&str>,
) -> anyhow::Result<()> {
    let out = &state.out;
    if out.json {
        out.json(&record::Record::Listening {
            url,
            pid: std::process::id(),
            capture: state.capture_path.as_ref().map(|p| p.display().to_string()),
            ui: state.ui.as_ref().map(|_| ui_url(url, &state.key)),
            key: &state.key,
            secret_source: match &state.origin {
                None => record::SecretSource::None,
                Some(Origin::Given(_)) => record::SecretSource::Given,
                Some(Origin::Development(_)) => record::SecretSource::Development,
            },
            development_secret,
            enforcing: state.enforce,
        })?;
    } else {
        out.data(&format!("hooky listening on {}", out.paint.bold(url)))?;
        if state.ui.is_some() {
            out.data(&format!("web view: {}", ui_url(url, &state.key)))?;
        } else if state.capture_path.is_some() {
            out.info(&format!(
                "feed: {url}{}requests?{}={}",
                feed::PREFIX,
                crate::web_view::KEY_PARAM,
                state.key
            ));
        }
        // Shown in full, as `stripe listen` does: the app under test needs it pasted in.
        if let (Some(secret), Some(Origin::Development(path))) = (development_secret, &state.origin)
        {
            out.data(&format!(
                "signing secret: {} (development secret in {path}; --secret to use your own)",
                out.paint.bold(secret)
            ))?;
        }
    }
    Ok(())
}

/// How the listener is set up, to stderr: exposure, capture, verification, forwarding.
fn announce_setup(state: &Listener, settings: &Settings) {
    let out = &state.out;
    if !settings.host.is_loopback() {
        out.warn(&format!(
            "listening on {}: the receiver is reachable from the network, not only from this machine",
            settings.host
        ));
    }
    if settings.ui_public {
        out.warn(
            "--ui-public: /_hooky/ answers any peer that has the access key, whatever its Host",
        );
    }
    match &state.capture_path {
        Some(path) => out.info(&format!("capturing to {}", path.display())),
        None => out.info("not capturing (--no-capture)"),
    }
    let enforcing = if state.enforce {
        "enforcing: unsigned and invalid requests get 401"
    } else {
        "not enforcing: every request is answered as configured"
    };
    match &state.origin {
        None => out.info("not verifying signatures (--no-verify or --scheme none)"),
        Some(Origin::Given(source)) => out.info(&format!(
            "verifying with the secret from {source}, {enforcing}{}",
            if state.enforce {
                " (--verify-mode report to only report them)"
            } else {
                ""
            }
        )),
        Some(Origin::Development(_)) if state.enforce => out.info(&format!(
            "verifying with the development secret, {enforcing}"
        )),
        Some(Origin::Development(_)) => out.info(
            "verifying with the development secret, not enforcing: \
             --secret to enforce yours, --verify-mode enforce to enforce this one",
        ),
    }
    if let Some(forwarder) = &state.forwarder {
        out.info(&format!("forwarding to {}", forwarder.base()));
    }
    out.info("Ctrl-C to stop");
}
