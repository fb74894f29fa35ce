//! The credit ledger: plan pool first, never negative, idempotent charges, reservations, usage, balances.

use std::sync::Arc;

use serde_json::json;
use server::events::Events;
use server::modules::billing::ledger::{self, Charge, Outcome, Usage};

use crate::helpers::{TestApp, assert_error, each_backend, spawn_app};

fn charge(account_id: i64, amount: i64, key: &str) -> Charge {
    Charge {
        account_id,
        amount,
        kind: "deduction",
        idempotency_key: key.into(),
        reference: Some(key.into()),
        description: "test charge".into(),
        usage: Some(Usage {
            site_id: None,
            operation: "auto_cluster".into(),
            model: Some("offline".into()),
            tokens_in: 100,
            tokens_out: 50,
            cost_usd_micros: 1_500,
            related: None,
        }),
    }
}

async fn set_credits(app: &TestApp, account_id: i64, plan: i64, bonus: i64) {
    app.execute(&format!("UPDATE accounts SET credits = {plan}, bonus_credits = {bonus} WHERE id = {account_id}"))
        .await;
}

async fn ledger_sum(app: &TestApp, account_id: i64) -> i64 {
    use db::sea_orm::{ConnectionTrait, Statement};
    let backend = app.db.get_database_backend();
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT) FROM credit_transactions WHERE account_id = {account_id}"
    );
    let row = app.db.query_one_raw(Statement::from_string(backend, sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

#[tokio::test]
async fn plan_pool_first_idempotent_and_reported() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("pay@example.com").await;
        let events = Events::default();
        set_credits(&app, owner.account_id, 150, 0).await;
        let txn = db::begin_write(&app.db).await.unwrap();
        ledger::grant_in(&txn, owner.account_id, "bonus", 50, "purchase", "pack:1", None, "Credit pack").await.unwrap();
        txn.commit().await.unwrap();

        let outcome = ledger::charge(&app.db, &events, &charge(owner.account_id, 170, "job:1:charge")).await.unwrap();
        let Outcome::Charged { after, split, .. } = outcome else { panic!("{outcome:?}") };
        assert_eq!((split.from_plan, split.from_bonus), (150, 20));
        assert_eq!((after.plan, after.bonus), (0, 30));
        let again = ledger::charge(&app.db, &events, &charge(owner.account_id, 170, "job:1:charge")).await.unwrap();
        assert_eq!(again, Outcome::AlreadyCharged, "a retried job is not charged twice");

        let error = ledger::charge(&app.db, &events, &charge(owner.account_id, 31, "job:2:charge")).await.unwrap_err();
        assert!(matches!(error, ledger::LedgerError::Insufficient { required: 31, available: 30 }), "{error:?}");

        let (status, balance) = app.as_user("GET", "/api/v1/billing/credits/balance/", &owner, None).await;
        assert_eq!(status, 200, "{balance}");
        assert_eq!(balance["data"]["credits"], 0);
        assert_eq!(balance["data"]["bonus_credits"], 30);
        assert_eq!(balance["data"]["total"], 30);
        assert_eq!(balance["data"]["used_this_period"], 170);

        let (_, transactions) = app.as_user("GET", "/api/v1/billing/transactions/", &owner, None).await;
        assert_eq!(transactions["count"], 3, "{transactions}");
        let (_, bonus) =
            app.as_user("GET", "/api/v1/billing/transactions/?pool=bonus&ordering=created_at", &owner, None).await;
        let deltas: Vec<i64> =
            bonus["results"].as_array().unwrap().iter().map(|t| t["delta"].as_i64().unwrap()).collect();
        assert_eq!(deltas, [50, -20]);
        assert_eq!(bonus["results"][1]["balance_after"], 30);
        assert_eq!(ledger_sum(&app, owner.account_id).await, 50 - 170);

        let (status, usage) = app.as_user("GET", "/api/v1/billing/usage/", &owner, None).await;
        assert_eq!(status, 200, "{usage}");
        assert_eq!(usage["data"]["total_credits"], 170);
        assert_eq!(usage["data"]["rows"][0]["operation"], "auto_cluster");
        assert_eq!(usage["data"]["rows"][0]["count"], 1);
        assert_eq!(usage["data"]["rows"][0]["tokens_in"], 100);
        assert_eq!(usage["data"]["rows"][0]["cost_usd"], 0.0015);
        let (status, body) = app
            .as_user("GET", "/api/v1/billing/usage/?start=2030-01-01T00:00:00Z&end=2029-01-01T00:00:00Z", &owner, None)
            .await;
        assert_eq!(status, 400, "{body}");
        let (status, body) = app.as_user("GET", "/api/v1/billing/usage/?start=yesterday", &owner, None).await;
        assert_eq!(status, 400);
        assert!(body["errors"]["start"].is_array(), "{body}");

        // Going under a tenth of the plan's credits (15 of 150) leaves a notification, once.
        let (_, notes) = app.as_user("GET", "/api/v1/notifications/?notification_type=low_credits", &owner, None).await;
        assert_eq!(notes["count"], 0, "30 left is not low yet");
        ledger::charge(&app.db, &events, &charge(owner.account_id, 20, "job:3:charge")).await.unwrap();
        ledger::charge(&app.db, &events, &charge(owner.account_id, 1, "job:4:charge")).await.unwrap();
        let (_, notes) = app.as_user("GET", "/api/v1/notifications/?notification_type=low_credits", &owner, None).await;
        assert_eq!(notes["count"], 1, "{notes}");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn a_thousand_concurrent_charges_never_overdraw() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("rush@example.com").await;
        set_credits(&app, owner.account_id, 400, 200).await;
        let db = Arc::new(app.db.clone());
        let events = Events::default();
        // Fifty retries of one job racing each other: one charge.
        let mut retries = Vec::new();
        for _ in 0..50 {
            let (db, events) = (db.clone(), events.clone());
            let account_id = owner.account_id;
            retries.push(tokio::spawn(async move {
                ledger::charge(&db, &events, &charge(account_id, 1, "job:retried:charge")).await
            }));
        }
        let mut repeated = 0;
        for task in retries {
            if task.await.unwrap().unwrap() == Outcome::AlreadyCharged {
                repeated += 1;
            }
        }
        assert_eq!(repeated, 49, "the retried job charged exactly once");
        let mut tasks = Vec::new();
        for i in 0..1000 {
            let (db, events) = (db.clone(), events.clone());
            let account_id = owner.account_id;
            tasks.push(tokio::spawn(async move {
                ledger::charge(&db, &events, &charge(account_id, 1, &format!("job:{i}:charge"))).await
            }));
        }
        let (mut charged, mut refused) = (1, 0);
        for task in tasks {
            match task.await.unwrap() {
                Ok(Outcome::Charged { .. }) => charged += 1,
                Ok(Outcome::AlreadyCharged) => panic!("unique keys never repeat"),
                Err(ledger::LedgerError::Insufficient { .. }) => refused += 1,
                Err(other) => panic!("unexpected error: {other:?}"),
            }
        }
        assert_eq!(charged, 600, "exactly the balance is spent");
        assert_eq!(refused, 401);
        let (_, balance) = app.as_user("GET", "/api/v1/billing/credits/balance/", &owner, None).await;
        assert_eq!(balance["data"]["total"], 0);
        assert_eq!(ledger_sum(&app, owner.account_id).await, -600, "ledger sum equals the balance change");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn reservations_settle_to_actual_use() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("batch@example.com").await;
        set_credits(&app, owner.account_id, 100, 100).await;
        let events = Events::default();
        let mut reserve = charge(owner.account_id, 150, "job:7:reserve");
        reserve.kind = "reservation";
        reserve.usage = None;
        let Outcome::Charged { split, .. } = ledger::charge(&app.db, &events, &reserve).await.unwrap() else {
            panic!()
        };
        assert_eq!((split.from_plan, split.from_bonus), (100, 50));

        let usage = Usage { operation: "generate_content".into(), tokens_in: 10, ..Usage::default() };
        ledger::settle(&app.db, owner.account_id, "job:7", split, 90, Some(usage.clone())).await.unwrap();
        ledger::settle(&app.db, owner.account_id, "job:7", split, 90, Some(usage)).await.unwrap();
        let (_, balance) = app.as_user("GET", "/api/v1/billing/credits/balance/", &owner, None).await;
        // 60 unused: 50 back to bonus (taken last, returned first), 10 to plan — once, despite the retry.
        assert_eq!(balance["data"]["bonus_credits"], 100);
        assert_eq!(balance["data"]["credits"], 10);
        assert_eq!(balance["data"]["used_this_period"], 90);
        let (_, usage) = app.as_user("GET", "/api/v1/billing/usage/", &owner, None).await;
        assert_eq!(usage["data"]["total_credits"], 90);

        // Work that costs more than reserved takes the rest, but never below zero.
        let mut reserve = charge(owner.account_id, 10, "job:8:reserve");
        reserve.usage = None;
        let Outcome::Charged { split, .. } = ledger::charge(&app.db, &events, &reserve).await.unwrap() else {
            panic!()
        };
        ledger::settle(&app.db, owner.account_id, "job:8", split, 1_000, None).await.unwrap();
        let (_, balance) = app.as_user("GET", "/api/v1/billing/credits/balance/", &owner, None).await;
        assert_eq!(balance["data"]["total"], 0);
        assert_eq!(ledger_sum(&app, owner.account_id).await, -200);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn only_platform_staff_adjust_credits() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let customer = app.register("customer@example.com").await;
        let staff = app.register("staff@example.com").await;
        let path = "/api/v1/billing/admin/credits/adjust/";
        let body = json!({"account_id": customer.account_id, "pool": "bonus", "amount": 500, "reason": "goodwill", "idempotency_key": "t-1"});
        let (status, response) = app.as_user("POST", path, &customer, Some(&body)).await;
        assert_eq!((status, assert_error(&response).as_str()), (403, "PERMISSION_DENIED"));

        app.execute(&format!("UPDATE users SET role = 'developer' WHERE id = {}", staff.user_id)).await;
        let (status, response) = app.as_user("POST", path, &staff, Some(&body)).await;
        assert_eq!(status, 200, "{response}");
        assert_eq!(response["data"]["bonus_credits"], 500);
        let (_, response) = app.as_user("POST", path, &staff, Some(&body)).await;
        assert_eq!(response["data"]["bonus_credits"], 500, "same idempotency key, no second grant");

        for (bad, field) in [
            (json!({"account_id": customer.account_id, "pool": "gold", "amount": 1, "reason": "x"}), "pool"),
            (json!({"account_id": customer.account_id, "pool": "plan", "amount": 0, "reason": "x"}), "amount"),
            (json!({"account_id": customer.account_id, "pool": "plan", "amount": 1, "reason": " "}), "reason"),
            (json!({"account_id": 999999, "pool": "plan", "amount": 1, "reason": "x"}), "account_id"),
            (json!({"account_id": customer.account_id, "pool": "bonus", "amount": -501, "reason": "x"}), "amount"),
        ] {
            let (status, response) = app.as_user("POST", path, &staff, Some(&bad)).await;
            assert_eq!(status, 400, "{bad}: {response}");
            assert!(response["errors"][field].is_array(), "{field}: {response}");
        }
        let (_, ledger) = app.as_user("GET", "/api/v1/billing/transactions/?kind=adjustment", &customer, None).await;
        assert_eq!(ledger["count"], 1);
        assert!(ledger["results"][0]["description"].as_str().unwrap().contains("goodwill"));
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn a_burst_beyond_the_balance_is_refused_at_once_and_leaves_no_task() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let owner = app.register("burst@example.com").await;
        // Each connection test reserves 1 credit; no worker runs, so every accepted task keeps its reservation.
        set_credits(&app, owner.account_id, 3, 1).await;
        let requests = (0..9).map(|_| {
            let (app, owner) = (&app, &owner);
            async move { app.as_user("POST", "/api/v1/system/ai/test_connection/", owner, Some(&json!({}))).await }
        });
        let answers = futures_util::future::join_all(requests).await;
        let accepted = answers.iter().filter(|(status, _)| *status == 202).count();
        let refused: Vec<&serde_json::Value> =
            answers.iter().filter(|(status, _)| *status == 402).map(|(_, body)| body).collect();
        assert_eq!(accepted, 4, "as many as the balance covers: {answers:?}");
        for (_, body) in answers.iter().filter(|(status, _)| *status == 202) {
            assert_eq!(body["task_id"], body["data"]["id"], "the 202 names its task where old clients read it: {body}");
        }
        assert_eq!(refused.len(), 5, "the rest are refused at once: {answers:?}");
        for body in &refused {
            assert_eq!(assert_error(body), "INSUFFICIENT_CREDITS");
            assert_eq!(body["available"], 0, "{body}");
        }
        let (_, tasks) = app.as_user("GET", "/api/v1/tasks/?page_size=50", &owner, None).await;
        assert_eq!(tasks["count"], 4, "no task for a refused request: {tasks}");
        // The balance itself is untouched until the work is done and charged.
        let (_, balance) = app.as_user("GET", "/api/v1/billing/credits/balance/", &owner, None).await;
        assert_eq!(balance["data"]["total"], 4);
        assert_eq!(balance["data"]["reserved"], 4, "what the open tasks hold is shown: {balance}");
        // A task that ends releases what it held.
        let first = tasks["results"][0]["id"].as_i64().unwrap();
        let (status, _) = app.as_user("POST", &format!("/api/v1/tasks/{first}/cancel/"), &owner, None).await;
        assert_eq!(status, 200);
        let (status, body) = app.as_user("POST", "/api/v1/system/ai/test_connection/", &owner, Some(&json!({}))).await;
        assert_eq!(status, 202, "{body}");
        app.cleanup().await;
    })
    .await;
}
