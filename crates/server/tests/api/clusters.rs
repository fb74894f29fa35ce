//! Clustering end to end: keywords → `auto_cluster` task → clusters with figures, with the Offline provider (the
//! local engine names the groups) and with a mock OpenAI-compatible model (names and checks them), including
//! unreadable replies that save nothing.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::ai::{app, balance, chat_reply};
use crate::fixtures::Tenant;
use crate::helpers::{TestApp, assert_error, each_backend};

const KEYWORDS: &[(&str, i64)] = &[
    ("raised garden beds", 9000),
    ("raised garden bed kits", 2400),
    ("cedar raised garden beds", 880),
    ("how to build raised garden beds", 1300),
    ("compost bin", 6600),
    ("compost bins for kitchen", 1900),
    ("best compost bin", 1000),
    ("rotating compost bin", 720),
    ("drip irrigation kit", 3600),
    ("drip irrigation system", 4400),
    ("garden drip irrigation", 1000),
    ("drip irrigation for raised beds", 390),
];

pub(crate) async fn seed(app: &TestApp, t: &Tenant) -> i64 {
    let sector = t.sector_ids[0];
    let csv: String = std::iter::once("keyword,volume\n".to_owned())
        .chain(KEYWORDS.iter().map(|(k, v)| format!("{k},{v}\n")))
        .collect();
    let response = app
        .client
        .post(app.url(&format!("/api/v1/planner/keywords/import_keywords/?site_id={}&sector_id={sector}", t.site_id)))
        .bearer_auth(&t.owner.access)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    sector
}

async fn clusters(app: &TestApp, t: &Tenant) -> Vec<Value> {
    let (_, list) = app.as_user("GET", "/api/v1/planner/clusters/?ordering=name", &t.owner, None).await;
    assert!(list["results"].is_array(), "{list}");
    list["results"].as_array().unwrap().clone()
}

async fn keyword_rows(app: &TestApp, t: &Tenant) -> Vec<Value> {
    let (_, list) = app.as_user("GET", "/api/v1/planner/keywords/?page_size=200", &t.owner, None).await;
    list["results"].as_array().unwrap().clone()
}

#[tokio::test]
async fn offline_clustering_groups_maps_and_charges_once() {
    each_backend(|backend| async move {
        let app = app(backend, None).await;
        let t = app.tenant("cluster-offline@example.com").await;
        let sector = seed(&app, &t).await;
        let before = balance(&app, &t.owner).await;
        let task =
            app.run_action(&t.owner, "/api/v1/planner/keywords/auto_cluster/", &json!({"sector_id": sector})).await;
        assert_eq!(task["status"], "succeeded", "{task}");
        assert_eq!(task["result"]["offline"], true);
        let found = clusters(&app, &t).await;
        let names: Vec<&str> = found.iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Compost Bin", "Drip Irrigation System", "Raised Garden Beds"], "{found:#?}");
        assert!(found.iter().all(|c| c["description"].as_str().unwrap().starts_with("Offline draft")));
        let compost = found.iter().find(|c| c["name"] == "Compost Bin").unwrap();
        assert_eq!(
            (compost["keywords_count"].as_i64(), compost["volume"].as_i64()),
            (Some(4), Some(6600 + 1900 + 1000 + 720))
        );
        assert_eq!(compost["ideas_count"], 0);
        let (_, by_volume) = app.as_user("GET", "/api/v1/planner/clusters/?ordering=-volume", &t.owner, None).await;
        let volumes: Vec<i64> =
            by_volume["results"].as_array().unwrap().iter().map(|c| c["volume"].as_i64().unwrap()).collect();
        assert!(
            volumes.windows(2).all(|w| w[0] >= w[1]) && volumes.len() == 3,
            "ordered by the computed volume: {volumes:?}"
        );
        let (_, by_count) =
            app.as_user("GET", "/api/v1/planner/clusters/?ordering=keywords_count", &t.owner, None).await;
        let counts: Vec<i64> =
            by_count["results"].as_array().unwrap().iter().map(|c| c["keywords_count"].as_i64().unwrap()).collect();
        assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
        let rows = keyword_rows(&app, &t).await;
        let mapped: i64 = found.iter().map(|c| c["keywords_count"].as_i64().unwrap()).sum();
        assert_eq!(mapped, task["result"]["keywords_mapped"].as_i64().unwrap());
        assert!(mapped >= 11, "{task}");
        for row in &rows {
            assert_eq!(row["status"] == "mapped", row["cluster_id"].is_i64(), "{row}");
        }
        assert_eq!(balance(&app, &t.owner).await, before - 2, "the minimum charge, once");
        assert_eq!(task["cost_credits"], 2);

        // Nothing new left: a second run is refused before queueing.
        let (status, body) = app
            .as_user("POST", "/api/v1/planner/keywords/auto_cluster/", &t.owner, Some(&json!({"sector_id": sector})))
            .await;
        assert_eq!((status, body["errors"]["ids"].is_array()), (400, true), "{body}");
        let (status, body) = app
            .as_user("POST", "/api/v1/planner/keywords/auto_cluster/", &t.owner, Some(&json!({"sector_id": 999_999})))
            .await;
        assert_eq!((status, body["errors"]["sector_id"].is_array()), (400, true));
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/planner/keywords/auto_cluster/",
                &t.owner,
                Some(&json!({"sector_id": t.sector_ids[1], "ids": [rows[0]["id"], rows[1]["id"]]})),
            )
            .await;
        assert_eq!((status, body["errors"]["ids"].is_array()), (400, true), "ids of another sector: {body}");

        // Cluster CRUD: names unique per sector whatever the case; delete frees the keywords.
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/planner/clusters/",
                &t.owner,
                Some(&json!({"site_id": t.site_id, "sector_id": sector, "name": "compost  BIN"})),
            )
            .await;
        assert_eq!((status, body["errors"]["name"].is_array()), (409, true), "{body}");
        let id = compost["id"].as_i64().unwrap();
        let (status, body) = app
            .as_user(
                "PATCH",
                &format!("/api/v1/planner/clusters/{id}/"),
                &t.owner,
                Some(&json!({"name": "Composting"})),
            )
            .await;
        assert_eq!((status, body["data"]["name"].as_str()), (200, Some("Composting")));
        let (status, _) = app.as_user("DELETE", &format!("/api/v1/planner/clusters/{id}/"), &t.owner, None).await;
        assert_eq!(status, 204);
        let (_, free) = app.as_user("GET", "/api/v1/planner/keywords/?status=new", &t.owner, None).await;
        assert_eq!(free["count"].as_i64().unwrap(), 12 - mapped + 4);
        app.cleanup().await;
    })
    .await;
}

fn reply(clusters: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(chat_reply(&json!({"clusters": clusters}).to_string()))
}

#[tokio::test]
async fn a_model_names_the_groups_and_bad_replies_save_nothing() {
    each_backend(|backend| async move {
        let mock = MockServer::start().await;
        // First request: unreadable twice (the task fails, nothing saved). Then a good reply with spacing and case
        // differences, a keyword the model made up, and a keyword claimed twice.
        Mock::given(method("POST")).and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(chat_reply("I think these are nice keywords.")))
            .up_to_n_times(2)
            .mount(&mock)
            .await;
        Mock::given(method("POST")).and(path("/chat/completions"))
            .respond_with(reply(json!([
                {"name": "Raised Beds", "description": "Building and buying raised beds", "keywords": ["Raised Garden Beds", "raised  garden bed kits", "cedar raised garden beds", "how to build raised garden beds", "magic beans"]},
                {"name": "Composting at home", "description": "Bins", "keywords": ["COMPOST BIN", "compost bins for kitchen", "best compost bin", "rotating compost bin", "raised garden beds"]},
                {"name": "Watering", "keywords": ["drip irrigation kit", "drip irrigation system", "garden drip irrigation", "drip irrigation for raised beds"]}
            ])))
            .mount(&mock)
            .await;
        let app = app(backend, Some(mock.uri())).await;
        let t = app.tenant("cluster-model@example.com").await;
        let sector = seed(&app, &t).await;
        let before = balance(&app, &t.owner).await;

        let failed = app.run_action(&t.owner, "/api/v1/planner/keywords/auto_cluster/", &json!({"sector_id": sector})).await;
        assert_eq!((failed["status"].as_str(), failed["error_code"].as_str()), (Some("failed"), Some("PARSE_ERROR")), "{failed}");
        assert!(clusters(&app, &t).await.is_empty(), "nothing saved");
        assert!(keyword_rows(&app, &t).await.iter().all(|k| k["status"] == "new"));
        assert_eq!(balance(&app, &t.owner).await, before, "nothing charged");

        let task = app.run_action(&t.owner, "/api/v1/planner/keywords/auto_cluster/", &json!({"sector_id": sector})).await;
        assert_eq!(task["status"], "succeeded", "{task}");
        assert_eq!(task["result"]["unknown_keywords"], json!(["magic beans"]));
        assert_eq!(task["result"]["keywords_mapped"], 12);
        let found = clusters(&app, &t).await;
        let summary: Vec<(&str, i64)> = found.iter().map(|c| (c["name"].as_str().unwrap(), c["keywords_count"].as_i64().unwrap())).collect();
        assert_eq!(summary, [("Composting at home", 4), ("Raised Beds", 4), ("Watering", 4)], "each keyword once: {found:#?}");
        // 1,500 tokens per call at 1,000 per credit: 2 credits (the minimum is 2 as well).
        assert_eq!(balance(&app, &t.owner).await, before - 2);
        let requests = mock.received_requests().await.unwrap();
        let sent: Value = serde_json::from_slice(&requests.last().unwrap().body).unwrap();
        let prompt = sent["messages"].as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap_or_default()).collect::<String>();
        assert!(prompt.contains("drip irrigation kit | volume 3600"), "the keywords with their figures: {prompt}");
        assert!(!prompt.contains("{keywords}"), "placeholders filled");

        // The account's own prompt is used.
        let (status, _) = app
            .as_user("PUT", "/api/v1/system/prompts/clustering/", &t.owner, Some(&json!({"prompt_value": "OUR HOUSE STYLE. Cluster: {keywords}"})))
            .await;
        assert_eq!(status, 200);
        let (status, body) = app.as_user("POST", "/api/v1/planner/keywords/auto_cluster/", &t.owner, Some(&json!({"sector_id": sector}))).await;
        assert_eq!((status, assert_error(&body).as_str()), (400, "VALIDATION_ERROR"), "all mapped now");
        let (_, list) = app.as_user("GET", "/api/v1/planner/keywords/?page_size=3", &t.owner, None).await;
        let ids: Vec<i64> = list["results"].as_array().unwrap().iter().map(|k| k["id"].as_i64().unwrap()).collect();
        let again = app.run_action(&t.owner, "/api/v1/planner/keywords/auto_cluster/", &json!({"sector_id": sector, "ids": ids})).await;
        assert_eq!(again["status"], "succeeded", "{again}");
        let requests = mock.received_requests().await.unwrap();
        let sent: Value = serde_json::from_slice(&requests.last().unwrap().body).unwrap();
        assert!(sent.to_string().contains("OUR HOUSE STYLE"));
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn a_reply_with_nothing_usable_fails_with_its_reason_and_charges_nothing() {
    each_backend(|backend| async move {
        let mock = MockServer::start().await;
        // Every cluster names only keywords that are not in the list: nothing can be saved.
        Mock::given(method("POST"))
            .and(path("/chat/completions"))
            .respond_with(reply(json!([
                {"name": "Garden Planning", "keywords": ["mulch calculator", "garden planner app"]},
                {"name": "Soil", "keywords": ["best potting soil"]}
            ])))
            .mount(&mock)
            .await;
        let app = app(backend, Some(mock.uri())).await;
        let t = app.tenant("cluster-nothing@example.com").await;
        let sector = seed(&app, &t).await;
        let before = balance(&app, &t.owner).await;
        let task =
            app.run_action(&t.owner, "/api/v1/planner/keywords/auto_cluster/", &json!({"sector_id": sector})).await;
        assert_eq!(
            (task["status"].as_str(), task["error_code"].as_str()),
            (Some("failed"), Some("PARSE_ERROR")),
            "{task}"
        );
        let error = task["error"].as_str().unwrap();
        assert!(
            error.contains("“mulch calculator”") && error.contains("none of its clusters"),
            "the reason names the problem: {error}"
        );
        let requests = mock.received_requests().await.unwrap();
        assert_eq!(requests.len(), 2, "one repair request");
        let repair: Value = serde_json::from_slice(&requests[1].body).unwrap();
        assert!(repair.to_string().contains("mulch calculator"), "the repair request says what was wrong");
        assert!(clusters(&app, &t).await.is_empty(), "nothing saved");
        assert!(keyword_rows(&app, &t).await.iter().all(|k| k["status"] == "new"));
        assert_eq!(balance(&app, &t.owner).await, before, "nothing charged");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn rate_limits_are_waited_out_and_timeouts_fail_with_the_reason() {
    each_backend(|backend| async move {
        let mock = MockServer::start().await;
        let good = json!({"clusters": [{"name": "Beds", "keywords": ["raised garden beds", "raised garden bed kits", "cedar raised garden beds"]}]});
        Mock::given(method("POST")).and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1").set_body_json(json!({"error": {"message": "slow down"}})))
            .up_to_n_times(1).mount(&mock).await;
        Mock::given(method("POST")).and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(chat_reply(&good.to_string())))
            .up_to_n_times(1).mount(&mock).await;
        // Then a provider that never answers in time.
        Mock::given(method("POST")).and(path("/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(5)).set_body_json(chat_reply(&good.to_string())))
            .mount(&mock).await;
        let uri = mock.uri();
        let options = crate::helpers::Options {
            configure: Box::new(move |c| {
                c.ai_provider = server::config::AiProvider::Openai;
                c.ai_base_url = uri;
                c.ai_api_key = server::config::Secret::new("sk-test-key");
                c.ai_model = "gpt-test".into();
                c.ai_timeout_secs = 1;
                c.job_max_attempts = 2;
                c.job_retry_base_ms = 50;
            }),
            worker: true,
            ..crate::helpers::Options::default()
        };
        let app = crate::helpers::spawn_app_with(backend, options).await;
        let t = app.tenant("cluster-429@example.com").await;
        let sector = seed(&app, &t).await;
        let (_, list) = app.as_user("GET", "/api/v1/planner/keywords/?ordering=keyword&page_size=3", &t.owner, None).await;
        let ids: Vec<i64> = list["results"].as_array().unwrap().iter().map(|k| k["id"].as_i64().unwrap()).collect();
        let task = app.run_action(&t.owner, "/api/v1/planner/keywords/auto_cluster/", &json!({"sector_id": sector, "ids": ids})).await;
        assert_eq!(task["status"], "succeeded", "the 429 was waited out: {task}");
        let before = balance(&app, &t.owner).await;
        let rest: Vec<i64> = keyword_rows(&app, &t).await.iter().filter(|k| k["status"] == "new").map(|k| k["id"].as_i64().unwrap()).collect();
        let task = app.run_action(&t.owner, "/api/v1/planner/keywords/auto_cluster/", &json!({"sector_id": sector, "ids": rest})).await;
        assert_eq!(task["status"], "failed", "{task}");
        assert!(task["error"].as_str().unwrap().contains("did not answer within 1.0 s"), "the reason names the timeout: {task}");
        assert_eq!(task["error_code"], "RETRIES_EXHAUSTED");
        assert_eq!(task["attempts"], 2, "retried once with backoff: {task}");
        assert_eq!(balance(&app, &t.owner).await, before, "nothing charged");
        assert_eq!(clusters(&app, &t).await.len(), 1, "nothing saved by the failed run");
        app.cleanup().await;
    })
    .await;
}

/// An embeddings endpoint that places texts by topic words, so only semantics can group "minoxidil" with hair loss.
struct TopicEmbeddings;

impl wiremock::Respond for TopicEmbeddings {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let data: Vec<Value> = body["input"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let t = text.as_str().unwrap();
                let v = if ["hair", "minoxidil", "rogaine", "bald"].iter().any(|w| t.contains(w)) {
                    [1.0, 0.05, 0.0]
                } else if ["bread", "sourdough", "flour", "yeast"].iter().any(|w| t.contains(w)) {
                    [0.0, 1.0, 0.05]
                } else {
                    [0.05, 0.0, 1.0]
                };
                json!({"object": "embedding", "index": i, "embedding": v})
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"object": "list", "data": data, "model": "embed-test",
            "usage": {"prompt_tokens": 40, "total_tokens": 40}}))
    }
}

#[tokio::test]
async fn an_embedding_model_groups_by_meaning_and_is_cached() {
    each_backend(|backend| async move {
        let mock = MockServer::start().await;
        Mock::given(method("POST")).and(path("/embeddings")).respond_with(TopicEmbeddings).mount(&mock).await;
        let app = app(backend, None).await;
        let t = app.tenant("cluster-embed@example.com").await;
        let staff = app.register("cluster-embed-staff@example.com").await;
        app.execute(&format!("UPDATE users SET role = 'developer' WHERE id = {}", staff.user_id)).await;
        let (_, provider) = app
            .as_user("POST", "/api/v1/system/admin/ai/providers/", &staff, Some(&json!({"slug": "embed-mock", "kind": "openai", "base_url": mock.uri(), "api_key": "sk-e"})))
            .await;
        let (status, model) = app
            .as_user("POST", "/api/v1/system/admin/ai/models/", &staff, Some(&json!({"provider_id": provider["data"]["id"], "model_id": "embed-test", "model_type": "embedding", "is_default": true})))
            .await;
        assert_eq!(status, 201, "{model}");
        let sector = t.sector_ids[0];
        let words = ["minoxidil", "rogaine for men", "hair loss treatment", "hair loss shampoo", "sourdough starter", "sourdough bread recipe", "bread flour", "instant yeast"];
        for w in words {
            let body = json!({"site_id": t.site_id, "sector_id": sector, "keyword": w, "volume": 100});
            assert_eq!(app.as_user("POST", "/api/v1/planner/keywords/", &t.owner, Some(&body)).await.0, 201);
        }
        let task = app.run_action(&t.owner, "/api/v1/planner/keywords/auto_cluster/", &json!({"sector_id": sector})).await;
        assert_eq!(task["status"], "succeeded", "{task}");
        assert_eq!((task["result"]["embeddings"]["model"].as_str(), task["result"]["embeddings"]["cached"].as_i64()), (Some("embed-test"), Some(0)));
        let rows = keyword_rows(&app, &t).await;
        let cluster_of = |k: &str| rows.iter().find(|r| r["keyword"] == k).unwrap()["cluster_id"].clone();
        assert!(cluster_of("minoxidil").is_i64(), "{rows:#?}");
        assert_eq!(cluster_of("minoxidil"), cluster_of("hair loss treatment"), "grouped by meaning");
        assert_eq!(cluster_of("instant yeast"), cluster_of("sourdough starter"));
        assert_ne!(cluster_of("minoxidil"), cluster_of("bread flour"));
        let calls = mock.received_requests().await.unwrap().len();

        // Clustering the same keywords again uses the cache: no new embedding request.
        let ids: Vec<i64> = rows.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        let again = app.run_action(&t.owner, "/api/v1/planner/keywords/auto_cluster/", &json!({"sector_id": sector, "ids": ids})).await;
        assert_eq!(again["status"], "succeeded", "{again}");
        assert_eq!(again["result"]["embeddings"]["cached"], 8);
        assert_eq!(mock.received_requests().await.unwrap().len(), calls, "served from the cache");
        app.cleanup().await;
    })
    .await;
}

/// Look-alike intents that share a head term come out as separate clusters, the smaller under the larger as its
/// pillar (`parent_id`); deleting the pillar leaves its children standing on their own.
#[tokio::test]
async fn related_intents_sit_under_a_pillar() {
    each_backend(|backend| async move {
        let app = app(backend, None).await;
        let t = app.tenant("cluster-pillar@example.com").await;
        let sector = t.sector_ids[0];
        let keywords = [
            ("mortgage rates", 90_000),
            ("current mortgage rates", 40_000),
            ("mortgage rates today", 30_000),
            ("best mortgage rates", 10_000),
            ("mortgage interest rates", 9_000),
            ("mortgage calculator", 80_000),
            ("mortgage payment calculator", 30_000),
            ("mortgage calculator with taxes", 8_000),
            ("free mortgage calculator", 5_000),
            ("solar panels", 50_000),
            ("solar panel installation", 8_000),
            ("solar panels for home", 6_000),
            ("how to tie a tie", 700),
        ];
        for (keyword, volume) in keywords {
            let body = json!({"site_id": t.site_id, "sector_id": sector, "keyword": keyword, "volume": volume});
            assert_eq!(app.as_user("POST", "/api/v1/planner/keywords/", &t.owner, Some(&body)).await.0, 201);
        }
        let task =
            app.run_action(&t.owner, "/api/v1/planner/keywords/auto_cluster/", &json!({"sector_id": sector})).await;
        assert_eq!(task["status"], "succeeded", "{task}");
        let found = clusters(&app, &t).await;
        let by_name = |name: &str| found.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{found:#?}"));
        let (rates, calculator) = (by_name("Mortgage Rates"), by_name("Mortgage Calculator"));
        let solar = by_name("Solar Panels");
        assert_eq!((rates["keywords_count"].as_i64(), calculator["keywords_count"].as_i64()), (Some(5), Some(4)));
        assert_eq!(rates["parent_id"], Value::Null, "the pillar: {found:#?}");
        assert_eq!(calculator["parent_id"], rates["id"], "a related intent, under it: {found:#?}");
        assert_eq!(solar["parent_id"], Value::Null, "unrelated: on its own");
        assert_eq!(task["result"]["clusters_under_pillars"], 1, "{task}");
        assert_eq!(task["result"]["unclustered_keywords"], json!(["how to tie a tie"]), "listed: {task}");

        let pillar = rates["id"].as_i64().unwrap();
        let (status, _) = app.as_user("DELETE", &format!("/api/v1/planner/clusters/{pillar}/"), &t.owner, None).await;
        assert_eq!(status, 204);
        let (_, child) =
            app.as_user("GET", &format!("/api/v1/planner/clusters/{}/", calculator["id"]), &t.owner, None).await;
        assert_eq!(child["data"]["parent_id"], Value::Null, "{child}");
        app.cleanup().await;
    })
    .await;
}
