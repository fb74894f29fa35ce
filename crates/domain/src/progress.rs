//! Task status and progress phases (SPEC.md §5): each AI function reports phases with fixed percentage bands
//! so the web app shows steady progress without parsing message text.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 5] =
        [TaskStatus::Queued, TaskStatus::Running, TaskStatus::Succeeded, TaskStatus::Failed, TaskStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Queued => "queued",
            TaskStatus::Running => "running",
            TaskStatus::Succeeded => "succeeded",
            TaskStatus::Failed => "failed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// No further change will happen.
    pub fn is_terminal(self) -> bool {
        matches!(self, TaskStatus::Succeeded | TaskStatus::Failed | TaskStatus::Cancelled)
    }

    /// Allowed moves: queued → running → succeeded | failed | cancelled; a queued task may also be cancelled
    /// or fail before it starts; a running task may be re-queued (its worker died) .
    pub fn can_become(self, next: TaskStatus) -> bool {
        use TaskStatus::*;
        matches!(
            (self, next),
            (Queued, Running | Cancelled | Failed) | (Running, Succeeded | Failed | Cancelled | Queued | Running)
        )
    }
}

/// The phases of an AI function and their percentage bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Phase {
    Init,
    Prep,
    AiCall,
    Parse,
    Save,
    Done,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Init => "INIT",
            Phase::Prep => "PREP",
            Phase::AiCall => "AI_CALL",
            Phase::Parse => "PARSE",
            Phase::Save => "SAVE",
            Phase::Done => "DONE",
        }
    }

    /// The band `[start, end]` of this phase in percent.
    pub fn band(self) -> (u8, u8) {
        match self {
            Phase::Init => (0, 10),
            Phase::Prep => (10, 20),
            Phase::AiCall => (20, 80),
            Phase::Parse => (80, 90),
            Phase::Save => (90, 100),
            Phase::Done => (100, 100),
        }
    }

    /// Overall percent for `done` of `total` items within this phase.
    pub fn percent(self, done: u64, total: u64) -> u8 {
        let (start, end) = self.band();
        if total == 0 {
            return start;
        }
        let fraction = done.min(total) as f64 / total as f64;
        start + ((f64::from(end - start)) * fraction).round() as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_ordered_and_cover_0_to_100() {
        let phases = [Phase::Init, Phase::Prep, Phase::AiCall, Phase::Parse, Phase::Save, Phase::Done];
        for pair in phases.windows(2) {
            assert_eq!(pair[0].band().1, pair[1].band().0);
        }
        assert_eq!(Phase::AiCall.percent(3, 6), 50);
        assert_eq!(Phase::AiCall.percent(9, 6), 80);
        assert_eq!(Phase::Save.percent(0, 0), 90);
    }

    #[test]
    fn status_transitions() {
        use TaskStatus::*;
        assert!(Queued.can_become(Running) && Running.can_become(Succeeded));
        assert!(Queued.can_become(Cancelled));
        assert!(!Succeeded.can_become(Running) && !Cancelled.can_become(Queued) && !Failed.can_become(Succeeded));
        assert!(Succeeded.is_terminal() && !Running.is_terminal());
        for status in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(status.as_str()), Some(status));
        }
    }
}
