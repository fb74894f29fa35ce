//! Planner commands: `igny8 cluster FILE` (the clustering engine on a CSV, no database) and
//! `igny8 import-keywords FILE --site ID --sector ID` (the API's import, from the shell, with a progress bar).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use db::entities::{sector, site};
use sea_orm::EntityTrait;

use crate::config::Config;
use crate::modules::planner::keywords::{csv_import, service};

fn read_rows(file: &Path) -> anyhow::Result<csv_import::Parsed> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    csv_import::parse(&bytes).map_err(|e| anyhow::anyhow!("{}: line {}: {}", file.display(), e.line, e.message))
}

fn report_errors(file: &Path, errors: &[csv_import::RowError]) {
    for e in errors.iter().take(20) {
        let column = e.column.map(|c| format!(" ({c})")).unwrap_or_default();
        eprintln!("{}:{}{column}: {}", file.display(), e.line, e.message);
    }
    if errors.len() > 20 {
        eprintln!("… and {} more rows with problems", errors.len() - 20);
    }
}

/// Clusters the keywords of a CSV file and writes `keyword,cluster,pillar,intent` rows to `out` (keywords left
/// unclustered have empty cluster columns). `pillar` is the head keyword of the pillar the cluster sits under: its
/// parent cluster's when the engine grouped it under a broader one, otherwise its own (it is a pillar itself).
/// Rows with problems are reported on stderr and skipped.
pub fn cluster(file: &Path, out: &mut impl Write) -> anyhow::Result<()> {
    let parsed = read_rows(file)?;
    report_errors(file, &parsed.errors);
    let inputs: Vec<ai::cluster::ClusterInput> =
        parsed.rows.iter().map(|r| ai::cluster::ClusterInput { text: r.keyword.clone(), volume: r.volume }).collect();
    let outcome = ai::cluster::cluster_keywords(&inputs, &ai::cluster::ClusterOptions::default());
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["keyword", "cluster", "pillar", "intent"])?;
    for c in &outcome.clusters {
        let intent = serde_json::to_value(c.intent)?.as_str().unwrap_or_default().to_owned();
        let head = c.parent.and_then(|parent| outcome.clusters.get(parent)).unwrap_or(c);
        for member in &c.members {
            writer.write_record([
                &parsed.rows[*member].keyword,
                &c.name,
                &parsed.rows[head.pillar].keyword,
                &intent,
            ])?;
        }
    }
    for index in &outcome.unclustered {
        writer.write_record([parsed.rows[*index].keyword.as_str(), "", "", ""])?;
    }
    writer.flush()?;
    eprintln!(
        "{} keywords: {} clusters ({} under a pillar), {} unclustered, {} rows skipped",
        parsed.rows.len(),
        outcome.clusters.len(),
        outcome.clusters.iter().filter(|c| c.parent.is_some()).count(),
        outcome.unclustered.len(),
        parsed.errors.len()
    );
    Ok(())
}

/// Imports a CSV into a site's sector, all or nothing, as the API does.
pub async fn import_keywords(
    config: Config,
    file: &Path,
    site_id: i64,
    sector_id: i64,
    dry_run: bool,
) -> anyhow::Result<()> {
    let parsed = read_rows(file)?;
    if !parsed.errors.is_empty() {
        report_errors(file, &parsed.errors);
        bail!("{} of {} rows cannot be imported; nothing was imported", parsed.errors.len(), parsed.total);
    }
    let db = crate::startup::open_database(&config, config.auto_migrate).await?;
    let site =
        site::Entity::find_by_id(site_id).one(&db).await?.with_context(|| format!("--site: no site {site_id}"))?;
    let sector = sector::Entity::find_by_id(sector_id)
        .one(&db)
        .await?
        .filter(|s| s.site_id == site.id)
        .with_context(|| format!("--sector: site {site_id} has no sector {sector_id}"))?;
    let bar = indicatif::ProgressBar::new(parsed.rows.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} keywords ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let progress = bar.clone();
    let report = service::import_parsed_reporting(&db, site.account_id, &site, &sector, parsed, dry_run, &move |n| {
        progress.inc(n as u64)
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    println!(
        "{}{} rows: {} created, {} restored, {} already there, {} duplicates",
        if report.dry_run { "(dry run, nothing written) " } else { "" },
        report.total_rows,
        report.created,
        report.restored,
        report.existing,
        report.duplicates
    );
    if report.intents_inferred > 0 {
        println!(
            "{} rows had no intent: it was read from their wording (\"best …\" commercial, …)",
            report.intents_inferred
        );
    }
    Ok(())
}
