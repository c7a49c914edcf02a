//! Aggregation: tallies each answer by unit and applies small-group
//! suppression to produce a survey's report.

use std::collections::{BTreeMap, BTreeSet};

use crate::org::UnitId;

use super::form::{QuestionKind, Survey};
use super::report::{
    AggregateError, Figure, Mean, QuestionHeading, QuestionReport, ReportTree, SurveyReport, UnitReport,
};
use super::responses::{Answer, Answers};
use super::suppression::{Node, Table, build_nodes};

/// Which column a valid answer falls in, and what it adds to the total.
enum Tally {
    /// Counted in these categories, adding this much to the total.
    In(Vec<usize>, i128),
    /// Not a usable answer to this question.
    Out,
}

fn tally(kind: &QuestionKind, a: &Answer) -> Tally {
    match (kind, a) {
        (QuestionKind::SingleChoice { choices }, Answer::Choice(c)) if *c < choices.len() => Tally::In(vec![*c], 0),
        (QuestionKind::MultipleChoice { choices, .. }, Answer::Choices(cs)) if !cs.is_empty() => {
            let set: BTreeSet<usize> = cs.iter().copied().filter(|&c| c < choices.len()).collect();
            if set.is_empty() { Tally::Out } else { Tally::In(set.into_iter().collect(), 0) }
        }
        (QuestionKind::Scale { min, max, .. }, Answer::Scale(x)) if x >= min && x <= max => {
            Tally::In(vec![(i64::from(*x) - i64::from(*min)) as usize], i128::from(*x))
        }
        (QuestionKind::Number { min, max, bins }, Answer::Number(x))
            if min.is_none_or(|m| *x >= m) && max.is_none_or(|m| *x <= m) =>
        {
            let cats = if bins.is_empty() { vec![] } else { vec![bins.partition_point(|b| b <= x)] };
            Tally::In(cats, i128::from(*x))
        }
        _ => Tally::Out,
    }
}

/// Labels of a question's categories, and whether it has a mean. `None`
/// for free text, which is never aggregated.
pub(super) fn categories(kind: &QuestionKind) -> Option<(Vec<String>, bool)> {
    match kind {
        QuestionKind::SingleChoice { choices } | QuestionKind::MultipleChoice { choices, .. } => {
            Some((choices.clone(), false))
        }
        QuestionKind::Scale { min, max, min_label, max_label } => {
            let labels = (*min..=*max)
                .map(|v| match v {
                    v if v == *min && !min_label.trim().is_empty() => format!("{v} ({})", min_label.trim()),
                    v if v == *max && !max_label.trim().is_empty() => format!("{v} ({})", max_label.trim()),
                    v => v.to_string(),
                })
                .collect();
            Some((labels, true))
        }
        QuestionKind::Number { bins, .. } => {
            let mut labels = Vec::new();
            if let (Some(first), Some(last)) = (bins.first(), bins.last()) {
                labels.push(format!("Dưới {first}"));
                labels.extend(bins.windows(2).map(|w| format!("Từ {} đến dưới {}", w[0], w[1])));
                labels.push(format!("Từ {last} trở lên"));
            }
            Some((labels, true))
        }
        QuestionKind::Text { .. } => None,
    }
}

/// Adds "parent = sum of children" for every column of a table laid out
/// node by node, `width` figures per node.
fn tree_relations(nodes: &[Node], width: usize) -> Vec<Vec<(usize, i64)>> {
    let mut out = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.children.is_empty() {
            continue;
        }
        for col in 0..width {
            let mut r = vec![(i * width + col, 1)];
            r.extend(n.children.iter().map(|&c| (c * width + col, -1)));
            out.push(r);
        }
    }
    out
}

/// Results of a survey by unit, with groups smaller than `min_group`
/// suppressed as the module documentation describes. Answers that do not
/// fit the current definition (it was edited after they came in) are not
/// counted.
pub fn aggregate<'a, I>(
    survey: &Survey,
    tree: &ReportTree,
    responses: I,
    min_group: usize,
) -> Result<SurveyReport, AggregateError>
where
    I: IntoIterator<Item = (UnitId, &'a Answers)>,
{
    if min_group == 0 {
        return Err(AggregateError::Threshold);
    }
    survey.validate()?;
    let k = min_group as i128;
    let small = |v: i128| v > 0 && v < k;
    let responses: Vec<(UnitId, &Answers)> = responses.into_iter().collect();
    for &(unit, _) in &responses {
        if !tree.contains(unit) {
            return Err(AggregateError::UnknownUnit(unit));
        }
    }
    let has_direct: BTreeSet<UnitId> = responses.iter().map(|(u, _)| *u).collect();
    let (nodes, home) = build_nodes(tree, &has_direct);
    let n = nodes.len();
    // Children come after their parent: summing from the end fills parents.
    let roll_up = |values: &mut Vec<i128>, width: usize| {
        for i in (0..n).rev() {
            for &c in &nodes[i].children {
                for col in 0..width {
                    values[i * width + col] += values[c * width + col];
                }
            }
        }
    };

    // Respondents.
    let mut resp = vec![0i128; n];
    for (unit, _) in &responses {
        if let Some(&h) = home.get(unit) {
            resp[h] += 1;
        }
    }
    roll_up(&mut resp, 1);
    let too_small: Vec<bool> = resp.iter().map(|&v| small(v)).collect();
    let mut resp_table = Table::new(resp);
    resp_table.relations = tree_relations(&nodes, 1);
    resp_table.suppressed.clone_from(&too_small);
    resp_table.protect();

    let always = survey.always_answered();
    let mut headings = Vec::new();
    // Per question index: (heading index, table, width, category count).
    let mut tables: BTreeMap<usize, (Table, usize, usize)> = BTreeMap::new();
    for (qi, q) in survey.questions.iter().enumerate() {
        let Some((labels, has_mean)) = categories(&q.kind) else { continue };
        let m = labels.len();
        // Layout per node: answered, m category counts, then the total.
        let width = 1 + m + usize::from(has_mean);
        let mut values = vec![0i128; n * width];
        for (unit, answers) in &responses {
            let (Some(&h), Some(a)) = (home.get(unit), answers.get(&q.id)) else { continue };
            if let Tally::In(cats, add) = tally(&q.kind, a) {
                values[h * width] += 1;
                for c in cats {
                    values[h * width + 1 + c] += 1;
                }
                if has_mean {
                    values[h * width + 1 + m] = values[h * width + 1 + m].saturating_add(add);
                }
            }
        }
        roll_up(&mut values, width);
        let mut t = Table::new(values);
        t.relations = tree_relations(&nodes, width);
        for (i, &unit_too_small) in too_small.iter().enumerate() {
            let base = i * width;
            let counts_add_up = m > 0 && !matches!(q.kind, QuestionKind::MultipleChoice { .. });
            if counts_add_up {
                let mut r = vec![(base, -1)];
                r.extend((0..m).map(|c| (base + 1 + c, 1)));
                t.relations.push(r);
            }
            if let QuestionKind::Scale { min, .. } = q.kind {
                let mut r = vec![(base + 1 + m, -1)];
                r.extend((0..m).map(|c| (base + 1 + c, i64::from(min) + c as i64)).filter(|(_, w)| *w != 0));
                t.relations.push(r);
            }
            if has_mean {
                t.linked.push((base, base + 1 + m));
            }
            for col in 0..width {
                let v = t.values[base + col];
                let is_total = has_mean && col == 1 + m;
                t.suppressed[base + col] = unit_too_small || if is_total { small(t.values[base]) } else { small(v) };
            }
            if always[qi] {
                // As many answers as respondents: the same figure, already
                // decided by the respondent table.
                t.suppressed[base] = resp_table.suppressed[i] || small(t.values[base]);
                t.locked[base] = true;
            } else if survey
                .gates(qi)
                .iter()
                .any(|g| tables.get(g).is_some_and(|(gt, gw, _)| (0..*gw).any(|c| gt.suppressed[i * gw + c])))
            {
                // Who reaches this question depends on answers hidden for
                // this unit: its answer count could reveal them.
                t.suppressed[base] = true;
            }
        }
        t.protect();
        headings.push(QuestionHeading { id: q.id.clone(), text: q.text.clone(), categories: labels, has_mean });
        tables.insert(qi, (t, width, m));
    }

    let figure = |t: &Table, v: usize| {
        if t.suppressed[v] { Figure::Suppressed } else { Figure::Value(u64::try_from(t.values[v]).unwrap_or(0)) }
    };
    let units = (0..n)
        .map(|i| UnitReport {
            unit: nodes[i].unit,
            direct: nodes[i].direct,
            respondents: figure(&resp_table, i),
            questions: tables
                .iter()
                .map(|(&qi, (t, width, m))| {
                    let base = i * width;
                    let has_mean = *width > 1 + m;
                    let mean = has_mean.then(|| {
                        let (count, total) = (base, base + 1 + m);
                        if t.suppressed[count] || t.suppressed[total] {
                            Mean::Suppressed
                        } else if t.values[count] == 0 {
                            Mean::NoData
                        } else {
                            Mean::Value(t.values[total] as f64 / t.values[count] as f64)
                        }
                    });
                    QuestionReport {
                        question: survey.questions[qi].id.clone(),
                        answered: figure(t, base),
                        counts: (0..*m).map(|c| figure(t, base + 1 + c)).collect(),
                        mean,
                    }
                })
                .collect(),
        })
        .collect();
    Ok(SurveyReport { min_group, questions: headings, units })
}
