//! Accounts, users and sites made through the public API, as a client would.

use db::sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

use crate::helpers::{TestApp, json_of};

pub const PASSWORD: &str = "correct horse battery";

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub access: String,
    pub refresh: String,
    pub user_id: i64,
    pub account_id: i64,
}

impl Session {
    fn from_body(body: &Value) -> Self {
        Self {
            access: body["data"]["access"].as_str().expect("access").to_owned(),
            refresh: body["data"]["refresh"].as_str().expect("refresh").to_owned(),
            user_id: body["data"]["user"]["id"].as_i64().expect("user id"),
            account_id: body["data"]["account"]["id"].as_i64().expect("account id"),
        }
    }
}

/// An account with an owner, one site and its sectors.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub owner: Session,
    pub site_id: i64,
    pub sector_ids: Vec<i64>,
}

pub enum Auth<'a> {
    Bearer(&'a str),
    ApiKey(&'a str),
    None,
}

impl TestApp {
    pub async fn call(&self, method: &str, path: &str, auth: Auth<'_>, body: Option<&Value>) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, self.url(path));
        request = match auth {
            Auth::Bearer(token) => request.bearer_auth(token),
            Auth::ApiKey(key) => request.header("authorization", format!("ApiKey {key}")),
            Auth::None => request,
        };
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("request");
        if response.status() == 204 {
            return (204, Value::Null);
        }
        json_of(response).await
    }

    pub async fn as_user(&self, method: &str, path: &str, session: &Session, body: Option<&Value>) -> (u16, Value) {
        self.call(method, path, Auth::Bearer(&session.access), body).await
    }

    pub async fn register(&self, email: &str) -> Session {
        let (status, body) = self
            .post_json("/api/v1/auth/register/", &json!({"email": email, "password": PASSWORD, "first_name": "Test"}))
            .await;
        assert_eq!(status, 201, "register {email}: {body}");
        Session::from_body(&body)
    }

    pub async fn login(&self, email: &str, password: &str) -> (u16, Value) {
        self.post_json("/api/v1/auth/login/", &json!({"email": email, "password": password})).await
    }

    pub async fn login_ok(&self, email: &str, password: &str) -> Session {
        let (status, body) = self.login(email, password).await;
        assert_eq!(status, 200, "login {email}: {body}");
        Session::from_body(&body)
    }

    /// The newest mail to `to` (from the outbox table).
    pub async fn last_mail(&self, to: &str) -> Option<String> {
        let backend = self.db.get_database_backend();
        let sql = match backend {
            DbBackend::Postgres => "SELECT body_text FROM mail_outbox WHERE to_email = $1 ORDER BY id DESC LIMIT 1",
            _ => "SELECT body_text FROM mail_outbox WHERE to_email = ? ORDER BY id DESC LIMIT 1",
        };
        let row = self.db.query_one_raw(Statement::from_sql_and_values(backend, sql, [to.into()])).await.unwrap()?;
        Some(row.try_get_by_index::<String>(0).unwrap())
    }

    /// Delivery status of the newest mail to `to`.
    pub async fn last_mail_status(&self, to: &str) -> String {
        let backend = self.db.get_database_backend();
        let sql = match backend {
            DbBackend::Postgres => "SELECT status FROM mail_outbox WHERE to_email = $1 ORDER BY id DESC LIMIT 1",
            _ => "SELECT status FROM mail_outbox WHERE to_email = ? ORDER BY id DESC LIMIT 1",
        };
        let row = self.db.query_one_raw(Statement::from_sql_and_values(backend, sql, [to.into()])).await.unwrap();
        row.map(|r| r.try_get_by_index::<String>(0).unwrap()).unwrap_or_default()
    }

    /// The token in the newest mail to `to`.
    pub async fn mailed_token(&self, to: &str) -> String {
        let mail = self.last_mail(to).await.unwrap_or_else(|| panic!("no mail to {to}"));
        let start = mail.find("token=").expect("token in mail") + "token=".len();
        mail[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
    }

    /// Invites a member and lets them set their password; returns their session.
    pub async fn add_member(&self, owner: &Session, email: &str, role: &str, site_ids: &[i64]) -> Session {
        let (status, body) = self
            .as_user(
                "POST",
                "/api/v1/account/team/",
                owner,
                Some(&json!({"email": email, "role": role, "site_ids": site_ids})),
            )
            .await;
        assert_eq!(status, 201, "invite {email}: {body}");
        let token = self.mailed_token(email).await;
        let (status, body) = self
            .post_json("/api/v1/auth/password/reset/confirm/", &json!({"token": token, "new_password": PASSWORD}))
            .await;
        assert_eq!(status, 200, "accept invite: {body}");
        self.login_ok(email, PASSWORD).await
    }

    /// Moves an account to another plan (billing comes later; tests need the limits of bigger plans).
    pub async fn set_plan(&self, account_id: i64, plan_slug: &str) {
        self.execute(&format!(
            "UPDATE accounts SET plan_id = (SELECT id FROM plans WHERE slug = '{plan_slug}') WHERE id = {account_id}"
        ))
        .await;
    }

    /// Registers an owner, adds a site in `home-garden` with three sectors.
    pub async fn tenant(&self, email: &str) -> Tenant {
        let owner = self.register(email).await;
        let (status, site) = self
            .as_user(
                "POST",
                "/api/v1/auth/sites/",
                &owner,
                Some(&json!({"name": format!("Site of {email}"), "industry_slug": "home-garden"})),
            )
            .await;
        assert_eq!(status, 201, "{site}");
        let site_id = site["data"]["id"].as_i64().unwrap();
        let industries = self.get_json("/api/v1/auth/industries/").await.1;
        let slugs: Vec<Value> =
            industries["data"].as_array().unwrap().iter().find(|i| i["slug"] == "home-garden").unwrap()["sectors"]
                .as_array()
                .unwrap()
                .iter()
                .take(3)
                .map(|s| s["slug"].clone())
                .collect();
        let (status, sectors) = self
            .as_user(
                "POST",
                &format!("/api/v1/auth/sites/{site_id}/select_sectors/"),
                &owner,
                Some(&json!({"industry_slug": "home-garden", "sector_slugs": slugs})),
            )
            .await;
        assert_eq!(status, 200, "{sectors}");
        let sector_ids = sectors["data"].as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()).collect();
        Tenant { owner, site_id, sector_ids }
    }
}

pub fn ids(body: &Value) -> Vec<i64> {
    let list = if body["results"].is_array() { &body["results"] } else { &body["data"] };
    list.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

impl TestApp {
    /// Polls a task until it ends (succeeded, failed or cancelled) and returns its final state.
    pub async fn wait_for_task(&self, session: &Session, id: i64) -> Value {
        for _ in 0..600 {
            let (status, task) = self.as_user("GET", &format!("/api/v1/tasks/{id}/"), session, None).await;
            assert_eq!(status, 200, "{task}");
            if matches!(task["data"]["status"].as_str(), Some("succeeded" | "failed" | "cancelled")) {
                return task["data"].clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("task {id} did not finish in 30 s");
    }

    /// Starts an action that answers 202 with a task, and waits for the task to end.
    pub async fn run_action(&self, session: &Session, path: &str, body: &Value) -> Value {
        let (status, started) = self.as_user("POST", path, session, Some(body)).await;
        assert_eq!(status, 202, "{path}: {started}");
        self.wait_for_task(session, started["data"]["id"].as_i64().unwrap()).await
    }
}
