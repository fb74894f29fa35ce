//! Account security: two-factor sign-in, the refresh cookie, sessions, the account-wide requirement and secret
//! rotation.

use db::entities::ai_provider;
use db::sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};
use server::security::cipher::Cipher;
use server::security::jwt::Keys;
use server::security::totp;

use crate::fixtures::{Auth, PASSWORD, Session};
use crate::helpers::{Options, TestApp, assert_error, each_backend, spawn_app, spawn_app_with};

const SECRET: &str = "test-secret-key-that-is-long-enough-0123456789";

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// A code for the current step (or `steps` later, which the one-step drift allowance still accepts).
fn code(secret: &str, steps: u64) -> String {
    totp::code_at(secret, now() + steps * totp::STEP_SECS).unwrap()
}

impl TestApp {
    /// Lets the next code of a user pass as if its window had moved on (codes are accepted once per window).
    async fn forget_last_code(&self, user_id: i64) {
        self.execute(&format!("UPDATE two_factor SET last_step = NULL WHERE user_id = {user_id}")).await;
    }

    /// Sets up and turns on two-factor sign-in; returns the secret and the recovery codes.
    async fn enrol(&self, session: &Session) -> (String, Vec<String>) {
        let (status, setup) = self.as_user("POST", "/api/v1/auth/two_factor/setup/", session, None).await;
        assert_eq!(status, 200, "{setup}");
        let secret = setup["data"]["secret"].as_str().unwrap().to_owned();
        assert!(
            setup["data"]["qr_svg"].as_str().unwrap().starts_with("<?xml")
                || setup["data"]["qr_svg"].as_str().unwrap().contains("<svg")
        );
        assert!(setup["data"]["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/IGNY8:"));
        let (status, enabled) = self
            .as_user("POST", "/api/v1/auth/two_factor/enable/", session, Some(&json!({"code": code(&secret, 0)})))
            .await;
        assert_eq!(status, 200, "{enabled}");
        let codes: Vec<String> = enabled["data"]["recovery_codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        (secret, codes)
    }

    async fn login_with_code(&self, email: &str, code: &str) -> (u16, Value) {
        let (status, body) = self.login(email, PASSWORD).await;
        assert_eq!(status, 202, "{body}");
        let challenge = body["data"]["challenge"].as_str().unwrap();
        self.post_json("/api/v1/auth/login/two_factor/", &json!({"challenge": challenge, "code": code})).await
    }

    async fn count(&self, sql: &str) -> i64 {
        use db::sea_orm::{ConnectionTrait, Statement};
        let backend = self.db.get_database_backend();
        let row = self.db.query_one_raw(Statement::from_string(backend, sql.to_owned())).await.unwrap().unwrap();
        row.try_get_by_index::<i64>(0).unwrap()
    }
}

#[tokio::test]
async fn enrolment_sign_in_with_a_code_replays_and_recovery_codes() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("ann@example.com").await;
        // Without two-factor the password is enough.
        let (status, _) = app.login("ann@example.com", PASSWORD).await;
        assert_eq!(status, 200);
        let (_, status_body) = app.as_user("GET", "/api/v1/auth/two_factor/", &owner, None).await;
        assert_eq!(status_body["data"]["enabled"], false);

        // A wrong first code does not turn it on.
        let (_, setup) = app.as_user("POST", "/api/v1/auth/two_factor/setup/", &owner, None).await;
        let (status, body) =
            app.as_user("POST", "/api/v1/auth/two_factor/enable/", &owner, Some(&json!({"code": "000000"}))).await;
        let secret = setup["data"]["secret"].as_str().unwrap();
        if code(secret, 0) != "000000" {
            assert_eq!(status, 400, "{body}");
            assert!(body["errors"]["code"].is_array());
        }
        let (secret, codes) = app.enrol(&owner).await;
        assert_eq!(codes.len(), 10);
        let stored = app.count("SELECT COUNT(*) FROM recovery_codes WHERE used_at IS NULL").await;
        assert_eq!(stored, 10);
        let (_, status_body) = app.as_user("GET", "/api/v1/auth/two_factor/", &owner, None).await;
        assert_eq!(status_body["data"]["enabled"], true, "{status_body}");
        assert_eq!(status_body["data"]["recovery_codes_left"], 10);
        // The secret is sealed, the recovery codes hashed.
        let sealed: i64 =
            app.count(&format!("SELECT COUNT(*) FROM two_factor WHERE secret_cipher LIKE '%{secret}%'")).await;
        assert_eq!(sealed, 0);
        let plain: i64 =
            app.count(&format!("SELECT COUNT(*) FROM recovery_codes WHERE code_hash = '{}'", codes[0])).await;
        assert_eq!(plain, 0);

        // The password alone now only gives a challenge.
        let (status, body) = app.login("ann@example.com", PASSWORD).await;
        assert_eq!(status, 202, "{body}");
        assert_eq!(body["data"]["two_factor_required"], true);
        assert_eq!(body["data"]["enrolment_required"], false);
        assert!(body["data"]["access"].is_null(), "no token before the second step");
        let challenge = body["data"]["challenge"].as_str().unwrap().to_owned();
        let (status, body) =
            app.post_json("/api/v1/auth/login/two_factor/", &json!({"challenge": challenge, "code": "12345"})).await;
        assert_eq!(status, 400, "{body}");
        // The code of the next step (the enrolment used this one's).
        let next = code(&secret, 1);
        let (status, body) =
            app.post_json("/api/v1/auth/login/two_factor/", &json!({"challenge": challenge, "code": next})).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["data"]["access"].is_string() && body["data"]["refresh"].is_string());
        // The challenge worked once.
        let (status, body) =
            app.post_json("/api/v1/auth/login/two_factor/", &json!({"challenge": challenge, "code": next})).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(assert_error(&body), "CHALLENGE_INVALID");

        // A replayed code is refused, even with a fresh challenge.
        let (status, body) = app.login_with_code("ann@example.com", &next).await;
        assert_eq!(status, 400, "{body}");
        assert!(body["errors"]["code"][0].as_str().unwrap().contains("already used"), "{body}");

        // A recovery code works once, in any case and with or without its dash.
        let (status, body) = app.login_with_code("ann@example.com", &codes[0].to_uppercase()).await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = app.login_with_code("ann@example.com", &codes[0]).await;
        assert_eq!(status, 400);
        let (status, body) = app.login_with_code("ann@example.com", &codes[1].replace('-', "")).await;
        assert_eq!(status, 200, "{body}");
        let session = Session {
            access: body["data"]["access"].as_str().unwrap().into(),
            refresh: body["data"]["refresh"].as_str().unwrap().into(),
            user_id: owner.user_id,
            account_id: owner.account_id,
        };
        let (_, status_body) = app.as_user("GET", "/api/v1/auth/two_factor/", &session, None).await;
        assert_eq!(status_body["data"]["recovery_codes_left"], 8);

        // New recovery codes replace the old ones.
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/auth/two_factor/recovery_codes/",
                &session,
                Some(&json!({"password": PASSWORD, "code": codes[2]})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = app.login_with_code("ann@example.com", &codes[3]).await;
        assert_eq!(status, 400, "old codes stop working");

        // Disabling needs the password and a code, and ends the other sessions.
        app.forget_last_code(owner.user_id).await;
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/auth/two_factor/disable/",
                &session,
                Some(&json!({"password": "wrong password", "code": code(&secret, 0)})),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        assert!(body["errors"]["password"].is_array());
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/auth/two_factor/disable/",
                &session,
                Some(&json!({"password": PASSWORD, "code": code(&secret, 0)})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = app.as_user("GET", "/api/v1/auth/me/", &owner, None).await;
        assert_eq!(status, 401, "the other sessions ended");
        let (status, _) = app.as_user("GET", "/api/v1/auth/me/", &session, None).await;
        assert_eq!(status, 200, "this one continues");
        let (status, _) = app.login("ann@example.com", PASSWORD).await;
        assert_eq!(status, 200, "the password is enough again");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn wrong_codes_are_rate_limited() {
    each_backend(|backend| async move {
        let options = Options { configure: Box::new(|c| c.login_rate_per_minute = 5), ..Options::default() };
        let app = spawn_app_with(backend, options).await;
        let owner = app.register("rate@example.com").await;
        let (secret, _) = app.enrol(&owner).await;
        let (status, body) = app.login("rate@example.com", PASSWORD).await;
        assert_eq!(status, 202, "{body}");
        let challenge = body["data"]["challenge"].as_str().unwrap().to_owned();
        let wrong = if code(&secret, 1) == "111111" { "222222" } else { "111111" };
        // Enabling spent one attempt of the five a minute; wrong codes use up the rest, then 429.
        let mut statuses = Vec::new();
        for _ in 0..6 {
            let (status, _) =
                app.post_json("/api/v1/auth/login/two_factor/", &json!({"challenge": challenge, "code": wrong})).await;
            statuses.push(status);
            if status == 429 {
                break;
            }
        }
        assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
        assert!(statuses[..statuses.len() - 1].iter().all(|s| *s == 400) && statuses.len() >= 4, "{statuses:?}");
        // The right code is refused too while the limit lasts.
        let (status, body) = app
            .post_json("/api/v1/auth/login/two_factor/", &json!({"challenge": challenge, "code": code(&secret, 1)}))
            .await;
        assert_eq!(status, 429, "{body}");
        assert_eq!(assert_error(&body), "RATE_LIMITED");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn an_account_that_requires_two_factor_refuses_members_until_they_enrol() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let tenant = app.tenant("owner@example.com").await;
        let owner = tenant.owner.clone();
        let member = app.add_member(&owner, "member@example.com", "editor", &[tenant.site_id]).await;

        // Only an owner who uses two-factor can require it.
        let (status, body) =
            app.as_user("PATCH", "/api/v1/account/security/", &owner, Some(&json!({"require_two_factor": true}))).await;
        assert_eq!(status, 400, "{body}");
        let (status, _) = app
            .as_user("PATCH", "/api/v1/account/security/", &member, Some(&json!({"require_two_factor": true})))
            .await;
        assert_eq!(status, 403);
        app.enrol(&owner).await;
        let (status, body) =
            app.as_user("PATCH", "/api/v1/account/security/", &owner, Some(&json!({"require_two_factor": true}))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["require_two_factor"], true);
        assert_eq!(body["data"]["members_without_two_factor"], 1);

        // The member without it was signed out, and the password alone no longer signs them in.
        let (status, _) = app.as_user("GET", "/api/v1/auth/me/", &member, None).await;
        assert_eq!(status, 401);
        let (status, _) = app.post_json("/api/v1/auth/token/refresh/", &json!({"refresh": member.refresh})).await;
        assert_eq!(status, 401);
        let (status, body) = app.login("member@example.com", PASSWORD).await;
        assert_eq!(status, 202, "{body}");
        assert_eq!(body["data"]["enrolment_required"], true);
        let challenge = body["data"]["challenge"].as_str().unwrap().to_owned();
        // A code before the set-up is refused.
        let (status, _) =
            app.post_json("/api/v1/auth/login/two_factor/", &json!({"challenge": challenge, "code": "123456"})).await;
        assert_eq!(status, 400);
        let (status, setup) =
            app.post_json("/api/v1/auth/login/two_factor/setup/", &json!({"challenge": challenge})).await;
        assert_eq!(status, 200, "{setup}");
        let secret = setup["data"]["secret"].as_str().unwrap();
        let (status, body) = app
            .post_json("/api/v1/auth/login/two_factor/", &json!({"challenge": challenge, "code": code(secret, 0)}))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["recovery_codes"].as_array().unwrap().len(), 10);
        let access = body["data"]["access"].as_str().unwrap();
        let (status, _) = app.call("GET", "/api/v1/auth/me/", Auth::Bearer(access), None).await;
        assert_eq!(status, 200);

        // Now enrolled, they cannot turn it off while the account requires it.
        app.forget_last_code(member.user_id).await;
        let (status, body) = app
            .call(
                "POST",
                "/api/v1/auth/two_factor/disable/",
                Auth::Bearer(access),
                Some(&json!({"password": PASSWORD, "code": code(secret, 0)})),
            )
            .await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(assert_error(&body), "TWO_FACTOR_REQUIRED");
        let (_, body) = app.as_user("GET", "/api/v1/account/security/", &owner, None).await;
        assert_eq!(body["data"]["members_without_two_factor"], 0);
        app.cleanup().await;
    })
    .await;
}

fn set_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("igny8_refresh="))
        .unwrap_or_default()
        .to_owned()
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().trim_start_matches("igny8_refresh=").to_owned()
}

#[tokio::test]
async fn refresh_cookie_is_http_only_and_refused_cross_site() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        app.register("web@example.com").await;
        let login = app
            .client
            .post(app.url("/api/v1/auth/login/"))
            .header("x-refresh-mode", "cookie")
            .json(&json!({"email": "web@example.com", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 200);
        let cookie = set_cookie(&login);
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/api/v1/auth/token", "Max-Age="] {
            assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
        }
        assert!(!cookie.contains("Secure"), "plain http: {cookie}");
        let body: Value = login.json().await.unwrap();
        assert!(body["data"]["refresh"].is_null(), "the token is not in the body: {body}");
        assert!(body["data"]["access"].is_string());
        let token = cookie_value(&cookie);

        let refresh = |origin: Option<String>, token: String| {
            let mut request = app
                .client
                .post(app.url("/api/v1/auth/token/refresh/"))
                .header("cookie", format!("igny8_refresh={token}"))
                .json(&json!({}));
            if let Some(origin) = origin {
                request = request.header("origin", origin);
            }
            request.send()
        };
        // From another site: refused, and the token is not spent.
        let response = refresh(Some("https://evil.example".into()), token.clone()).await.unwrap();
        assert_eq!(response.status(), 403);
        let body: Value = response.json().await.unwrap();
        assert_eq!(assert_error(&body), "CSRF_REFUSED");
        let response = refresh(None, token.clone()).await.unwrap();
        assert_eq!(response.status(), 403, "no Origin and no Sec-Fetch-Site: refused");

        // From the app's own origin: a new access token and the next cookie.
        let response = refresh(Some(app.address.clone()), token.clone()).await.unwrap();
        assert_eq!(response.status(), 200);
        let next = set_cookie(&response);
        assert!(next.contains("HttpOnly") && next.contains("SameSite=Strict"), "{next}");
        let body: Value = response.json().await.unwrap();
        assert!(body["data"]["access"].is_string() && body["data"]["refresh"].is_null(), "{body}");
        assert_ne!(cookie_value(&next), token);

        // API clients keep the body form.
        let (status, body) = app.login("web@example.com", PASSWORD).await;
        assert_eq!(status, 200);
        let refresh_token = body["data"]["refresh"].as_str().unwrap();
        let (status, body) = app.post_json("/api/v1/auth/token/refresh/", &json!({"refresh": refresh_token})).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["data"]["refresh"].is_string());
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn hsts_and_secure_cookies_over_https() {
    each_backend(|backend| async move {
        let options =
            Options { configure: Box::new(|c| c.public_url = "https://app.example.com".into()), ..Options::default() };
        let app = spawn_app_with(backend, options).await;
        let response = app.get("/api/v1/system/ping/").await;
        let hsts = response.headers().get("strict-transport-security").unwrap().to_str().unwrap();
        assert!(hsts.starts_with("max-age=31536000"), "{hsts}");
        app.register("tls@example.com").await;
        let login = app
            .client
            .post(app.url("/api/v1/auth/login/"))
            .header("x-refresh-mode", "cookie")
            .json(&json!({"email": "tls@example.com", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert!(set_cookie(&login).contains("; Secure"), "{}", set_cookie(&login));
        app.cleanup().await;
        // Plain http: no HSTS.
        let app = spawn_app(backend).await;
        assert!(app.get("/api/v1/system/ping/").await.headers().get("strict-transport-security").is_none());
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn sessions_are_listed_and_ending_one_stops_its_tokens_at_once() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let tenant = app.tenant("sess@example.com").await;
        let first = tenant.owner.clone();
        let second = app.login_ok("sess@example.com", PASSWORD).await;
        let third = app.login_ok("sess@example.com", PASSWORD).await;

        let (status, list) = app.as_user("GET", "/api/v1/auth/sessions/", &second, None).await;
        assert_eq!(status, 200, "{list}");
        let sessions = list["data"].as_array().unwrap();
        assert_eq!(sessions.len(), 3);
        assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
        assert!(sessions.iter().all(|s| s["ip"] == "127.0.0.1" && s["device"].is_string()), "{list}");
        let first_id = {
            let (_, me) = app.as_user("GET", "/api/v1/auth/sessions/", &first, None).await;
            me["data"].as_array().unwrap().iter().find(|s| s["current"] == true).unwrap()["id"].as_i64().unwrap()
        };

        // End the first from the second: its refresh and access tokens fail at once.
        let (status, body) = app.as_user("DELETE", &format!("/api/v1/auth/sessions/{first_id}/"), &second, None).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.post_json("/api/v1/auth/token/refresh/", &json!({"refresh": first.refresh})).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(assert_error(&body), "SESSION_ENDED");
        let (status, body) = app.as_user("GET", "/api/v1/auth/me/", &first, None).await;
        assert_eq!(status, 401);
        assert_eq!(assert_error(&body), "SESSION_ENDED");
        let (status, _) = app.as_user("DELETE", &format!("/api/v1/auth/sessions/{first_id}/"), &second, None).await;
        assert_eq!(status, 404, "already ended");

        // End all others: the third stops, the second continues.
        let (status, body) = app.as_user("POST", "/api/v1/auth/sessions/end_others/", &second, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["ended"], 1);
        let (status, _) = app.as_user("GET", "/api/v1/auth/me/", &third, None).await;
        assert_eq!(status, 401);
        let (status, _) = app.post_json("/api/v1/auth/token/refresh/", &json!({"refresh": third.refresh})).await;
        assert_eq!(status, 401);
        let (status, _) = app.as_user("GET", "/api/v1/auth/me/", &second, None).await;
        assert_eq!(status, 200);

        // Signing out with the access token alone (the web app) ends that session.
        let (status, _) =
            app.call("POST", "/api/v1/auth/logout/", Auth::Bearer(&second.access), Some(&json!({}))).await;
        assert_eq!(status, 200);
        let (status, _) = app.as_user("GET", "/api/v1/auth/me/", &second, None).await;
        assert_eq!(status, 401);

        // A password change ends the others.
        let a = app.login_ok("sess@example.com", PASSWORD).await;
        let b = app.login_ok("sess@example.com", PASSWORD).await;
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/auth/password/change/",
                &a,
                Some(&json!({"current_password": PASSWORD, "new_password": "another good password"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = app.as_user("GET", "/api/v1/auth/me/", &b, None).await;
        assert_eq!(status, 401);
        let (status, _) = app.as_user("GET", "/api/v1/auth/me/", &a, None).await;
        assert_eq!(status, 200, "this session continues");
        let owner = Session {
            access: body["data"]["access"].as_str().unwrap().into(),
            refresh: body["data"]["refresh"].as_str().unwrap().into(),
            user_id: first.user_id,
            account_id: first.account_id,
        };

        // Owners can end a member's sessions; members cannot end the owner's.
        let member = app.add_member(&owner, "m@example.com", "editor", &[tenant.site_id]).await;
        let (status, _) =
            app.as_user("POST", &format!("/api/v1/account/team/{}/end_sessions/", owner.user_id), &member, None).await;
        assert_eq!(status, 403);
        let (status, body) =
            app.as_user("POST", &format!("/api/v1/account/team/{}/end_sessions/", member.user_id), &owner, None).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["ended"], 1);
        let (status, _) = app.as_user("GET", "/api/v1/auth/me/", &member, None).await;
        assert_eq!(status, 401);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn rotation_keeps_every_secret_readable_and_old_tokens_valid_until_they_expire() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("rot@example.com").await;
        let (secret, _) = app.enrol(&owner).await;
        let old_cipher = Cipher::from_secret(SECRET);
        let now = chrono::Utc::now();
        let provider = ai_provider::ActiveModel {
            slug: Set("rotating".into()),
            display_name: Set("Rotating".into()),
            kind: Set("openai".into()),
            base_url: Set(String::new()),
            api_key_cipher: Set(Some(old_cipher.seal("sk-rotate-me-1234"))),
            api_key_hint: Set(Some("…1234".into())),
            timeout_secs: Set(60),
            is_active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        // A WordPress connection's application password is sealed too.
        let (status, site) = app
            .as_user("POST", "/api/v1/auth/sites/", &owner, Some(&serde_json::json!({"name": "Rotating site"})))
            .await;
        assert_eq!(status, 201, "{site}");
        let body = serde_json::json!({"site_id": site["data"]["id"], "auth_mode": "application_password",
            "site_url": "https://wp.example.com", "username": "editor", "app_password": "wp-app-password-5678"});
        let (status, wp) = app.as_user("POST", "/api/v1/integration/integrations/", &owner, Some(&body)).await;
        assert_eq!(status, 201, "{wp}");
        let wp_id = wp["data"]["id"].as_i64().unwrap();

        let new_secret = "the-new-secret-after-rotation-0123456789abcdef";
        let config = server::Config {
            database_url: app.database.url.clone(),
            secret_key: server::config::Secret::new(SECRET),
            data_dir: app.database_dir().join("data"),
            ..server::Config::default()
        };
        // A value that opens with neither key stops the rotation before anything changes.
        let (secret_rows, rotation) = {
            let bad = ai_provider::ActiveModel {
                slug: Set("broken".into()),
                display_name: Set("Broken".into()),
                kind: Set("openai".into()),
                base_url: Set(String::new()),
                api_key_cipher: Set(Some(Cipher::from_secret("some-other-secret-nobody-knows-000000").seal("x"))),
                api_key_hint: Set(None),
                timeout_secs: Set(60),
                is_active: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
            let refused = server::secrets::rotate(&config, &app.db, Some(new_secret.into())).await;
            assert!(refused.is_err(), "unreadable value must stop the rotation");
            let unchanged = ai_provider::Entity::find_by_id(provider.id).one(&app.db).await.unwrap().unwrap();
            assert_eq!(old_cipher.open(unchanged.api_key_cipher.as_deref().unwrap()).unwrap(), "sk-rotate-me-1234");
            ai_provider::Entity::delete_by_id(bad.id).exec(&app.db).await.unwrap();
            let (_, rotation) = server::secrets::rotate(&config, &app.db, Some(new_secret.into())).await.unwrap();
            (rotation.resealed.clone(), rotation)
        };
        assert_eq!(rotation.total(), 3, "{secret_rows:?}");
        assert!(secret_rows.iter().any(|(c, n)| c == "site_integrations.secret_sealed" && *n == 1));
        let wp = db::entities::site_integration::Entity::find_by_id(wp_id).one(&app.db).await.unwrap().unwrap();
        let sealed = wp.secret_sealed.as_deref().unwrap();
        assert_eq!(Cipher::from_secret(new_secret).open(sealed).unwrap(), "wp-app-password-5678");
        assert!(secret_rows.iter().any(|(c, n)| c == "ai_providers.api_key_cipher" && *n == 1));
        assert!(secret_rows.iter().any(|(c, n)| c == "two_factor.secret_cipher" && *n == 1));

        let new_cipher = Cipher::from_secret(new_secret);
        let rotated = ai_provider::Entity::find_by_id(provider.id).one(&app.db).await.unwrap().unwrap();
        assert_eq!(new_cipher.open(rotated.api_key_cipher.as_deref().unwrap()).unwrap(), "sk-rotate-me-1234");
        assert!(old_cipher.open(rotated.api_key_cipher.as_deref().unwrap()).is_err());

        // The server restarted with the new key and the old one as previous.
        let mut restarted = config.clone();
        restarted.secret_key = server::config::Secret::new(new_secret);
        restarted.previous_secret_key = server::config::Secret::new(SECRET);
        restarted.bind = "127.0.0.1:0".parse().unwrap();
        restarted.auth_rate_per_minute = 10_000;
        restarted.login_rate_per_minute = 10_000;
        let state = server::startup::state(restarted).await.unwrap();
        let server_app = server::Application::build(state, None).await.unwrap();
        let address = format!("http://{}", server_app.local_addr().unwrap());
        tokio::spawn(server_app.run_until(std::future::pending()));
        let client = reqwest::Client::new();
        // The access token signed with the old key before the restart still works…
        let me = client.get(format!("{address}/api/v1/auth/me/")).bearer_auth(&owner.access).send().await.unwrap();
        assert_eq!(me.status(), 200);
        // …one minted with the old key now does not.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let (minted, _) = Keys::from_secret(SECRET).issue(owner.user_id, owner.account_id).unwrap();
        let me = client.get(format!("{address}/api/v1/auth/me/")).bearer_auth(&minted).send().await.unwrap();
        assert_eq!(me.status(), 401);
        // The refresh token (not tied to the key) still works, and the 2FA secret still opens: sign in with a code.
        let refreshed = client
            .post(format!("{address}/api/v1/auth/token/refresh/"))
            .json(&json!({"refresh": owner.refresh}))
            .send()
            .await
            .unwrap();
        assert_eq!(refreshed.status(), 200);
        let login: Value = client
            .post(format!("{address}/api/v1/auth/login/"))
            .json(&json!({"email": "rot@example.com", "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let challenge = login["data"]["challenge"].as_str().unwrap();
        let response = client
            .post(format!("{address}/api/v1/auth/login/two_factor/"))
            .json(&json!({"challenge": challenge, "code": code(&secret, 1)}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn rotation_of_the_generated_key_keeps_the_old_one_as_previous() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let dir = tempfile::tempdir().unwrap();
        let config = server::Config {
            database_url: app.database.url.clone(),
            data_dir: dir.path().to_path_buf(),
            ..server::Config::default()
        };
        let old = server::secrets::resolve(&config).unwrap();
        let (new, rotation) = server::secrets::rotate(&config, &app.db, None).await.unwrap();
        assert_eq!(rotation.total(), 0);
        assert_eq!(std::fs::read_to_string(dir.path().join("secret.key")).unwrap(), new.expose());
        assert_eq!(std::fs::read_to_string(dir.path().join("secret.key.previous")).unwrap(), old.expose());
        assert_eq!(server::secrets::previous(&config).unwrap().unwrap().expose(), old.expose());
        assert_eq!(server::secrets::resolve(&config).unwrap().expose(), new.expose());
        assert!(!dir.path().join("secret.key.next").exists());
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn two_factor_routes_act_on_the_callers_own_user_only() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let a = app.register("alpha@example.com").await;
        let b = app.register("bravo@example.com").await;
        let (a_secret, a_codes) = app.enrol(&a).await;
        app.forget_last_code(a.user_id).await;
        // B holding A's password and codes still only reaches B's own second factor (which is off).
        for path in ["/api/v1/auth/two_factor/disable/", "/api/v1/auth/two_factor/recovery_codes/"] {
            let (status, body) =
                app.as_user("POST", path, &b, Some(&json!({"password": PASSWORD, "code": code(&a_secret, 0)}))).await;
            assert_eq!(status, 400, "{path}: {body}");
            let (status, _) =
                app.as_user("POST", path, &b, Some(&json!({"password": PASSWORD, "code": a_codes[0]}))).await;
            assert_eq!(status, 400, "{path}");
        }
        let (status, _) = app
            .as_user("POST", "/api/v1/auth/two_factor/enable/", &b, Some(&json!({"code": code(&a_secret, 0)})))
            .await;
        assert_eq!(status, 400, "B has no set-up to confirm, and A's code is not B's");
        // A's second factor is untouched: on, all recovery codes left, the code still unused.
        let (_, status_body) = app.as_user("GET", "/api/v1/auth/two_factor/", &a, None).await;
        assert_eq!(status_body["data"]["enabled"], true);
        assert_eq!(status_body["data"]["recovery_codes_left"], 10);
        let (status, body) = app.login_with_code("alpha@example.com", &code(&a_secret, 0)).await;
        assert_eq!(status, 200, "{body}");
        let (_, b_status) = app.as_user("GET", "/api/v1/auth/two_factor/", &b, None).await;
        assert_eq!(b_status["data"]["enabled"], false);
        app.cleanup().await;
    })
    .await;
}
