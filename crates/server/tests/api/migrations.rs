//! The migration set runs up, down and up again on both databases.

use db::Migrator;
use db::sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use db::sea_orm_migration_reexport::MigratorTrait;

use crate::helpers::{each_backend, spawn_app};

#[tokio::test]
async fn migrations_apply_roll_back_and_reapply() {
    each_backend(|backend| async move {
        let app = spawn_app(backend).await;
        let status = db::migration_status(&app.db).await.unwrap();
        assert!(status.is_current());
        assert_eq!(status.applied.len(), Migrator::migrations().len());

        db::entities::system_setting::ActiveModel {
            key: Set("instance".into()),
            value: Set(serde_json::json!({"name": "test"})),
            updated_at: Set(chrono::Utc::now()),
        }
        .insert(&app.db)
        .await
        .unwrap();
        let row = db::entities::system_setting::Entity::find_by_id("instance").one(&app.db).await.unwrap().unwrap();
        assert_eq!(row.value["name"], "test");

        Migrator::down(&app.db, None).await.unwrap();
        let status = db::migration_status(&app.db).await.unwrap();
        assert_eq!(status.applied.len(), 0);
        assert_eq!(status.pending.len(), Migrator::migrations().len());

        db::run_migrations(&app.db).await.unwrap();
        assert!(db::migration_status(&app.db).await.unwrap().is_current());
        app.cleanup().await;
    })
    .await;
}
