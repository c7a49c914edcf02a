//! Criteria sets as data (issue 18): the classification bands the
//! secretariat sets for a year, and the points a criterion that reads one of
//! the targets starts from. The document names no bands (III.7.2), so the
//! usual five are the default and each year's set may move them.

use serde::{Deserialize, Serialize};

use super::evaluation::{Classification, EvaluationError, Total};

/// The lowest total, in whole points, of each band above Weak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bands {
    pub excellent: u32,
    pub good: u32,
    pub fair: u32,
    pub average: u32,
}

impl Default for Bands {
    /// Xuất sắc ≥ 90, Tốt ≥ 80, Khá ≥ 65, Trung bình ≥ 50, Yếu below.
    fn default() -> Self {
        Bands { excellent: 90, good: 80, fair: 65, average: 50 }
    }
}

impl Bands {
    /// Each threshold from 1 to 100, strictly falling from Excellent to
    /// Average, so every total has exactly one band.
    pub fn validate(&self) -> Result<(), EvaluationError> {
        let falling = self.excellent > self.good && self.good > self.fair && self.fair > self.average;
        if falling && self.excellent <= 100 && self.average >= 1 { Ok(()) } else { Err(EvaluationError::BadBands) }
    }

    /// The lowest total of `band`, in points (Weak: 0).
    pub fn min_points(&self, band: Classification) -> u32 {
        match band {
            Classification::Excellent => self.excellent,
            Classification::Good => self.good,
            Classification::Fair => self.fair,
            Classification::Average => self.average,
            Classification::Weak => 0,
        }
    }

    /// The band of `total` under these thresholds.
    pub fn classify(&self, total: Total) -> Classification {
        Classification::ALL
            .iter()
            .copied()
            .find(|c| total.0 >= self.min_points(*c) * 100)
            .unwrap_or(Classification::Weak)
    }
}

/// The points a criterion worth `max_points` starts from when the unit's
/// target stands at `value` (a share; `None` is "no data") against the
/// document's `goal`: full points at the goal, in proportion below it,
/// rounded half up. No data gives no points to start from, never 0.
pub fn prefill_points(max_points: u32, value: Option<f64>, goal: f64) -> Option<u32> {
    let value = value?;
    if !value.is_finite() || !goal.is_finite() || goal <= 0.0 {
        return None;
    }
    let share = (value / goal).clamp(0.0, 1.0);
    // Rounded in hundredths first so that 0.5 shares of odd maxima do not
    // wobble with the float's last bit.
    let hundredths = (share * f64::from(max_points) * 100.0).round() as u64;
    u32::try_from(hundredths.saturating_add(50) / 100).ok().map(|p| p.min(max_points))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn default_bands_are_the_usual_five() {
        let b = Bands::default();
        assert_eq!(b.classify(Total(9000)), Classification::Excellent);
        assert_eq!(b.classify(Total(8999)), Classification::Good);
        assert_eq!(b.classify(Total(4999)), Classification::Weak);
        for t in (0..=10_000).step_by(37) {
            assert_eq!(b.classify(Total(t)), Classification::of(Total(t)), "{t}");
        }
    }

    #[test]
    fn moved_bands_classify_by_their_thresholds() {
        let b = Bands { excellent: 95, good: 85, fair: 70, average: 40 };
        b.validate().unwrap();
        assert_eq!(b.classify(Total(9400)), Classification::Good);
        assert_eq!(b.classify(Total(4500)), Classification::Average);
        assert_eq!(Bands { excellent: 80, good: 80, fair: 70, average: 40 }.validate(), Err(EvaluationError::BadBands));
        assert_eq!(
            Bands { excellent: 101, good: 80, fair: 70, average: 40 }.validate(),
            Err(EvaluationError::BadBands)
        );
        assert_eq!(Bands { excellent: 90, good: 80, fair: 70, average: 0 }.validate(), Err(EvaluationError::BadBands));
    }

    #[test]
    fn bands_missing_from_stored_json_are_the_defaults() {
        let b: Bands = serde_json::from_str("{}").unwrap();
        assert_eq!(b, Bands::default());
        let b: Bands = serde_json::from_str(r#"{"excellent": 95}"#).unwrap();
        assert_eq!(b.excellent, 95);
        assert_eq!(b.good, 80);
    }

    #[test]
    fn prefilled_points_follow_the_target_up_to_its_goal() {
        assert_eq!(prefill_points(10, Some(0.5), 1.0), Some(5));
        assert_eq!(prefill_points(10, Some(1.0), 1.0), Some(10));
        assert_eq!(prefill_points(10, Some(0.8), 0.8), Some(10), "the goal met gives full points");
        assert_eq!(prefill_points(10, Some(0.9), 0.8), Some(10), "never above the maximum");
        assert_eq!(prefill_points(20, Some(0.4), 0.8), Some(10));
        assert_eq!(prefill_points(10, Some(0.0), 1.0), Some(0));
        assert_eq!(prefill_points(3, Some(0.5), 1.0), Some(2), "1,5 rounds half up");
        assert_eq!(prefill_points(10, None, 1.0), None, "no data is not 0");
        assert_eq!(prefill_points(10, Some(f64::NAN), 1.0), None);
    }
}
