//! Pagination, ordering, search, filters and filter options, through the shared list helpers.

use crate::helpers::{Backend, Options, TestApp, assert_error, each_backend, spawn_app_with};
use crate::widgets;

async fn app_with_rows(backend: Backend) -> TestApp {
    let app = spawn_app_with(backend, Options { extra: Some(widgets::router()), ..Options::default() }).await;
    widgets::create_table(&app.db).await;
    for i in 0..30_i64 {
        let status = widgets::STATUSES[(i % 3) as usize];
        widgets::insert(&app.db, &format!("item {i:02}"), status, i * 10, i % 2 == 0).await;
    }
    widgets::insert(&app.db, "Red Ball", "new", 5, true).await;
    widgets::insert(&app.db, "red car", "mapped", 500, false).await;
    widgets::insert(&app.db, "50% off_sale", "archived", 7, true).await;
    app
}

fn names(body: &serde_json::Value) -> Vec<String> {
    body["results"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn pages_have_count_and_links() {
    each_backend(|backend| async move {
        let app = app_with_rows(backend).await;
        let (status, body) = app.get_json("/api/v1/test/widgets/").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["success"], true);
        assert_eq!(body["count"], 33);
        assert_eq!(body["results"].as_array().unwrap().len(), 25);
        assert!(body["previous"].is_null());
        assert_eq!(body["next"], "/api/v1/test/widgets?page=2");
        assert!(body["request_id"].as_str().is_some());

        let (_, body) = app.get_json("/api/v1/test/widgets?page=2&page_size=10&status=new").await;
        assert_eq!(body["count"], 11);
        assert_eq!(body["results"].as_array().unwrap().len(), 1);
        assert!(body["next"].is_null());
        assert_eq!(body["previous"], "/api/v1/test/widgets?page_size=10&status=new&page=1");

        let (status, body) = app.get_json("/api/v1/test/widgets?page=9").await;
        assert_eq!(status, 200);
        assert_eq!(body["results"].as_array().unwrap().len(), 0);
        assert_eq!(body["previous"], "/api/v1/test/widgets?page=2", "previous points at the last page");

        let (status, body) = app.get_json("/api/v1/test/widgets?page_size=201").await;
        assert_eq!(status, 400);
        assert_eq!(assert_error(&body), "VALIDATION_ERROR");
        assert!(body["errors"]["page_size"].is_array(), "{body}");
        let (status, _) = app.get_json("/api/v1/test/widgets?page_size=200").await;
        assert_eq!(status, 200);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn ordering_follows_the_allow_list() {
    each_backend(|backend| async move {
        let app = app_with_rows(backend).await;
        let (_, body) = app.get_json("/api/v1/test/widgets?ordering=-size&page_size=3").await;
        assert_eq!(names(&body), ["red car", "item 29", "item 28"]);

        let (_, body) = app.get_json("/api/v1/test/widgets?ordering=size&page_size=3").await;
        assert_eq!(names(&body), ["item 00", "Red Ball", "50% off_sale"]);

        let (status, body) = app.get_json("/api/v1/test/widgets?ordering=-secret_column").await;
        assert_eq!(status, 400);
        let message = body["errors"]["ordering"][0].as_str().unwrap();
        assert!(message.contains("secret_column") && message.contains("size"), "{body}");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn search_is_case_insensitive_and_literal() {
    each_backend(|backend| async move {
        let app = app_with_rows(backend).await;
        let (_, body) = app.get_json("/api/v1/test/widgets?search=RED").await;
        assert_eq!(names(&body), ["Red Ball", "red car"]);

        let (_, body) = app.get_json("/api/v1/test/widgets?search=50%25").await;
        assert_eq!(names(&body), ["50% off_sale"], "% is matched literally");
        let (_, body) = app.get_json("/api/v1/test/widgets?search=f_s").await;
        assert_eq!(names(&body), ["50% off_sale"], "_ is matched literally");
        let (_, body) = app.get_json("/api/v1/test/widgets?search=zzz").await;
        assert_eq!(body["count"], 0);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn typed_filters_and_ranges() {
    each_backend(|backend| async move {
        let app = app_with_rows(backend).await;
        let count = |body: &serde_json::Value| body["count"].as_u64().unwrap();

        let (_, body) = app.get_json("/api/v1/test/widgets?status=mapped").await;
        assert_eq!(count(&body), 11);
        let (_, body) = app.get_json("/api/v1/test/widgets?status=mapped,archived").await;
        assert_eq!(count(&body), 22);
        let (_, body) = app.get_json("/api/v1/test/widgets?size_min=100&size_max=200").await;
        assert_eq!(count(&body), 11);
        let (_, body) = app.get_json("/api/v1/test/widgets?active=false&status=new").await;
        assert_eq!(count(&body), 5);
        let (_, body) = app.get_json("/api/v1/test/widgets?created_at_min=2000-01-01&created_at_max=2999-12-31").await;
        assert_eq!(count(&body), 33);
        let (_, body) = app.get_json("/api/v1/test/widgets?created_at_max=2000-01-01").await;
        assert_eq!(count(&body), 0);

        for (query, field) in [
            ("size_min=ten", "size_min"),
            ("status=unknown", "status"),
            ("active=maybe", "active"),
            ("created_at_min=yesterday", "created_at_min"),
        ] {
            let (status, body) = app.get_json(&format!("/api/v1/test/widgets?{query}")).await;
            assert_eq!(status, 400, "{query}");
            assert!(body["errors"][field].is_array(), "{query}: {body}");
        }
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn filter_options_respect_the_other_filters() {
    each_backend(|backend| async move {
        let app = app_with_rows(backend).await;
        let (status, body) = app.get_json("/api/v1/test/widgets/filter_options?size_max=10").await;
        assert_eq!(status, 200, "{body}");
        // Rows with size ≤ 10: item 00 (new), item 01 (mapped), Red Ball (new), 50% off_sale (archived).
        assert_eq!(body["data"]["status"], serde_json::json!(["archived", "mapped", "new"]));
        // The size filter itself is left out when listing sizes: all distinct sizes remain.
        assert_eq!(body["data"]["size"].as_array().unwrap().len(), 33);

        let (_, body) = app.get_json("/api/v1/test/widgets/filter_options?status=archived&search=item").await;
        assert_eq!(body["data"]["size"].as_array().unwrap().len(), 10);
        assert_eq!(body["data"]["status"], serde_json::json!(["archived", "mapped", "new"]));
        app.cleanup().await;
    })
    .await;
}
