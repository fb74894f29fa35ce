//! Outgoing mail. Every message is first recorded in the `mail_outbox` table, then delivered in the
//! background: through SMTP when `smtp_url` is configured (lettre), otherwise written as an `.eml` file to
//! `<data_dir>/outbox/` so the embedded shape needs no mail server.

use std::path::PathBuf;

use chrono::Utc;
use db::entities::mail_outbox;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};

use crate::config::Config;
use crate::http::AppError;

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("mail_from (IGNY8_MAIL_FROM) is not a valid address: {e}"))?;
        let transport = if config.smtp_url.is_empty() {
            Transport::Folder(config.data_dir.join("outbox"))
        } else {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(config.smtp_url.expose())
                .map_err(|e| anyhow::anyhow!("smtp_url (IGNY8_SMTP_URL) is not valid: {e}"))?
                .build();
            Transport::Smtp(transport)
        };
        Ok(Self { transport, from })
    }

    /// Records the message and delivers it in the background; the caller never waits for SMTP.
    pub async fn send(&self, db: &DatabaseConnection, to: &str, subject: &str, body: &str) -> Result<(), AppError> {
        let row = mail_outbox::ActiveModel {
            to_email: Set(to.to_owned()),
            subject: Set(subject.to_owned()),
            body_text: Set(body.to_owned()),
            status: Set("pending".into()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let mailer = self.clone();
        let db = db.clone();
        tokio::spawn(async move {
            let (status, error) = match mailer.deliver(&row).await {
                Ok(status) => (status, None),
                Err(error) => {
                    tracing::warn!(mail_id = row.id, %error, "mail delivery failed");
                    ("failed", Some(error))
                }
            };
            let mut update: mail_outbox::ActiveModel = row.into();
            update.status = Set(status.into());
            update.error = Set(error);
            update.sent_at = Set(Some(Utc::now()));
            if let Err(error) = update.update(&db).await {
                tracing::warn!(%error, "cannot record mail delivery");
            }
        });
        Ok(())
    }

    async fn deliver(&self, row: &mail_outbox::Model) -> Result<&'static str, String> {
        let to: Mailbox = row.to_email.parse().map_err(|e| format!("bad recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .body(row.body_text.clone())
            .map_err(|e| e.to_string())?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| "sent").map_err(|e| e.to_string()),
            Transport::Folder(folder) => {
                tokio::fs::create_dir_all(folder).await.map_err(|e| e.to_string())?;
                let safe: String =
                    row.to_email.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
                let path = folder.join(format!("{:06}-{safe}.eml", row.id));
                tokio::fs::write(&path, message.formatted()).await.map_err(|e| e.to_string())?;
                Ok("written")
            }
        }
    }
}
