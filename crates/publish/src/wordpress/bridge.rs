//! The connection test of a bridge-plugin connection: the site answers, the IGNY8 bridge plugin is installed and
//! active (`/wp-json/igny8/v1/status`), it accepts this site's key, and it may publish.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

use super::{Api, Site};
use crate::guard::OutboundClient;
use crate::{ConnectionCheck, ConnectionReport, PublishError};

/// The header the plugin authenticates IGNY8 by.
pub const KEY_HEADER: &str = "x-igny8-api-key";

/// Headers carrying the bridge key.
pub fn key_headers(key: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(key) {
        headers.insert(KEY_HEADER, value);
    }
    headers
}

/// Runs the checks against `url` with the bridge `key`. `Err` only when the outbound guard refused the address.
pub async fn check_connection(client: &OutboundClient, url: &str, key: &str) -> Result<ConnectionReport, PublishError> {
    let site = Site { url: url.to_owned(), username: String::new(), app_password: String::new() };
    let mut report = ConnectionReport::default();
    match client.get(&format!("{}/", site.base()), HeaderMap::new()).await {
        Ok(home) if !home.status.is_server_error() => report
            .checks
            .push(ConnectionCheck::pass("reachable", format!("The site answered HTTP {}.", home.status.as_u16()))),
        Ok(home) => {
            report.checks.push(ConnectionCheck::fail("reachable", format!("The site answered HTTP {}.", home.status)));
            return Ok(report);
        }
        Err(error) if error.is_transient() => {
            report.checks.push(ConnectionCheck::fail("reachable", format!("The site did not answer: {error}")));
            return Ok(report);
        }
        Err(error) => return Err(PublishError::Refused(error)),
    }
    let mut status = None;
    for api in [Api::Pretty, Api::Query] {
        let response = client.get(&api.url(&site, "/igny8/v1/status"), key_headers(key)).await?;
        if response.status != StatusCode::NOT_FOUND {
            status = Some(response);
            break;
        }
    }
    let Some(response) = status else {
        report.checks.push(ConnectionCheck::fail(
            "plugin",
            "The IGNY8 bridge plugin does not answer at /wp-json/igny8/v1/status: install and activate it.",
        ));
        return Ok(report);
    };
    report.checks.push(ConnectionCheck::pass("plugin", "The IGNY8 bridge plugin answers."));
    if !response.status.is_success() {
        let detail = match PublishError::from_response(&response) {
            PublishError::Auth { message } => {
                format!(
                    "The plugin refused this site's key ({message}): paste the key shown here into Settings → IGNY8."
                )
            }
            other => format!("The plugin could not be asked: {other}"),
        };
        report.checks.push(ConnectionCheck::fail("credentials", detail));
        return Ok(report);
    }
    report.checks.push(ConnectionCheck::pass("credentials", "The plugin accepted this site's key."));
    let body: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    if body.get("can_publish").and_then(Value::as_bool) == Some(true) {
        report.checks.push(ConnectionCheck::pass("can_publish", "The plugin may publish posts and upload images."));
    } else {
        report.checks.push(ConnectionCheck::fail(
            "can_publish",
            "The plugin says it cannot publish: check the user it acts as in Settings → IGNY8.",
        ));
    }
    let text = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or("unknown").to_owned();
    report.checks.push(ConnectionCheck::pass(
        "version",
        format!("WordPress {}, bridge plugin {}.", text("wordpress_version"), text("plugin_version")),
    ));
    Ok(report)
}
