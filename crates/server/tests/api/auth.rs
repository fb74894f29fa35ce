//! Registration, sign-in, tokens, refresh rotation, passwords and throttling.

use serde_json::json;
use server::security::jwt::Keys;

use crate::fixtures::{Auth, PASSWORD};
use crate::helpers::{Backend, Options, assert_error, each_backend, spawn_app, spawn_app_with};

const SECRET: &str = "test-secret-key-that-is-long-enough-0123456789";

#[tokio::test]
async fn register_then_login_and_me() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let (status, body) = app
            .post_json("/api/v1/auth/register/", &json!({"email": " Ann@Example.COM ", "password": PASSWORD, "first_name": "Ann", "account_name": "Ann's Agency"}))
            .await;
        assert_eq!(status, 201, "{body}");
        let data = &body["data"];
        assert_eq!(data["user"]["email"], "ann@example.com");
        assert_eq!(data["user"]["role"], "owner");
        assert_eq!(data["account"]["name"], "Ann's Agency");
        assert_eq!(data["account"]["slug"], "ann-s-agency");
        assert_eq!(data["account"]["plan"]["slug"], "free");
        assert_eq!(data["account"]["credits"], data["account"]["plan"]["included_credits"]);
        assert!(data["access"].as_str().unwrap().len() > 20 && data["refresh"].as_str().unwrap().len() > 20);
        assert!(!body.to_string().contains("password_hash"));

        let session = app.login_ok("ANN@example.com", PASSWORD).await;
        let (status, me) = app.as_user("GET", "/api/v1/auth/me/", &session, None).await;
        assert_eq!(status, 200, "{me}");
        assert_eq!(me["data"]["user"]["email"], "ann@example.com");
        assert!(me["data"]["user"]["last_login_at"].is_string());

        let (status, me) = app.as_user("PATCH", "/api/v1/auth/me/", &session, Some(&json!({"last_name": "Lee"}))).await;
        assert_eq!(status, 200, "{me}");
        assert_eq!(me["data"]["user"]["last_name"], "Lee");

        let (status, body) = app.login("ann@example.com", "wrong password").await;
        assert_eq!(status, 401);
        assert_eq!(assert_error(&body), "INVALID_CREDENTIALS");
        let (status, unknown) = app.login("nobody@example.com", "wrong password").await;
        assert_eq!(status, 401);
        assert_eq!(unknown["error"], body["error"], "same answer for unknown emails");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn registration_errors_name_the_field() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        app.register("taken@example.com").await;
        let (status, body) =
            app.post_json("/api/v1/auth/register/", &json!({"email": "TAKEN@example.com", "password": PASSWORD})).await;
        assert_eq!(status, 409, "{body}");
        assert!(body["errors"]["email"].is_array());

        let (status, body) = app
            .post_json(
                "/api/v1/auth/register/",
                &json!({"email": "not-an-email", "password": "short", "password_confirm": "other"}),
            )
            .await;
        assert_eq!(status, 400, "{body}");
        for field in ["email", "password", "password_confirm"] {
            assert!(body["errors"][field].is_array(), "{field}: {body}");
        }
        let (status, body) = app.post_json("/api/v1/auth/register/", &json!({"password": PASSWORD})).await;
        assert_eq!(status, 400);
        assert_eq!(body["errors"]["email"][0], "This field is required.");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn bad_expired_and_tampered_tokens_are_401() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let session = app.register("tok@example.com").await;
        let me = "/api/v1/auth/me/";

        let (status, body) = app.call("GET", me, Auth::None, None).await;
        assert_eq!((status, assert_error(&body).as_str()), (401, "NOT_AUTHENTICATED"));
        let (status, body) = app.call("GET", me, Auth::Bearer("garbage"), None).await;
        assert_eq!((status, assert_error(&body).as_str()), (401, "TOKEN_INVALID"));

        let keys = Keys::from_secret(SECRET);
        let expired = keys.issue_expired(session.user_id, session.account_id);
        let (status, body) = app.call("GET", me, Auth::Bearer(&expired), None).await;
        assert_eq!((status, assert_error(&body).as_str()), (401, "TOKEN_EXPIRED"));

        let forged = Keys::from_secret("an-attacker-secret-that-is-long-enough!!")
            .issue(session.user_id, session.account_id)
            .unwrap()
            .0;
        let (status, body) = app.call("GET", me, Auth::Bearer(&forged), None).await;
        assert_eq!((status, assert_error(&body).as_str()), (401, "TOKEN_INVALID"));

        // A valid signature with another account's id claimed is refused too.
        let wrong_account = keys.issue(session.user_id, session.account_id + 100).unwrap().0;
        let (status, _) = app.call("GET", me, Auth::Bearer(&wrong_account), None).await;
        assert_eq!(status, 401);

        let response = app.client.get(app.url(me)).header("authorization", "Basic abc").send().await.unwrap();
        assert_eq!(response.status(), 401);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let first = app.register("rot@example.com").await;
        let refresh = |token: String| {
            let app = &app;
            async move { app.post_json("/api/v1/auth/token/refresh/", &json!({"refresh": token})).await }
        };
        let (status, body) = refresh(first.refresh.clone()).await;
        assert_eq!(status, 200, "{body}");
        let second = body["data"]["refresh"].as_str().unwrap().to_owned();
        let access = body["data"]["access"].as_str().unwrap().to_owned();
        assert_ne!(second, first.refresh);
        let (status, _) = app.call("GET", "/api/v1/auth/me", Auth::Bearer(&access), None).await;
        assert_eq!(status, 200);

        // The old token again: reuse. The whole family dies, including the token issued just now.
        let (status, body) = refresh(first.refresh.clone()).await;
        assert_eq!((status, assert_error(&body).as_str()), (401, "TOKEN_REUSED"));
        let (status, body) = refresh(second).await;
        assert_eq!((status, assert_error(&body).as_str()), (401, "SESSION_ENDED"));

        // Other sessions (families) are untouched; logout ends one.
        let other = app.login_ok("rot@example.com", PASSWORD).await;
        let (status, _) = app.post_json("/api/v1/auth/logout/", &json!({"refresh": other.refresh})).await;
        assert_eq!(status, 200);
        let (status, _) = refresh(other.refresh.clone()).await;
        assert_eq!(status, 401);
        // An expired refresh token is refused as expired.
        let late = app.login_ok("rot@example.com", PASSWORD).await;
        app.execute("UPDATE refresh_tokens SET expires_at = '2001-01-01 00:00:00+00:00' WHERE used_at IS NULL AND revoked_at IS NULL").await;
        let (status, body) = refresh(late.refresh).await;
        assert_eq!((status, assert_error(&body).as_str()), (401, "TOKEN_EXPIRED"));
        let (status, body) = refresh("not-a-token".into()).await;
        assert_eq!((status, assert_error(&body).as_str()), (401, "TOKEN_INVALID"));
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn password_change_signs_out_other_sessions() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let session = app.register("pw@example.com").await;
        let path = "/api/v1/auth/password/change/";
        let (status, body) = app
            .as_user(
                "POST",
                path,
                &session,
                Some(&json!({"current_password": "wrong one", "new_password": "a brand new secret"})),
            )
            .await;
        assert_eq!(status, 400);
        assert!(body["errors"]["current_password"].is_array());
        let (status, body) = app
            .as_user("POST", path, &session, Some(&json!({"current_password": PASSWORD, "new_password": "short"})))
            .await;
        assert_eq!(status, 400);
        assert!(body["errors"]["new_password"].is_array());

        let (status, body) = app
            .as_user(
                "POST",
                path,
                &session,
                Some(&json!({"current_password": PASSWORD, "new_password": "a brand new secret"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, _) = app.post_json("/api/v1/auth/token/refresh/", &json!({"refresh": session.refresh})).await;
        assert_eq!(status, 401, "old sessions end");
        assert_eq!(app.login("pw@example.com", PASSWORD).await.0, 401);
        app.login_ok("pw@example.com", "a brand new secret").await;
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn password_reset_never_reveals_accounts_and_works_once() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        app.register("reset@example.com").await;
        let (status, unknown) =
            app.post_json("/api/v1/auth/password/reset/", &json!({"email": "ghost@example.com"})).await;
        assert_eq!(status, 200);
        let (status, known) =
            app.post_json("/api/v1/auth/password/reset/", &json!({"email": "reset@example.com"})).await;
        assert_eq!(status, 200);
        assert_eq!(unknown["message"], known["message"]);
        assert_eq!(unknown["data"], known["data"]);
        assert!(app.last_mail("ghost@example.com").await.is_none());

        let confirm = "/api/v1/auth/password/reset/confirm/";
        let (status, body) =
            app.post_json(confirm, &json!({"token": "made-up", "new_password": "new password 1"})).await;
        assert_eq!(status, 400);
        assert!(body["errors"]["token"].is_array());

        let token = app.mailed_token("reset@example.com").await;
        let (status, body) = app.post_json(confirm, &json!({"token": token, "new_password": "new password 1"})).await;
        assert_eq!(status, 200, "{body}");
        app.login_ok("reset@example.com", "new password 1").await;
        let (status, _) = app.post_json(confirm, &json!({"token": token, "new_password": "new password 2"})).await;
        assert_eq!(status, 400, "a token works once");

        // The mail was delivered to the outbox folder (no SMTP configured).
        let outbox = app.database_dir().join("data/outbox");
        let mut found = false;
        for _ in 0..50 {
            found = std::fs::read_dir(&outbox).map(|d| d.count() > 0).unwrap_or(false);
            if found {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(found, "no .eml in {}", outbox.display());
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn login_and_reset_are_throttled() {
    let options = Options {
        configure: Box::new(|c| {
            c.login_rate_per_minute = 2;
            c.auth_rate_per_minute = 4;
        }),
        ..Options::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await;
    let attempt = || {
        app.client
            .post(app.url("/api/v1/auth/login/"))
            .json(&json!({"email": "x@example.com", "password": "nope nope"}))
            .send()
    };
    let first = attempt().await.unwrap();
    assert_eq!(first.status(), 401);
    assert_eq!(first.headers()["x-throttle-limit"], "2");
    assert_eq!(first.headers()["x-throttle-remaining"], "1");
    assert_eq!(attempt().await.unwrap().status(), 401);
    let refused = attempt().await.unwrap();
    assert_eq!(refused.status(), 429);
    let retry: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(refused.headers()["x-throttle-remaining"], "0");
    let (_, body) = crate::helpers::json_of(refused).await;
    assert_eq!(assert_error(&body), "RATE_LIMITED");

    // Another account from the same address: allowed until the per-address limit (4) runs out.
    let other = app.post_json("/api/v1/auth/password/reset/", &json!({"email": "y@example.com"})).await;
    assert_eq!(other.0, 200, "{}", other.1);
    let fifth = app.post_json("/api/v1/auth/password/reset/", &json!({"email": "z@example.com"})).await;
    assert_eq!(fifth.0, 429, "the per-address budget (4) is spent: {}", fifth.1);
    app.cleanup().await;
}

#[tokio::test]
async fn inactive_users_and_accounts_cannot_act() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("boss@example.com").await;
        let editor = app.add_member(&owner, "ed@example.com", "editor", &[]).await;
        let (status, _) = app.as_user("GET", "/api/v1/auth/me", &editor, None).await;
        assert_eq!(status, 200);
        let (status, body) = app
            .as_user(
                "PATCH",
                &format!("/api/v1/account/team/{}/", editor.user_id),
                &owner,
                Some(&json!({"is_active": false})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.as_user("GET", "/api/v1/auth/me", &editor, None).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "USER_INACTIVE"));
        let (status, body) = app.login("ed@example.com", PASSWORD).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "USER_INACTIVE"));

        app.execute(&format!("UPDATE accounts SET status = 'suspended' WHERE id = {}", owner.account_id)).await;
        let (status, body) = app.as_user("GET", "/api/v1/auth/me", &owner, None).await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "ACCOUNT_INACTIVE"));
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn plans_and_industries_are_public() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let (status, plans) = app.get_json("/api/v1/auth/plans/").await;
        assert_eq!(status, 200);
        let slugs: Vec<&str> = plans["data"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
        assert_eq!(slugs, ["free", "starter", "growth", "scale"]);

        let (status, industries) = app.get_json("/api/v1/auth/industries/").await;
        assert_eq!(status, 200);
        let list = industries["data"].as_array().unwrap();
        assert!(list.len() >= 12);
        assert!(list.iter().all(|i| i["sectors"].as_array().unwrap().len() >= 5));
        let id = list[0]["id"].as_i64().unwrap();
        let (status, one) = app.get_json(&format!("/api/v1/auth/industries/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(one["data"]["slug"], list[0]["slug"]);
        assert_eq!(app.get_json("/api/v1/auth/industries/999999").await.0, 404);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn reads_writes_and_ai_actions_are_limited_per_user() {
    let options = Options {
        configure: Box::new(|c| {
            c.read_rate_per_minute = 3;
            c.write_rate_per_minute = 2;
            c.ai_rate_per_minute = 1;
        }),
        ..Options::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await;
    let owner = app.register("busy@example.com").await;
    let other = app.register("calm@example.com").await;
    let read = |who| {
        let session: &crate::fixtures::Session = who;
        app.client.get(app.url("/api/v1/auth/me/")).bearer_auth(&session.access).send()
    };
    let first = read(&owner).await.unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["x-throttle-limit"], "3");
    assert_eq!(first.headers()["x-throttle-remaining"], "2");
    read(&owner).await.unwrap();
    read(&owner).await.unwrap();
    let refused = read(&owner).await.unwrap();
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    let (_, body) = crate::helpers::json_of(refused).await;
    assert_eq!(assert_error(&body), "RATE_LIMITED");
    assert_eq!(read(&other).await.unwrap().status(), 200, "another user has their own budget");

    // Writes and AI actions have their own budgets, untouched by the spent reads.
    let (status, body) = app.as_user("PATCH", "/api/v1/auth/me/", &owner, Some(&json!({"first_name": "A"}))).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = app.as_user("POST", "/api/v1/system/ai/test_connection/", &owner, Some(&json!({}))).await;
    assert_eq!(status, 202);
    let (status, body) = app.as_user("POST", "/api/v1/system/ai/test_connection/", &owner, Some(&json!({}))).await;
    assert_eq!((status, assert_error(&body).as_str()), (429, "RATE_LIMITED"));
    let (status, _) = app.as_user("PATCH", "/api/v1/auth/me/", &owner, Some(&json!({"first_name": "B"}))).await;
    assert_eq!(status, 200);
    let (status, _) = app.as_user("PATCH", "/api/v1/auth/me/", &owner, Some(&json!({"first_name": "C"}))).await;
    assert_eq!(status, 429);
    // Unauthenticated requests are not counted against anyone; they are refused by authentication.
    let (status, _) = app.get_json("/api/v1/auth/me/").await;
    assert_eq!(status, 401);
    app.cleanup().await;
}

#[tokio::test]
async fn the_daily_cleanup_removes_expired_sign_in_tokens() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let stale = app.register("stale@example.com").await;
        let fresh = app.register("fresh@example.com").await;
        app.execute(&format!(
            "UPDATE refresh_tokens SET expires_at = '2020-01-01 00:00:00+00' WHERE user_id = {}",
            stale.user_id
        ))
        .await;
        let removed = server::maintenance::cleanup(&app.db).await.unwrap();
        assert_eq!(removed, 1, "only the expired token");
        let (status, _) = app.post_json("/api/v1/auth/token/refresh/", &json!({"refresh": stale.refresh})).await;
        assert_eq!(status, 401);
        let (status, body) = app.post_json("/api/v1/auth/token/refresh/", &json!({"refresh": fresh.refresh})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            server::maintenance::schedule().names(),
            ["automation.check", "publish.check", "maintenance.cleanup"]
        );
        app.cleanup().await;
    })
    .await;
}
