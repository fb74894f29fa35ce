//! Planner keywords: CRUD with soft delete, bulk actions, CSV import (multipart and raw, all or nothing, with
//! line-numbered errors and a preview), export, and the plan's keyword limit.

use serde_json::{Value, json};

use crate::fixtures::{Tenant, ids};
use crate::helpers::{TestApp, assert_error, each_backend, spawn_app};

const LIST: &str = "/api/v1/planner/keywords/";

async fn add(app: &TestApp, t: &Tenant, sector: i64, keyword: &str, volume: i64) -> (u16, Value) {
    let body = json!({"site_id": t.site_id, "sector_id": sector, "keyword": keyword, "volume": volume});
    app.as_user("POST", LIST, &t.owner, Some(&body)).await
}

fn keywords_of(list: &Value) -> Vec<String> {
    list["results"].as_array().unwrap().iter().map(|k| k["keyword"].as_str().unwrap().to_owned()).collect()
}

async fn import_raw(app: &TestApp, t: &Tenant, sector: i64, csv: &str, extra: &str) -> (u16, Value) {
    let response =
        app.client
            .post(app.url(&format!(
                "/api/v1/planner/keywords/import_keywords/?site_id={}&sector_id={sector}{extra}",
                t.site_id
            )))
            .bearer_auth(&t.owner.access)
            .header("content-type", "text/csv")
            .body(csv.to_owned())
            .send()
            .await
            .unwrap();
    crate::helpers::json_of(response).await
}

#[tokio::test]
async fn keywords_crud_with_soft_delete() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let t = app.tenant("kw-owner@example.com").await;
        let viewer = app.add_member(&t.owner, "kw-viewer@example.com", "viewer", &[t.site_id]).await;
        let sector = t.sector_ids[0];
        let (status, created) = add(&app, &t, sector, "  Running   Shoes ", 1200).await;
        assert_eq!(status, 201, "{created}");
        let id = created["data"]["id"].as_i64().unwrap();
        assert_eq!(created["data"]["keyword"], "Running Shoes");
        assert_eq!(
            (created["data"]["status"].as_str(), created["data"]["intent"].as_str()),
            (Some("new"), Some("informational"))
        );
        let (status, body) = add(&app, &t, sector, "running shoes", 5).await;
        assert_eq!((status, body["errors"]["keyword"].is_array()), (409, true), "{body}");
        let (status, _) = add(&app, &t, t.sector_ids[1], "running shoes", 5).await;
        assert_eq!(status, 201, "another sector may have it");
        for (bad, field) in [
            (json!({"site_id": t.site_id, "sector_id": sector, "keyword": "  "}), "keyword"),
            (json!({"site_id": t.site_id, "sector_id": sector, "keyword": "x", "difficulty": 101}), "difficulty"),
            (json!({"site_id": t.site_id, "sector_id": sector, "keyword": "x", "intent": "curious"}), "intent"),
            (json!({"site_id": t.site_id, "sector_id": 999_999, "keyword": "x"}), "sector_id"),
        ] {
            let (status, body) = app.as_user("POST", LIST, &t.owner, Some(&bad)).await;
            assert_eq!(status, 400, "{bad}: {body}");
            assert!(body["errors"][field].is_array(), "{field}: {body}");
        }
        let (status, body) = app
            .as_user("POST", LIST, &viewer, Some(&json!({"site_id": t.site_id, "sector_id": sector, "keyword": "v"})))
            .await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PERMISSION_DENIED"));

        add(&app, &t, sector, "trail shoes", 300).await;
        add(&app, &t, sector, "shoe laces", 5000).await;
        let (_, list) = app.as_user("GET", &format!("{LIST}?sector_id={sector}"), &t.owner, None).await;
        assert_eq!(keywords_of(&list), ["shoe laces", "Running Shoes", "trail shoes"], "default order: volume desc");
        let (_, list) = app
            .as_user(
                "GET",
                &format!("{LIST}?sector_id={sector}&search=SHOE&volume_min=1000&ordering=keyword"),
                &t.owner,
                None,
            )
            .await;
        assert_eq!(keywords_of(&list), ["Running Shoes", "shoe laces"]);

        // Overrides change the effective values; clearing goes back to the base.
        let path = format!("{LIST}{id}/");
        let (status, body) = app
            .as_user(
                "PATCH",
                &path,
                &t.owner,
                Some(&json!({"volume_override": 9, "difficulty_override": 70, "intent": "Commercial"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (body["data"]["volume"].as_i64(), body["data"]["difficulty"].as_i64(), body["data"]["intent"].as_str()),
            (Some(9), Some(70), Some("commercial"))
        );
        let (_, body) = app.as_user("PATCH", &path, &t.owner, Some(&json!({"volume_override": null}))).await;
        assert_eq!((body["data"]["volume"].as_i64(), body["data"]["volume_override"].as_i64()), (Some(1200), None));
        let (status, body) = app.as_user("PATCH", &path, &t.owner, Some(&json!({"cluster_id": 999_999}))).await;
        assert_eq!((status, body["errors"]["cluster_id"].is_array()), (400, true));

        // Soft delete hides it; adding it again restores the same row.
        let (status, _) = app.as_user("DELETE", &path, &t.owner, None).await;
        assert_eq!(status, 204);
        let (status, _) = app.as_user("GET", &path, &t.owner, None).await;
        assert_eq!(status, 404);
        let (_, list) = app.as_user("GET", &format!("{LIST}?sector_id={sector}"), &t.owner, None).await;
        assert_eq!(list["count"], 2);
        let (status, again) = add(&app, &t, sector, "running shoes", 77).await;
        assert_eq!(status, 201, "{again}");
        assert_eq!((again["data"]["id"].as_i64(), again["data"]["volume"].as_i64()), (Some(id), Some(77)));
        // The sector's stored count (used when nothing but the sector filters the list) follows every change.
        let (_, list) = app.as_user("GET", &format!("{LIST}?sector_id={sector}"), &t.owner, None).await;
        assert_eq!((list["count"].as_i64(), list["results"].as_array().map(Vec::len)), (Some(3), Some(3)));
        let (_, list) =
            app.as_user("GET", &format!("{LIST}?sector_id={sector}&intent=informational"), &t.owner, None).await;
        assert_eq!(list["count"], 3, "a filtered count is counted");
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn bulk_actions_touch_only_the_callers_keywords() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let t = app.tenant("bulk-owner@example.com").await;
        let other = app.tenant("bulk-other@example.com").await;
        let mut mine = Vec::new();
        for word in ["a one", "b two", "c three"] {
            mine.push(add(&app, &t, t.sector_ids[0], word, 1).await.1["data"]["id"].as_i64().unwrap());
        }
        let theirs = add(&app, &other, other.sector_ids[0], "theirs", 1).await.1["data"]["id"].as_i64().unwrap();
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/planner/keywords/bulk_update/",
                &t.owner,
                Some(&json!({"ids": [mine[0], mine[1], theirs], "intent": "transactional"})),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["count"], 2, "the other account's id is ignored");
        let (_, theirs_now) = app.as_user("GET", &format!("{LIST}{theirs}/"), &other.owner, None).await;
        assert_eq!(theirs_now["data"]["intent"], "informational");
        let (status, body) =
            app.as_user("POST", "/api/v1/planner/keywords/bulk_update/", &t.owner, Some(&json!({"ids": mine}))).await;
        assert_eq!(status, 400, "{body}");
        let (status, body) = app
            .as_user(
                "POST",
                "/api/v1/planner/keywords/bulk_delete/",
                &t.owner,
                Some(&json!({"ids": [mine[2], theirs]})),
            )
            .await;
        assert_eq!((status, body["data"]["count"].as_i64()), (200, Some(1)));
        let (_, list) = app.as_user("GET", LIST, &t.owner, None).await;
        assert_eq!(list["count"], 2);
        let (_, list) = app.as_user("GET", &format!("{LIST}?intent=transactional"), &t.owner, None).await;
        assert_eq!(list["count"], 2);
        let (status, _) =
            app.as_user("POST", "/api/v1/planner/keywords/bulk_delete/", &t.owner, Some(&json!({"ids": []}))).await;
        assert_eq!(status, 400);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn csv_import_is_all_or_nothing_with_line_numbers() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let t = app.tenant("csv-owner@example.com").await;
        let sector = t.sector_ids[0];
        add(&app, &t, sector, "garden hose", 10).await;

        // Multipart upload, BOM, semicolons, a duplicate and a keyword already present.
        let file = "\u{feff}Keyword;Search Volume;KD;Intent\nraised garden beds;\"1 900\";35;commercial\nGarden Hose;50;10;\ncompost bin;880;22;informational\nRaised  garden beds;5;5;\n";
        let form = reqwest::multipart::Form::new()
            .text("site_id", t.site_id.to_string())
            .text("sector_id", sector.to_string())
            .part("file", reqwest::multipart::Part::bytes(file.as_bytes().to_vec()).file_name("kw.csv"));
        let response = app.client.post(app.url("/api/v1/planner/keywords/import_keywords/")).bearer_auth(&t.owner.access).multipart(form).send().await.unwrap();
        let (status, body) = crate::helpers::json_of(response).await;
        assert_eq!(status, 200, "{body}");
        let report = &body["data"];
        assert_eq!((report["total_rows"].as_i64(), report["created"].as_i64(), report["existing"].as_i64(), report["duplicates"].as_i64()), (Some(4), Some(2), Some(1), Some(1)), "{report}");
        let (_, list) = app.as_user("GET", &format!("{LIST}?sector_id={sector}&ordering=-volume"), &t.owner, None).await;
        assert_eq!(keywords_of(&list), ["raised garden beds", "compost bin", "garden hose"]);
        assert_eq!(list["results"][0]["volume"], 1900);
        assert_eq!(list["results"][0]["difficulty"], 35);

        // One bad row: 422 naming the line and column, nothing written.
        let bad = "keyword,volume\nfine one,10\nbroken,lots\nfine two,20\n";
        let (status, body) = import_raw(&app, &t, sector, bad, "").await;
        assert_eq!(status, 422, "{body}");
        assert!(body["errors"]["line 3: volume"].is_array(), "{body}");
        let (_, list) = app.as_user("GET", &format!("{LIST}?search=fine"), &t.owner, None).await;
        assert_eq!(list["count"], 0, "all or nothing");
        // The preview reports the same without writing, with 200.
        let (status, body) = import_raw(&app, &t, sector, bad, "&dry_run=true").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!((body["data"]["dry_run"].as_bool(), body["data"]["created"].as_i64()), (Some(true), Some(2)));
        assert_eq!(body["data"]["errors"][0]["line"], 3);
        let (status, body) = import_raw(&app, &t, sector, "fine one\nfine two\n", "&dry_run=true").await;
        assert_eq!((status, body["data"]["created"].as_i64()), (200, Some(2)));
        let (_, list) = app.as_user("GET", &format!("{LIST}?search=fine"), &t.owner, None).await;
        assert_eq!(list["count"], 0, "a preview writes nothing");

        let (status, body) = import_raw(&app, &t, sector, "", "").await;
        assert_eq!((status, body["errors"]["file"].is_array()), (400, true));
        let (status, body) = import_raw(&app, &t, 999_999, "x\n", "").await;
        assert_eq!((status, body["errors"]["sector_id"].is_array()), (400, true), "{body}");

        // Another account cannot import into this site.
        let intruder = app.tenant("csv-intruder@example.com").await;
        let response = app
            .client
            .post(app.url(&format!("/api/v1/planner/keywords/import_keywords/?site_id={}&sector_id={sector}", t.site_id)))
            .bearer_auth(&intruder.owner.access)
            .header("content-type", "text/csv")
            .body("intruder keyword\n")
            .send()
            .await
            .unwrap();
        let (status, body) = crate::helpers::json_of(response).await;
        assert_eq!((status, body["errors"]["site_id"].is_array()), (400, true), "{body}");

        // The Free plan allows 100 keywords: a bigger file is refused whole.
        let big: String = (0..120).map(|i| format!("keyword number {i}\n")).collect();
        let (status, body) = import_raw(&app, &t, sector, &big, "").await;
        assert_eq!((status, assert_error(&body).as_str()), (403, "PLAN_LIMIT"), "{body}");
        let (_, list) = app.as_user("GET", &format!("{LIST}?search=number"), &t.owner, None).await;
        assert_eq!(list["count"], 0);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn export_round_trips_through_import() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let t = app.tenant("export-owner@example.com").await;
        let csv = "keyword,volume,difficulty,intent,cpc\n\"pots, large\",300,12,transactional,1.5\nseed trays,40,3,commercial,\n";
        assert_eq!(import_raw(&app, &t, t.sector_ids[0], csv, "").await.0, 200);
        let response = app.client.get(app.url(&format!("{LIST}export/?sector_id={}", t.sector_ids[0]))).bearer_auth(&t.owner.access).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let exported = response.text().await.unwrap();
        assert!(exported.starts_with("keyword,volume,difficulty,intent,cpc,status,cluster_id\n"), "{exported}");
        let (status, body) = import_raw(&app, &t, t.sector_ids[1], &exported, "").await;
        assert_eq!((status, body["data"]["created"].as_i64()), (200, Some(2)), "{body}");
        let (_, list) = app.as_user("GET", &format!("{LIST}?sector_id={}&ordering=keyword", t.sector_ids[1]), &t.owner, None).await;
        assert_eq!(keywords_of(&list), ["pots, large", "seed trays"]);
        assert_eq!((list["results"][0]["cpc"].as_f64(), list["results"][0]["intent"].as_str()), (Some(1.5), Some("transactional")));
        let (_, options) = app.as_user("GET", &format!("{LIST}filter_options/?sector_id={}", t.sector_ids[1]), &t.owner, None).await;
        assert_eq!(options["data"]["intent"], json!(["commercial", "transactional"]));
        assert_eq!(ids(&list).len(), 2);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn deep_pages_keep_the_order() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let t = app.tenant("deep-pages@example.com").await;
        app.set_plan(t.owner.account_id, "growth").await;
        // 1,200 keywords whose volumes repeat, so the id tie-breaker matters.
        let csv: String = std::iter::once("keyword,volume\n".to_owned())
            .chain((0..1200).map(|i| format!("deep keyword {i:04},{}\n", (i * 37) % 100)))
            .collect();
        assert_eq!(import_raw(&app, &t, t.sector_ids[0], &csv, "").await.0, 200);
        let mut expected: Vec<(i64, String)> =
            (0..1200).map(|i| ((i * 37) % 100, format!("deep keyword {i:04}"))).collect();
        // Ids follow the file order; ordering=-volume puts the higher id first among equal volumes.
        let order = |a: &(i64, String), b: &(i64, String)| b.0.cmp(&a.0).then(b.1.cmp(&a.1));
        expected.sort_by(order);
        for page in [1, 21, 24] {
            let url = format!("{LIST}?sector_id={}&ordering=-volume&page_size=50&page={page}", t.sector_ids[0]);
            let (status, list) = app.as_user("GET", &url, &t.owner, None).await;
            assert_eq!(status, 200, "{list}");
            assert_eq!(list["count"], 1200);
            let start = (page - 1) * 50;
            let want: Vec<String> = expected[start..start + 50].iter().map(|(_, k)| k.clone()).collect();
            assert_eq!(keywords_of(&list), want, "page {page}");
        }
        let (_, last) = app
            .as_user(
                "GET",
                &format!("{LIST}?sector_id={}&ordering=keyword&page_size=50&page=24", t.sector_ids[0]),
                &t.owner,
                None,
            )
            .await;
        assert_eq!(keywords_of(&last).last().map(String::as_str), Some("deep keyword 1199"));
        assert!(last["next"].is_null());
        let previous = last["previous"].as_str().unwrap();
        assert!(previous.starts_with("/api/v1/planner/keywords?") && previous.contains("page=23"), "{previous}");
        app.cleanup().await;
    })
    .await;
}

async fn sector_version(app: &TestApp, sector: i64) -> i64 {
    use sea_orm::EntityTrait;
    db::entities::sector::Entity::find_by_id(sector).one(&app.db).await.unwrap().unwrap().keywords_version
}

/// A searched, filtered total is remembered per sector version: every way the rows change (API edits, soft
/// deletes, imports, SQL behind the server's back) raises the version, so the total is never stale.
#[tokio::test]
async fn filtered_totals_follow_every_change() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let t = app.tenant("kw-totals@example.com").await;
        let (sector, other) = (t.sector_ids[0], t.sector_ids[1]);
        let csv: String = std::iter::once("keyword,volume,intent\n".to_owned())
            .chain((0..10).map(|i| format!("shoe model {i},{},commercial\n", 100 + i)))
            .chain((0..5).map(|i| format!("boot model {i},50,commercial\n")))
            .collect();
        assert_eq!(import_raw(&app, &t, sector, &csv, "").await.0, 200);
        let url =
            |page: u32| format!("{LIST}?sector_id={sector}&search=shoe&intent=commercial&page_size=4&page={page}");
        let total = |page: u32| {
            let app = &app;
            let owner = &t.owner;
            let url = url(page);
            async move {
                let (status, list) = app.as_user("GET", &url, owner, None).await;
                assert_eq!(status, 200, "{list}");
                list["count"].as_i64().unwrap()
            }
        };
        assert_eq!((total(1).await, total(2).await, total(3).await), (10, 10, 10));

        // An edit through the API.
        let version = sector_version(&app, sector).await;
        let (_, page) = app.as_user("GET", &url(1), &t.owner, None).await;
        let first = page["results"][0]["id"].as_i64().unwrap();
        let (status, body) =
            app.as_user("PATCH", &format!("{LIST}{first}/"), &t.owner, Some(&json!({"intent": "informational"}))).await;
        assert_eq!(status, 200, "{body}");
        assert!(sector_version(&app, sector).await > version, "an update raises the version");
        assert_eq!(total(1).await, 9);

        // A soft delete, then a bulk update.
        let second = page["results"][1]["id"].as_i64().unwrap();
        assert_eq!(app.as_user("DELETE", &format!("{LIST}{second}/"), &t.owner, None).await.0, 204);
        assert_eq!(total(2).await, 8);
        let third = page["results"][2]["id"].as_i64().unwrap();
        let body = json!({"ids": [third], "intent": "navigational"});
        let (status, body) = app.as_user("POST", &format!("{LIST}bulk_update/"), &t.owner, Some(&body)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(total(1).await, 7);

        // An import adds matching rows.
        let more = "keyword,intent\nshoe extra one,commercial\nshoe extra two,commercial\n";
        assert_eq!(import_raw(&app, &t, sector, more, "").await.0, 200);
        assert_eq!(total(1).await, 9);

        // SQL behind the server's back: the database triggers raise the version all the same.
        let version = sector_version(&app, sector).await;
        app.execute("UPDATE keywords SET intent = 'commercial' WHERE normalized LIKE 'shoe model%'").await;
        assert!(sector_version(&app, sector).await > version);
        assert_eq!(total(1).await, 11, "nine models (the soft-deleted one stays out) and two extras");
        app.execute("DELETE FROM keywords WHERE normalized = 'shoe extra one'").await;
        assert_eq!(total(1).await, 10);

        // Another sector's changes leave this sector's version alone.
        let version = sector_version(&app, sector).await;
        let (status, _) = add(&app, &t, other, "shoe elsewhere", 1).await;
        assert_eq!(status, 201);
        assert_eq!(sector_version(&app, sector).await, version);
        assert_eq!(total(1).await, 10);
        app.cleanup().await;
    })
    .await;
}

/// Deep pages start from a remembered anchor (the ordering key of the row before them) while the sector's
/// keywords version stands: every page equals the same slice of the full ordering, ties included, in every
/// ordering and with filters; a change to the keywords moves the version and the pages follow the new order.
#[tokio::test]
async fn pages_from_remembered_anchors_match_the_full_ordering() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let t = app.tenant("kw-anchors@example.com").await;
        let sector = t.sector_ids[0];
        let intents = ["commercial", "informational"];
        let csv: String = std::iter::once("keyword,volume,difficulty,intent\n".to_owned())
            .chain((0..60).map(|i| {
                let head = if i % 3 == 0 { "boot" } else { "shoe" };
                format!("{head} model {i},{},{},{}\n", (i % 7) * 10, i % 5, intents[i % 2])
            }))
            .collect();
        assert_eq!(import_raw(&app, &t, sector, &csv, "").await.0, 200);
        // A few added one at a time: `created_at` then differs between rows, not only the id that breaks ties.
        for (i, volume) in [(1, 30), (2, 60), (3, 0), (4, 30)] {
            assert_eq!(add(&app, &t, sector, &format!("shoe extra {i}"), volume).await.0, 201);
        }
        let ids = |list: &Value| -> Vec<i64> {
            list["results"].as_array().unwrap().iter().map(|k| k["id"].as_i64().unwrap()).collect()
        };
        let get = |query: String| {
            let (app, owner) = (&app, &t.owner);
            async move {
                let (status, list) =
                    app.as_user("GET", &format!("{LIST}?sector_id={sector}{query}"), owner, None).await;
                assert_eq!(status, 200, "{query}: {list}");
                list
            }
        };
        let page = |query: &str, page: usize| get(format!("{query}&page_size=5&page={page}"));
        let everything = |query: &str| get(format!("{query}&page_size=200"));

        for query in [
            "&ordering=-volume",
            "&ordering=volume",
            "&ordering=keyword",
            "&ordering=-difficulty",
            "&ordering=created_at",
            "&ordering=-volume&search=shoe&intent=commercial",
            "&ordering=-keyword",
            // Not one column: read by offset, never from an anchor.
            "&ordering=-volume,keyword",
        ] {
            let all = ids(&everything(query).await);
            let total = all.len();
            assert!(total >= 20, "{query}: {total}");
            // First visits (one row early, leaving an anchor), a repeat (from the anchor), the next page (from
            // the previous page's last row), a jump back, and the last page.
            let last = total.div_ceil(5);
            for n in [4, 4, 5, 2, 3, last, last] {
                let list = page(query, n).await;
                let expected = &all[(n - 1) * 5..(n * 5).min(total)];
                assert_eq!(ids(&list), expected, "{query}, page {n}");
                assert_eq!(list["count"].as_u64(), Some(total as u64), "{query}, page {n}");
            }
            // Past the end: nothing, even from the last page's anchor.
            let (_, past) = app
                .as_user(
                    "GET",
                    &format!("{LIST}?sector_id={sector}{query}&page_size=5&page={}", last + 1),
                    &t.owner,
                    None,
                )
                .await;
            assert_eq!(past["results"].as_array().map(Vec::len), Some(0), "{query}: {past}");
            // Anchors are kept by absolute offset: another page size starts from the row before its page too.
            let list = get(format!("{query}&page_size=10&page=2")).await;
            assert_eq!(ids(&list), &all[10..20.min(total)], "{query}, 10 a page");
        }

        // The anchor is what a remembered page starts from: move a late keyword to the top behind the server's
        // back and put the version back, and page 4 stays where the remembered anchor says; a page counted by
        // offset would have shifted by one.
        let query = "&ordering=-volume";
        let before = ids(&everything(query).await);
        let version = sector_version(&app, sector).await;
        let moved = before[40];
        app.execute(&format!("UPDATE keywords SET volume = 1000000 WHERE id = {moved}")).await;
        assert!(sector_version(&app, sector).await > version);
        app.execute(&format!("UPDATE sectors SET keywords_version = {version} WHERE id = {sector}")).await;
        assert_eq!(ids(&page(query, 4).await), &before[15..20], "page 4 from its anchor");

        // With the version raised as the database does it, the pages follow the new order.
        app.execute(&format!("UPDATE sectors SET keywords_version = {} WHERE id = {sector}", version + 1)).await;
        let after = ids(&everything(query).await);
        assert_eq!(after[0], moved);
        assert_eq!(ids(&page(query, 4).await), &after[15..20]);
        assert_ne!(&after[15..20], &before[15..20]);
        app.cleanup().await;
    })
    .await;
}

#[tokio::test]
async fn an_import_without_intents_reads_them_from_the_wording() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let t = app.tenant("kw-intent@example.com").await;
        let sector = t.sector_ids[0];
        let file = "keyword,volume\nbest espresso machine,900\ncheap espresso machine,500\nbuy espresso beans,400\n\
                    how to descale an espresso machine,300\nespresso machine vs moka pot,200\nespresso machine,1000\n";
        let (status, preview) = import_raw(&app, &t, sector, file, "&dry_run=true").await;
        assert_eq!((status, preview["data"]["intents_inferred"].as_u64()), (200, Some(6)), "{preview}");
        let (status, report) = import_raw(&app, &t, sector, file, "").await;
        assert_eq!((status, report["data"]["created"].as_u64()), (200, Some(6)), "{report}");
        let (_, list) = app.as_user("GET", &format!("{LIST}?sector_id={sector}&page_size=50"), &t.owner, None).await;
        let intent_of = |keyword: &str| {
            list["results"].as_array().unwrap().iter().find(|k| k["keyword"] == keyword).unwrap()["intent"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(intent_of("best espresso machine"), "commercial");
        assert_eq!(intent_of("espresso machine vs moka pot"), "commercial");
        assert_eq!(intent_of("cheap espresso machine"), "transactional");
        assert_eq!(intent_of("buy espresso beans"), "transactional");
        assert_eq!(intent_of("how to descale an espresso machine"), "informational");
        assert_eq!(intent_of("espresso machine"), "informational", "a bare topic");

        // A file's own intents win; an empty cell is read from the wording too.
        let file = "keyword,intent\nbest grinder,informational\ncheap grinder,\n";
        let (_, report) = import_raw(&app, &t, t.sector_ids[1], file, "").await;
        assert_eq!(report["data"]["intents_inferred"], 1, "{report}");
        let (_, list) = app.as_user("GET", &format!("{LIST}?sector_id={}", t.sector_ids[1]), &t.owner, None).await;
        let intents: Vec<(String, String)> = list["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| (k["keyword"].as_str().unwrap().to_owned(), k["intent"].as_str().unwrap().to_owned()))
            .collect();
        assert!(intents.contains(&("best grinder".into(), "informational".into())), "{intents:?}");
        assert!(intents.contains(&("cheap grinder".into(), "transactional".into())), "{intents:?}");
        app.cleanup().await;
    })
    .await;
}
