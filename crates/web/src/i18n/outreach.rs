//! User-facing strings of the outreach authoring pages (the survey builder,
//! answering a survey in pages, a campaign's items as form rows), Vietnamese
//! and English.

pub(crate) const STRINGS: &[(&str, &str, &str)] = &[
    ("sb.new_title", "Tạo khảo sát", "New survey"),
    ("sb.edit_title", "Sửa khảo sát", "Edit the survey"),
    ("sb.edit", "Sửa", "Edit"),
    ("sb.saved", "Đã lưu khảo sát.", "The survey is saved."),
    ("sb.title", "Tên khảo sát", "Title"),
    (
        "sb.anonymous",
        "Ẩn danh (không lưu người trả lời, chỉ lưu ngày và xã, phường)",
        "Anonymous (no respondent kept, only the day and the commune)",
    ),
    ("sb.opens_on", "Mở từ ngày", "Opens on"),
    ("sb.closes_on", "Đến hết ngày", "Closes after"),
    ("sb.questions", "Câu hỏi", "Questions"),
    ("sb.question", "Câu", "Question"),
    ("sb.text", "Nội dung câu hỏi", "Question text"),
    ("sb.kind", "Loại câu hỏi", "Kind of question"),
    ("sb.kind.choice", "Chọn một phương án", "One choice"),
    ("sb.kind.multiple", "Chọn nhiều phương án", "Several choices"),
    ("sb.kind.scale", "Thang điểm", "Scale"),
    ("sb.kind.number", "Số", "Number"),
    ("sb.kind.text", "Trả lời tự do", "Free text"),
    ("sb.required", "Bắt buộc trả lời", "Must be answered"),
    ("sb.choices", "Các phương án (mỗi dòng một phương án)", "Choices (one a line)"),
    ("sb.max_selected", "Chọn tối đa (để trống: không giới hạn)", "At most (empty: no limit)"),
    ("sb.scale_min", "Từ", "From"),
    ("sb.scale_max", "Đến", "To"),
    ("sb.min_label", "Nhãn mức thấp nhất", "Label of the lowest point"),
    ("sb.max_label", "Nhãn mức cao nhất", "Label of the highest point"),
    ("sb.number_min", "Nhỏ nhất (để trống: không giới hạn)", "Lowest (empty: no limit)"),
    ("sb.number_max", "Lớn nhất (để trống: không giới hạn)", "Highest (empty: no limit)"),
    ("sb.max_chars", "Số ký tự tối đa", "Most characters"),
    ("sb.rules", "Điều kiện chuyển câu", "Skip rules"),
    (
        "sb.rules_none",
        "Không có: người trả lời sang câu tiếp theo.",
        "None: the respondent goes on to the next question.",
    ),
    ("sb.if_chose", "Nếu chọn", "If the answer is"),
    ("sb.if_answer", "Nếu câu trả lời", "If the answer is"),
    ("sb.value", "giá trị", "value"),
    ("sb.go_to", "thì chuyển tới", "go to"),
    ("sb.to_end", "Kết thúc khảo sát", "The end of the survey"),
    ("sb.op.lt", "nhỏ hơn", "less than"),
    ("sb.op.le", "không lớn hơn", "at most"),
    ("sb.op.eq", "bằng", "equal to"),
    ("sb.op.ne", "khác", "other than"),
    ("sb.op.ge", "không nhỏ hơn", "at least"),
    ("sb.op.gt", "lớn hơn", "greater than"),
    ("sb.add_rule", "Thêm điều kiện", "Add a rule"),
    ("sb.remove_rule", "Bỏ điều kiện", "Remove the rule"),
    ("sb.up", "Lên", "Up"),
    ("sb.down", "Xuống", "Down"),
    ("sb.remove", "Xóa câu hỏi", "Remove the question"),
    ("sb.add", "Thêm câu hỏi", "Add a question"),
    ("sb.new_kind", "Loại câu hỏi mới", "Kind of the new question"),
    ("sb.refresh", "Cập nhật bản xem trước", "Update the preview"),
    ("sb.save", "Lưu khảo sát", "Save the survey"),
    ("sb.preview", "Xem trước trên điện thoại", "Preview on a phone"),
    (
        "sb.preview_note",
        "Người trả lời chỉ thấy các câu hỏi trên đường đi của mình: câu bị bỏ qua theo điều kiện không hiện ra.",
        "A respondent sees only the questions on their path: a question skipped by a rule is not shown.",
    ),
    ("sb.preview_empty", "Chưa có câu hỏi nào có nội dung.", "No question has text yet."),
    ("sb.import", "Nhập từ tệp định nghĩa (JSON, không bắt buộc)", "Import a definition (JSON, optional)"),
    ("sb.import_field", "Định nghĩa khảo sát (JSON)", "Survey definition (JSON)"),
    (
        "sb.import_help",
        "Nội dung nhập vào sẽ thay các câu hỏi đang soạn; kiểm tra lại rồi bấm «Lưu khảo sát».",
        "What you import replaces the questions being written; check them, then press Save.",
    ),
    ("sb.import_btn", "Nhập vào trình soạn", "Import into the builder"),
    (
        "sb.locked_answers",
        "Khảo sát đã có {n} phiếu trả lời nên không sửa được câu hỏi (các câu trả lời đã gửi theo đúng các câu hỏi này). Hãy tạo khảo sát mới nếu cần hỏi khác.",
        "The survey has {n} responses, so its questions can no longer change (those answers were given to these questions). Make a new survey to ask something else.",
    ),
    (
        "sb.locked_history",
        "Khảo sát của đơn vị đã sáp nhập: chỉ còn là lịch sử, không sửa được.",
        "A survey of a unit merged away: it is history and cannot be changed.",
    ),
    ("sb.err.no_title", "Cần đặt tên cho khảo sát.", "The survey needs a title."),
    ("sb.err.title_long", "Tên dài quá {max_title} ký tự.", "The title is longer than {max_title} characters."),
    ("sb.err.no_questions", "Khảo sát cần ít nhất một câu hỏi.", "The survey needs at least one question."),
    (
        "sb.err.too_many_questions",
        "Khảo sát có nhiều nhất {max_questions} câu hỏi.",
        "A survey has at most {max_questions} questions.",
    ),
    ("sb.err.no_text", "Câu hỏi chưa có nội dung.", "The question has no text."),
    (
        "sb.err.text_long",
        "Nội dung câu hỏi dài quá {max_question} ký tự.",
        "The question is longer than {max_question} characters.",
    ),
    (
        "sb.err.choice_count",
        "Cần từ 2 đến {max_choices} phương án, mỗi dòng một phương án.",
        "Give 2 to {max_choices} choices, one a line.",
    ),
    (
        "sb.err.choice_long",
        "Mỗi phương án dài nhiều nhất {max_choice} ký tự.",
        "Each choice is at most {max_choice} characters.",
    ),
    (
        "sb.err.choice_repeated",
        "Hai phương án trùng nhau (không kể dấu, hoa thường).",
        "Two choices are the same (ignoring accents and case).",
    ),
    (
        "sb.err.max_selected",
        "Số phương án được chọn tối đa phải từ 1 đến số phương án.",
        "The most that may be picked is 1 up to the number of choices.",
    ),
    (
        "sb.err.scale",
        "Thang điểm cần hai số nguyên, «Đến» lớn hơn «Từ», nhiều nhất {max_points} mức.",
        "A scale needs two whole numbers, To above From, at most {max_points} points.",
    ),
    ("sb.err.label_long", "Nhãn dài nhiều nhất {max_choice} ký tự.", "A label is at most {max_choice} characters."),
    ("sb.err.number", "Giới hạn phải là số nguyên.", "A limit must be a whole number."),
    ("sb.err.range", "Giá trị nhỏ nhất lớn hơn giá trị lớn nhất.", "The lowest is above the highest."),
    ("sb.err.text_limit", "Số ký tự tối đa phải từ 1 đến {max_text}.", "The most characters is 1 to {max_text}."),
    (
        "sb.err.too_many_rules",
        "Mỗi câu hỏi có nhiều nhất {max_rules} điều kiện.",
        "A question has at most {max_rules} rules.",
    ),
    ("sb.err.rule_choice", "Hãy chọn phương án của điều kiện.", "Pick the choice the rule tests."),
    ("sb.err.rule_value", "Hãy chọn phép so sánh và nhập một số nguyên.", "Pick a comparison and give a whole number."),
    ("sb.err.rule_target", "Hãy chọn câu hỏi sẽ chuyển tới.", "Pick where the rule goes."),
    (
        "sb.err.rule_backward",
        "Chỉ được chuyển tới một câu hỏi phía sau; hãy chọn lại (câu hỏi có thể đã bị di chuyển).",
        "A rule can only go to a later question; pick again (the question may have been moved).",
    ),
    (
        "sb.err.key",
        "Câu hỏi có mã không hợp lệ; hãy soạn lại câu này.",
        "The question's key is not valid; write it again.",
    ),
    (
        "sb.err.key_repeated",
        "Hai câu hỏi cùng mã; hãy soạn lại câu này.",
        "Two questions share a key; write this one again.",
    ),
    ("sb.err.dates", "Hãy chọn ngày mở và ngày kết thúc.", "Pick the opening and closing days."),
    (
        "sb.err.dates_order",
        "Ngày kết thúc phải từ ngày mở trở đi, và cách nhau không quá một năm.",
        "The closing day must be on or after the opening day, and within a year of it.",
    ),
    (
        "sb.err.import",
        "Không đọc được định nghĩa: lỗi ở dòng {line}, cột {column}. Phần đã soạn không thay đổi.",
        "The definition could not be read: a problem at line {line}, column {column}. The questions being written are unchanged.",
    ),
    ("sb.err.import_large", "Định nghĩa quá dài (tối đa 256 KB).", "The definition is too long (256 KB at most)."),
    ("ci.title", "Tiêu đề", "Title"),
    ("ci.kind", "Loại", "Kind"),
    ("ci.url", "Đường dẫn (tin, bài, video, hình ảnh)", "Link (article, video, image)"),
    ("ci.warning", "Cảnh báo đã đăng (với loại cảnh báo)", "Published warning (for a warning)"),
    ("ci.kind.article", "Tin, bài", "Article"),
    ("ci.kind.video", "Video clip, phóng sự", "Video"),
    ("ci.kind.image", "Hình ảnh, infographic", "Image, infographic"),
    ("ci.kind.warning", "Cảnh báo", "Warning"),
    ("ci.theme.anti_fraud", "Phòng, chống lừa đảo", "Fraud prevention"),
    ("ci.theme.child_safety", "Bảo vệ trẻ em", "Child safety"),
    ("ci.theme.black_market_lending", "Phòng, chống tín dụng đen", "Black-market lending"),
    ("ci.theme.fake_news", "Phòng, chống tin giả", "Fake news"),
    ("ci.theme.drugs", "Phòng, chống ma túy", "Drugs"),
    ("ci.theme.other", "Nội dung khác", "Other"),
    (
        "ci.rows_help",
        "Mỗi dòng một nội dung; dòng để trống được bỏ qua. Để trống phần chủ đề: mọi mô hình.",
        "One item a row; blank rows are ignored. No theme ticked: every initiative.",
    ),
    ("ci.add_row", "Thêm một dòng", "One more row"),
    ("ci.manage", "Sửa nội dung của chiến dịch", "Correct the campaign's items"),
    ("ci.save_item", "Lưu sửa đổi", "Save the correction"),
    ("ci.void_reason", "Lý do hủy (nội dung nhập nhầm)", "Reason for voiding (entered by mistake)"),
    ("ci.void", "Hủy nội dung", "Void the item"),
    ("ci.add_item", "Thêm nội dung", "Add an item"),
    ("ci.voided", "Nội dung đã hủy", "Voided items"),
    ("ci.err.title", "Nội dung cần có tiêu đề.", "The item needs a title."),
    ("ci.err.title_long", "Tiêu đề dài quá 300 ký tự.", "The title is longer than 300 characters."),
    ("ci.err.kind", "Hãy chọn loại nội dung.", "Pick the kind of item."),
    (
        "ci.err.url",
        "Cần đường dẫn đầy đủ, bắt đầu bằng http:// hoặc https://, ví dụ https://congan.bacninh.gov.vn/bai-viet.",
        "Give a full http(s) link, for example https://congan.bacninh.gov.vn/article.",
    ),
    ("ci.err.warning", "Hãy chọn một cảnh báo đã đăng.", "Pick a published warning."),
    ("ci.err.too_many", "Một chiến dịch có nhiều nhất {max} nội dung.", "A campaign has at most {max} items."),
    ("ci.err.no_items", "Chiến dịch cần ít nhất một nội dung.", "The campaign needs at least one item."),
    (
        "ci.err.campaign_title",
        "Cần đặt tên chiến dịch (tối đa 200 ký tự).",
        "The campaign needs a title (200 characters at most).",
    ),
    ("ci.err.reason", "Hãy ghi lý do hủy.", "Give the reason for voiding."),
    ("ci.err.reason_long", "Lý do dài quá 500 ký tự.", "The reason is longer than 500 characters."),
    (
        "ci.err.last_item",
        "Đây là nội dung cuối cùng của chiến dịch: hãy thêm nội dung đúng trước khi hủy.",
        "This is the campaign's last item: add the right one before voiding it.",
    ),
    ("os.next", "Tiếp tục", "Next"),
    (
        "os.no_token",
        "Trình duyệt chưa nhận mã phiếu: hãy tải lại trang khảo sát rồi gửi lại.",
        "Your browser has no response token yet: reload the survey page and send again.",
    ),
    (
        "os.already",
        "Trình duyệt này đã gửi phiếu cho khảo sát này. Cảm ơn anh/chị đã tham gia.",
        "This browser has already answered this survey. Thank you for taking part.",
    ),
    ("os.bad_answer", "Câu trả lời không hợp lệ.", "This answer is not valid."),
    ("os.pick_commune", "Hãy chọn xã, phường nơi anh/chị sinh sống.", "Pick the commune you live in."),
    ("os.commune_outside", "Xã, phường không thuộc phạm vi khảo sát.", "That commune is not in the survey's area."),
];

#[cfg(test)]
mod tests {
    use super::super::{Lang, Tr};
    use super::STRINGS;

    #[test]
    fn every_key_is_translated_once_and_found() {
        let mut keys: Vec<&str> = STRINGS.iter().map(|(k, _, _)| *k).collect();
        keys.sort();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "duplicate i18n keys");
        for (key, vi, en) in STRINGS {
            assert!(!vi.is_empty() && !en.is_empty(), "{key}");
            // Not shadowed by a key of the same name in another table.
            assert_eq!(Tr { lang: Lang::Vi }.t(key), *vi, "{key}");
            assert_eq!(Tr { lang: Lang::En }.t(key), *en, "{key}");
        }
    }

    #[test]
    fn every_builder_refusal_has_a_message() {
        use khienmang_core::outreach::survey::BuildError::*;
        for e in [
            NoTitle,
            TitleTooLong,
            NoQuestions,
            TooManyQuestions,
            NoText,
            TextTooLong,
            ChoiceCount,
            ChoiceTooLong,
            RepeatedChoice,
            BadMaxSelected,
            BadScale,
            LabelTooLong,
            BadNumber,
            BadRange,
            BadTextLimit,
            TooManyRules,
            RuleChoice,
            RuleValue,
            RuleTarget,
            RuleBackward,
            BadKey,
            RepeatedKey,
        ] {
            assert!(STRINGS.iter().any(|(k, _, _)| *k == e.key()), "{e:?}");
        }
    }
}
