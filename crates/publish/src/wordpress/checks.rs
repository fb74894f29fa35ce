//! The connection test of a WordPress core-REST connection, as named checks in the order a user would fix them:
//! the site answers, it is WordPress, its REST API is on, the credentials are accepted, the user may publish
//! (and upload images), then what it offers (WordPress version, post types, taxonomies).
//!
//! WordPress treats a wrong application password as an anonymous request, so reads still answer 200: the
//! credentials are checked on `users/me?context=edit`, which needs a signed-in user.

use std::time::Instant;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use super::{Api, Site};
use crate::guard::{GuardError, GuardedResponse, OutboundClient};
use crate::{ConnectionCheck, ConnectionReport, PublishError};

fn json(response: &GuardedResponse) -> Option<Value> {
    serde_json::from_slice(&response.body).ok()
}

/// The `<meta name="generator" content="WordPress 6.1.9">` of a page, when the site discloses it.
fn generator_version(html: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(html);
    let at = text.find("content=\"WordPress ")? + "content=\"WordPress ".len();
    let version: String = text[at..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    (!version.is_empty()).then_some(version)
}

/// A network failure or refusal as the failed `reachable` check, or as the error when the guard refused.
fn unreachable(error: GuardError, report: &mut ConnectionReport) -> Result<(), PublishError> {
    if error.is_transient() {
        report.checks.push(ConnectionCheck::fail("reachable", format!("The site did not answer: {error}")));
        Ok(())
    } else {
        Err(PublishError::Refused(error))
    }
}

/// Finds the REST API: `/wp-json/`, or `/?rest_route=/` when pretty permalinks are off.
async fn find_api(client: &OutboundClient, site: &Site) -> Result<Option<(Api, Value)>, PublishError> {
    for api in [Api::Pretty, Api::Query] {
        let response = client.get(&api.url(site, "/"), HeaderMap::new()).await?;
        if response.status.is_success()
            && let Some(index) = json(&response).filter(|v| v.get("namespaces").is_some() || v.get("routes").is_some())
        {
            return Ok(Some((api, index)));
        }
    }
    Ok(None)
}

fn names_of(listing: &Value) -> String {
    let mut names: Vec<&str> = listing.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    names.sort_unstable();
    names.join(", ")
}

/// Runs the checks. `Err` only when the checks could not run at all: the outbound guard refused the address (the
/// error says why and how to allow it). A site that does not answer is a failed `reachable` check.
pub async fn check_connection(client: &OutboundClient, site: &Site) -> Result<ConnectionReport, PublishError> {
    let mut report = ConnectionReport::default();
    let started = Instant::now();
    let home = match client.get(&format!("{}/", site.base()), HeaderMap::new()).await {
        Ok(home) => home,
        Err(error) => {
            unreachable(error, &mut report)?;
            return Ok(report);
        }
    };
    let ms = started.elapsed().as_millis();
    if home.status.is_server_error() {
        report.checks.push(ConnectionCheck::fail("reachable", format!("The site answered HTTP {}.", home.status)));
        return Ok(report);
    }
    report.checks.push(ConnectionCheck::pass(
        "reachable",
        format!("The site answered HTTP {} in {ms} ms.", home.status.as_u16()),
    ));

    let Some((api, index)) = find_api(client, site).await? else {
        report.checks.push(ConnectionCheck::fail(
            "wordpress",
            "No WordPress REST API at /wp-json/ or /?rest_route=/: this does not look like a WordPress site.",
        ));
        return Ok(report);
    };
    let site_name = index.get("name").and_then(Value::as_str).unwrap_or("the site");
    let form = if api == Api::Pretty { "/wp-json/" } else { "/?rest_route=/ (pretty permalinks are off)" };
    report.checks.push(ConnectionCheck::pass("wordpress", format!("WordPress REST API of {site_name:?} at {form}.")));
    let namespaces: Vec<&str> = index
        .get("namespaces")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !namespaces.contains(&"wp/v2") {
        report.checks.push(ConnectionCheck::fail(
            "rest_api",
            "The REST API does not offer wp/v2 (posts, media, terms): a plugin or the host restricts it.",
        ));
        return Ok(report);
    }
    report.checks.push(ConnectionCheck::pass("rest_api", "The REST API offers wp/v2."));

    let auth = site.auth_headers();
    let me = client.get(&api.url(site, "/wp/v2/users/me?context=edit"), auth.clone()).await?;
    if matches!(me.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) || !me.status.is_success() {
        let detail = match PublishError::from_response(&me) {
            PublishError::Auth { message } => format!(
                "WordPress refused the username or application password ({message}). Create an application password \
                 under Users → Profile and paste it here."
            ),
            other => format!("Could not sign in: {other}"),
        };
        report.checks.push(ConnectionCheck::fail("credentials", detail));
        return Ok(report);
    }
    let user = json(&me).unwrap_or(Value::Null);
    let username = user.get("username").or_else(|| user.get("slug")).and_then(Value::as_str).unwrap_or(&site.username);
    let roles: Vec<&str> = user
        .get("roles")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    report
        .checks
        .push(ConnectionCheck::pass("credentials", format!("Signed in as {username} ({}).", roles.join(", "))));
    let can =
        |capability: &str| user.pointer(&format!("/capabilities/{capability}")).and_then(Value::as_bool) == Some(true);
    if can("publish_posts") && can("upload_files") {
        report
            .checks
            .push(ConnectionCheck::pass("can_publish", format!("{username} may publish posts and upload images.")));
    } else {
        let missing: Vec<&str> = ["publish_posts", "upload_files"].into_iter().filter(|c| !can(c)).collect();
        report.checks.push(ConnectionCheck::fail(
            "can_publish",
            format!("{username} lacks {}: use an Author, Editor or Administrator account.", missing.join(" and ")),
        ));
    }

    let version = generator_version(&home.body);
    report.checks.push(ConnectionCheck::pass(
        "version",
        version.map_or_else(
            || "WordPress does not disclose its version (that is fine).".into(),
            |v| format!("WordPress {v}."),
        ),
    ));
    for (name, route, what) in
        [("post_types", "/wp/v2/types", "Post types"), ("taxonomies", "/wp/v2/taxonomies", "Taxonomies")]
    {
        let listing = client.get(&api.url(site, route), auth.clone()).await?;
        match json(&listing).filter(|_| listing.status.is_success()) {
            Some(listing) => {
                report.checks.push(ConnectionCheck::pass(name, format!("{what}: {}.", names_of(&listing))))
            }
            None => report
                .checks
                .push(ConnectionCheck::fail(name, format!("{what} could not be read: HTTP {}.", listing.status))),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_meta_gives_the_version() {
        let page = br#"<head><meta name="generator" content="WordPress 6.1.9" /></head>"#;
        assert_eq!(generator_version(page).as_deref(), Some("6.1.9"));
        assert_eq!(generator_version(b"<head></head>"), None);
    }
}
