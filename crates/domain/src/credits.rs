//! Credit arithmetic (SPEC.md §7): two pools, plan credits spent before bonus credits, integer credits,
//! cost as data (`tokens_per_credit`, `credits_per_image`, `min_credits`).

/// An account's balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pools {
    /// Plan credits: reset at renewal, no rollover.
    pub plan: i64,
    /// Purchased credits: never expire.
    pub bonus: i64,
}

/// How a charge was taken from the pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub from_plan: i64,
    pub from_bonus: i64,
}

/// Not enough credits for a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{required} credits required, {available} available")]
pub struct Insufficient {
    pub required: i64,
    pub available: i64,
}

impl Pools {
    pub fn total(self) -> i64 {
        self.plan.saturating_add(self.bonus)
    }

    /// Spends `amount` (plan pool first), or says how short the account is. Never goes negative.
    pub fn spend(self, amount: i64) -> Result<(Pools, Split), Insufficient> {
        let amount = amount.max(0);
        let available = self.plan.max(0) + self.bonus.max(0);
        if amount > available {
            return Err(Insufficient { required: amount, available });
        }
        let from_plan = amount.min(self.plan.max(0));
        let from_bonus = amount - from_plan;
        Ok((Pools { plan: self.plan - from_plan, bonus: self.bonus - from_bonus }, Split { from_plan, from_bonus }))
    }
}

/// Credits for a text operation: `max(min_credits, ceil(total_tokens / tokens_per_credit))`.
pub fn text_credits(total_tokens: u64, tokens_per_credit: u64, min_credits: i64) -> i64 {
    let per = tokens_per_credit.max(1);
    let by_tokens = i64::try_from(total_tokens.div_ceil(per)).unwrap_or(i64::MAX);
    by_tokens.max(min_credits.max(0))
}

/// Credits for images: each successful image costs `credits_per_image`; failed ones are free.
pub fn image_credits(succeeded: u32, credits_per_image: i64) -> i64 {
    i64::from(succeeded).saturating_mul(credits_per_image.max(0))
}

/// An estimate with a safety buffer, rounded up (automation reserves ×1.2).
pub fn with_buffer(estimate: i64, percent: u32) -> i64 {
    let scaled = i128::from(estimate.max(0)) * i128::from(percent);
    i64::try_from((scaled + 99) / 100).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_pool_is_spent_first() {
        let pools = Pools { plan: 5, bonus: 10 };
        let (after, split) = pools.spend(8).unwrap();
        assert_eq!(split, Split { from_plan: 5, from_bonus: 3 });
        assert_eq!(after, Pools { plan: 0, bonus: 7 });
        let (after, split) = Pools { plan: 5, bonus: 10 }.spend(2).unwrap();
        assert_eq!((after, split), (Pools { plan: 3, bonus: 10 }, Split { from_plan: 2, from_bonus: 0 }));
    }

    #[test]
    fn never_negative() {
        assert_eq!(Pools { plan: 2, bonus: 1 }.spend(4), Err(Insufficient { required: 4, available: 3 }));
        assert_eq!(Pools { plan: 3, bonus: 0 }.spend(3).unwrap().0.total(), 0);
        for plan in 0..6 {
            for bonus in 0..6 {
                for amount in 0..14 {
                    if let Ok((after, split)) = (Pools { plan, bonus }).spend(amount) {
                        assert!(after.plan >= 0 && after.bonus >= 0);
                        assert_eq!(split.from_plan + split.from_bonus, amount);
                        assert_eq!(after.total(), plan + bonus - amount);
                    } else {
                        assert!(amount > plan + bonus);
                    }
                }
            }
        }
    }

    #[test]
    fn token_and_image_costs() {
        assert_eq!(text_credits(0, 100, 2), 2);
        assert_eq!(text_credits(1_001, 1_000, 1), 2);
        assert_eq!(text_credits(5_000, 1_000, 3), 5);
        assert_eq!(text_credits(10, 0, 0), 10, "a zero rate is treated as one token per credit");
        assert_eq!(image_credits(3, 5), 15);
        assert_eq!(with_buffer(10, 120), 12);
        assert_eq!(with_buffer(11, 120), 14);
    }
}
