use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

use super::*;

fn classify(status: u16, retry_after: Option<&str>, body: &str) -> PublishError {
    let status = StatusCode::from_u16(status).unwrap_or_else(|err| panic!("{err}"));
    PublishError::from_status(status, retry_after, body.as_bytes())
}

#[test]
fn credentials_refused_is_auth_and_never_retried() {
    let body = r#"{"code":"rest_cannot_create","message":"Sorry, you are not allowed to create posts as this user.",
        "data":{"status":401}}"#;
    let err = classify(401, Some("5"), body);
    let PublishError::Auth { message } = &err else { panic!("{err:?}") };
    assert_eq!(message, "HTTP 401 (rest_cannot_create): Sorry, you are not allowed to create posts as this user.");
    assert!(!err.is_retryable());
    assert_eq!(err.retry_after(), None);
    assert!(matches!(classify(403, None, r#"{"code":"rest_forbidden","message":"No."}"#), PublishError::Auth { .. }));
    let waf = classify(403, None, "<html>WAF</html>");
    assert!(matches!(&waf, PublishError::Auth { message } if message == "HTTP 403: Forbidden"), "{waf:?}");
}

#[test]
fn timeouts_rate_limits_and_server_errors_are_retryable() {
    let err = classify(429, Some("7"), r#"{"code":"too_many","message":"Slow down"}"#);
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(err.to_string(), "temporary failure: HTTP 429 (too_many): Slow down");
    for status in [408, 500, 502, 503, 504, 599] {
        let err = classify(status, None, "<html><body>nginx</body></html>");
        assert!(err.is_retryable(), "{status}");
        assert_eq!(err.retry_after(), None, "{status}");
    }
    let bad_gateway = classify(502, None, "<html>…</html>");
    assert!(bad_gateway.to_string().ends_with("HTTP 502: Bad Gateway"), "{bad_gateway}");
    let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
    let delay = classify(503, Some(&later), "").retry_after().unwrap_or_default();
    assert!((Duration::from_secs(100)..=Duration::from_secs(120)).contains(&delay), "{delay:?}");
    assert_eq!(classify(503, Some("whenever"), "").retry_after(), None);
}

#[test]
fn other_client_errors_are_permanent_with_the_sites_code() {
    let body = r#"{"code":"rest_invalid_param","message":"Invalid parameter(s): status","data":{"status":400}}"#;
    let err = classify(400, None, body);
    assert!(
        matches!(&err, PublishError::Permanent { code, message }
            if code == "rest_invalid_param" && message == "Invalid parameter(s): status"),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert!(matches!(classify(404, Some("3"), ""),
        PublishError::Permanent { code, message } if code == "http_404" && message == "Not Found"));
    assert!(matches!(classify(409, None, " already there \n"),
        PublishError::Permanent { code, message } if code == "http_409" && message == "already there"));
    assert!(matches!(classify(422, None, r#"{"success":false,"error":"bad payload"}"#),
        PublishError::Permanent { code, message } if code == "http_422" && message == "bad payload"));
    assert!(matches!(classify(400, None, r#"{"code":"term_exists","message":""}"#),
        PublishError::Permanent { code, message } if code == "term_exists" && message == "Bad Request"));
}

#[test]
fn long_messages_are_shortened_on_a_character_boundary() {
    let long = "é".repeat(1000);
    let PublishError::Permanent { message, .. } = classify(400, None, &long) else { panic!() };
    assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS + 1);
    assert!(message.ends_with('…'));
}

#[test]
fn classifies_a_guarded_response_with_its_retry_after_header() {
    let mut headers = HeaderMap::new();
    headers.insert(RETRY_AFTER, HeaderValue::from_static("42"));
    let response = GuardedResponse {
        status: StatusCode::SERVICE_UNAVAILABLE,
        headers,
        body: br#"{"code":"maintenance","message":"Briefly unavailable"}"#.to_vec(),
        url: "https://example.com/wp-json/wp/v2/posts".parse().unwrap_or_else(|err| panic!("{err}")),
    };
    let err = PublishError::from_response(&response);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(42)));
    assert!(err.to_string().contains("maintenance"));
}

#[test]
fn guard_timeouts_and_network_failures_retry_and_refusals_do_not() {
    let url = String::from("https://example.com/");
    let timeout = PublishError::from(GuardError::Timeout { url: url.clone(), timeout: Duration::from_secs(30) });
    assert!(timeout.is_retryable());
    let network = PublishError::from(GuardError::Network { url: url.clone(), message: "connection refused".into() });
    assert!(network.is_retryable());
    let too_large = PublishError::from(GuardError::ResponseTooLarge { url: url.clone(), max_bytes: 10 });
    assert!(matches!(too_large, PublishError::Refused(GuardError::ResponseTooLarge { .. })));
    let redirect = PublishError::from(GuardError::RedirectOnWrite {
        method: reqwest::Method::POST,
        url,
        status: 301,
        location: "https://www.example.com/".into(),
    });
    assert!(!redirect.is_retryable());
    assert!(redirect.to_string().contains("redirects are never followed on writes"), "{redirect}");
}

#[test]
fn parses_both_retry_after_forms() {
    let now = UNIX_EPOCH + Duration::from_secs(1_445_412_480); // Wed, 21 Oct 2015 07:28:00 GMT
    assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
    assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now), Some(Duration::from_secs(10)));
    assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), Some(Duration::ZERO));
    assert_eq!(parse_retry_after("-1", now), None);
    assert_eq!(parse_retry_after("soon", now), None);
    assert_eq!(parse_retry_after("", now), None);
}
